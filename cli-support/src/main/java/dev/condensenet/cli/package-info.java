/**
 * What the two command lines ({@code condensenet-training.jar}, {@code condensenet-pipeline.jar}) share:
 * the flags every command spells the same way ({@link dev.condensenet.cli.VerboseOption}, {@link
 * dev.condensenet.cli.ThreadsOption}, {@link dev.condensenet.cli.DeviceOption}), one-line errors with their
 * exit codes ({@link dev.condensenet.cli.OneLineErrors}, {@link dev.condensenet.cli.ExitCodes}) and checks of
 * output paths before any work ({@link dev.condensenet.cli.OutputPaths}); each jar's top command extends
 * {@link dev.condensenet.cli.RootCommand}.
 *
 * <p>May import: picocli, {@code model.error}, {@code model.engine}, the JDK. Imported only by the
 * command-line packages of training and pipeline.
 */
package dev.condensenet.cli;
