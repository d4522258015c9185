/**
 * The {@code condensenet-training.jar} command line (picocli): info, train, eval, condense, verify-conversion,
 * samples, bench. Parses and validates flags, sets up the engine ({@code model.engine}), then calls the
 * packages below; bad input ends as one {@code error:} line and exit code 2, a diverged training run as exit
 * code 3.
 *
 * <p>May import: everything in the training and model modules, the shared flags and error handling of
 * {@code dev.condensenet.cli} (cli-support), picocli, Gson, SLF4J. Nothing imports this package
 * ({@code TrainingArchitectureTest}).
 */
package dev.condensenet.training.cli;
