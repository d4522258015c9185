/**
 * The self-describing model directory that training writes and the pipeline serves
 * ({@link dev.condensenet.model.store.ModelDirectory}; docs/design.md §4.4): {@code config.json}
 * ({@link dev.condensenet.model.store.ModelConfigJson}, format version 1) and the condensed network's DJL
 * parameter file. It reads and validates both, describes the model
 * ({@link dev.condensenet.model.store.ModelCard}: architecture, normalisation, class names, metrics), and loads
 * the network either as written or compiled for serving. A versioned model root
 * ({@link dev.condensenet.model.store.ModelRoot}) holds numbered model directories (the TensorFlow Serving layout),
 * published atomically by rename.
 *
 * <p>May import: DJL (api, image translator), Gson, {@code model.net}, {@code model.compiled},
 * {@code model.engine}, {@code model.error}. The top of the model module: nothing in it imports this package
 * ({@code ModelArchitectureTest}); training and the pipeline do.
 */
package dev.condensenet.model.store;
