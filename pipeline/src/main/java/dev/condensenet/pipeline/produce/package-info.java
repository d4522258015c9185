/**
 * Producer-side frame sources for the {@code produce} command: IDX image files (gzip or plain) read into
 * images, and MJPEG streams split into JPEG frames; and {@code HeaderOnlyPng}, the decoder-bomb frame
 * {@code demo} mixes into its stream (and the tests use).
 *
 * <p>May import: the JDK ({@code java.io}, {@code java.awt.image}). Used only by {@code pipeline.cli}
 * ({@code PipelineArchitectureTest}); nothing in the job graph depends on it.
 */
package dev.condensenet.pipeline.produce;
