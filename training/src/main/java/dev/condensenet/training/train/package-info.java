/**
 * The training run (docs/design.md §6): the loop with the group-lasso term and the condensing schedule
 * (§3.3–§3.5), the Nesterov SGD optimiser, checkpoints and bit-exact resume, evaluation, and the cross-cutting
 * concerns as DJL training listeners (progress, epoch log, metrics CSV, curves plot, checkpoints).
 *
 * <p>May import: DJL, JFreeChart (plots), Gson (checkpoint metadata), SLF4J, {@code model.*},
 * {@code training.data}. Must not import {@code bench} or {@code cli} ({@code TrainingArchitectureTest}).
 */
package dev.condensenet.training.train;
