/**
 * The {@code condensenet-training.jar} command line (picocli): info, train, eval, condense, verify-conversion,
 * samples, bench. Parses and validates flags, then calls the packages below; bad input ends as one
 * {@code error:} line and exit code 2.
 *
 * <p>May import: everything in the training and model modules. Nothing imports this package.
 */
package dev.condensenet.training.cli;
