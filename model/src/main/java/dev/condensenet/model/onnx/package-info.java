/**
 * ONNX export of a condensed network ({@link dev.condensenet.model.onnx.OnnxExporter}): the converted tree of
 * docs/design.md §4 as a standard ONNX graph (opset 17, dynamic batch) for other runtimes (ONNX Runtime,
 * TensorRT, Triton), written with protobuf-java.
 *
 * <p>May import: DJL, protobuf-java, {@code model.net}. Nothing in the model module imports this package
 * ({@code ModelArchitectureTest}); the training CLI's {@code export-onnx} and the
 * pipeline's ONNX Runtime engine ({@code --engine onnxruntime}) do.
 */
package dev.condensenet.model.onnx;
