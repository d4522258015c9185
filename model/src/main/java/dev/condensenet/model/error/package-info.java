/**
 * The one kind of user-facing failure shared by both command lines: {@link dev.condensenet.model.error.UserError}
 * carries a one-line message that says what to do, and maps to exit code 2.
 *
 * <p>May import: the JDK only. Every other package of the project may import it.
 */
package dev.condensenet.model.error;
