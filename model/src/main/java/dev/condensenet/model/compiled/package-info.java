/**
 * The served form of a condensed network (docs/design.md §7):
 * {@link dev.condensenet.model.compiled.Compiler} turns a converted block tree into a
 * {@link dev.condensenet.model.compiled.CompiledCondenseNet} that computes the same function with fewer memory
 * passes — one feature buffer per dense block, exact folds of BatchNorm, shuffle and gather into the
 * convolutions, and per layer the {@link dev.condensenet.model.fold.LayerPlan} that was fastest on the
 * target device. {@link dev.condensenet.model.compiled.ConversionCheck} checks end to end that the masked,
 * converted and compiled forms agree (docs/design.md §11, checks 15 and 19).
 *
 * <p>May import: DJL, {@code model.net}, {@code model.fold}, {@code model.engine}, {@code model.error}. Must
 * not import {@code model.store}, which builds on it; {@code ModelArchitectureTest} enforces this.
 */
package dev.condensenet.model.compiled;
