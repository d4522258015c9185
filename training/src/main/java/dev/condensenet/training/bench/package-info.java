/**
 * The model-only throughput benchmark (BENCHMARKS.md): the forms compared — DenseNet-BC-like baseline, masked
 * training form, the converted tree run literally, the served compiled network (docs/design.md §4, §7) —
 * timed eval-mode forwards with per-iteration NDManager scopes (§8.1), and their plot.
 *
 * <p>May import: DJL, JFreeChart, {@code model.*}. Must not import {@code cli}, {@code train} or {@code data}
 * ({@code TrainingArchitectureTest}).
 */
package dev.condensenet.training.bench;
