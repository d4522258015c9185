/**
 * The one kind of user-facing failure shared by both command lines and the Flink job:
 * {@link dev.condensenet.model.error.UserError} carries a one-line message that says what to do, maps to exit
 * code 2, and {@link dev.condensenet.model.error.UserError#oneLine} reduces any failure to such a line.
 *
 * <p>May import: the JDK only. Every other package of the project may import it.
 */
package dev.condensenet.model.error;
