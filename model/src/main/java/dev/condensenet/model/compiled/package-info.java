/**
 * The served form of a condensed network: {@link dev.condensenet.model.compiled.CompiledCondenseNet} computes
 * the same function as the converted block tree with fewer memory passes (exact folds of BatchNorm and shuffle,
 * one buffer per dense block, a per-layer plan timed on the device), and
 * {@link dev.condensenet.model.compiled.ConversionCheck} proves the masked, converted and compiled forms agree.
 *
 * <p>May import: DJL, {@code model.net}, {@code model.engine}, {@code model.error}. Must not import
 * {@code model.store}.
 */
package dev.condensenet.model.compiled;
