/**
 * The model-only throughput benchmark: the forms compared (DenseNet, masked training form, reference
 * condensed tree, served compiled network), timed forwards and their plot.
 *
 * <p>May import: DJL, JFreeChart, {@code model.*}. Must not import {@code cli}.
 */
package dev.condensenet.training.bench;
