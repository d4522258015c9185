package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.Model;
import dev.condensenet.cli.OutputPaths;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.onnx.OnnxExporter;
import dev.condensenet.model.store.ModelDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code export-onnx}: the model directory's condensed network as a standard ONNX file for other runtimes
 * ({@link OnnxExporter}). Written to a temporary file next to {@code --out} and moved into place, so a failed
 * export leaves no half-written model.
 */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = "Write a model directory's condensed network as an ONNX model (opset " + OnnxExporter.OPSET
                + ", dynamic batch): input 'input' = normalised float32 NCHW, output 'logits' = (batch, classes).")
final class ExportOnnxCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "ONNX file to write.")
    Path out;

    @Option(names = "--force", description = "Replace an existing --out file.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        OutputPaths.requireWritableFile(out, "--out");
        if (Files.exists(out) && !force) {
            throw new UserError("--out " + out + " exists: use a new --out, or --force to replace it");
        }
        ModelDirectory dir = ModelDirectory.open(model);
        OnnxExporter exporter = OnnxExporter.forConfig(dir.config())
                .optMetadata("name", dir.name())
                .optMetadata("dataset", dir.card().dataset())
                .optMetadata("architecture", dir.config().toString())
                .optMetadata("input", "float32 NCHW (batch, " + dir.inChannels() + ", " + dir.imageSize() + ", "
                        + dir.imageSize() + "), pixels in [0, 1] normalised as (x - mean) / std per channel")
                .optMetadata("mean", Arrays.toString(dir.mean()))
                .optMetadata("std", Arrays.toString(dir.std()))
                .optMetadata("classes", String.join(",", dir.classNames()));
        Path abs = out.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
        try {
            try (Model m = dir.loadReference(Device.cpu()); OutputStream os = Files.newOutputStream(tmp)) {
                exporter.write(m.getBlock(), os);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        System.out.printf("wrote %s (%,d bytes): ONNX opset %d, input '%s' (batch, %d, %d, %d), output '%s' "
                + "(batch, %d)%n", out, Files.size(abs), OnnxExporter.OPSET, OnnxExporter.INPUT, dir.inChannels(),
                dir.imageSize(), dir.imageSize(), OnnxExporter.OUTPUT, dir.config().classes());
        return 0;
    }
}
