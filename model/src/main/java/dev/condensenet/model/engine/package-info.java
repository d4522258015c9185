/**
 * Process-wide PyTorch engine setup (offline natives, thread counts, malloc tuning, NNPACK off) and the
 * {@code --device} parser shared by every entry point.
 *
 * <p>May import: DJL, JNA, {@code model.error}. Imported by every layer above it.
 */
package dev.condensenet.model.engine;
