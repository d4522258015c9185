/**
 * ONNX export of a condensed network ({@link dev.condensenet.model.onnx.OnnxExporter}): the converted tree of
 * docs/design.md §4, literally or with every dense layer in the folded form of one
 * {@link dev.condensenet.model.fold.LayerPlan}, as a standard ONNX graph (opset 17, dynamic batch) for other
 * runtimes (ONNX Runtime, TensorRT, Triton), written with protobuf-java.
 *
 * <p>May import: DJL, protobuf-java, {@code model.net}, {@code model.fold}. Nothing in the model module imports this package
 * ({@code ModelArchitectureTest}); the training CLI's {@code export-onnx} and the
 * pipeline's ONNX Runtime engine ({@code --engine onnxruntime}) do.
 */
package dev.condensenet.model.onnx;
