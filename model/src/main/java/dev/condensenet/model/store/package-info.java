/**
 * The self-describing model directory ({@code config.json} + DJL parameters) that training writes and the
 * pipeline serves: reading and validating it, the model card (architecture, normalisation, class names,
 * metrics), and loading the compiled network from it.
 *
 * <p>May import: DJL, Gson, {@code model.net}, {@code model.compiled}, {@code model.engine},
 * {@code model.error}. The top of the model module: nothing in it imports this package.
 */
package dev.condensenet.model.store;
