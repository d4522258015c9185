/**
 * The execution plans of a condensed dense layer ({@link dev.condensenet.model.fold.LayerPlan}) and the exact
 * inference rewrites of a condensed dense layer's arrays (docs/design.md §7), in plain Java:
 * {@link dev.condensenet.model.fold.LayerWeights} folds the post-shuffle BatchNorm into the 1×1 conv, the
 * shuffle and the gather into whichever conv can absorb a permutation, and BatchNorm + ReLU into one
 * {@code max(x, θ)} where every BN scale is positive. Both serving forms build on it: the compiled libtorch
 * network ({@code model.compiled}) and the ONNX export ({@code model.onnx}), so they run the same folds.
 *
 * <p>May import: DJL's block and parameter types (to read a converted layer), {@code model.net}. Accessed only
 * by {@code model.compiled}, {@code model.onnx} and {@code model.store} (whose loaders take a plan);
 * {@code ModelArchitectureTest} enforces this.
 */
package dev.condensenet.model.fold;
