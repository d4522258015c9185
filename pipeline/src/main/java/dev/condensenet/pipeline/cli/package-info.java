/**
 * The {@code condensenet-pipeline.jar} command line (picocli): demo, run, produce, consume, broker, bench, logit-diff. Parses and
 * validates flags, then calls the packages below; bad usage or setup ends as one {@code error:} line and exit
 * code 2.
 *
 * <p>May import: everything in the pipeline and model modules, and the shared flags and error handling of
 * {@code dev.condensenet.cli} (cli-support). Nothing imports this package.
 */
package dev.condensenet.pipeline.cli;
