/**
 * The training run: the loop with the group-lasso term and the condensing schedule, checkpoints and resume,
 * evaluation, and the cross-cutting concerns as DJL training listeners (progress, epoch log, metrics CSV,
 * curves plot, checkpoints).
 *
 * <p>May import: DJL, JFreeChart (plots), {@code model.*}, {@code training.data}. Must not import
 * {@code bench} or {@code cli}.
 */
package dev.condensenet.training.train;
