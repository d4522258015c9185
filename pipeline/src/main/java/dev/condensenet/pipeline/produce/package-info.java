/**
 * Producer-side frame sources for the {@code produce} command: IDX image files and MJPEG streams split into
 * frames.
 *
 * <p>May import: the JDK and ImageIO. Used only by {@code pipeline.cli}.
 */
package dev.condensenet.pipeline.produce;
