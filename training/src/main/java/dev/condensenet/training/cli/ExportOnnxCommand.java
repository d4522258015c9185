package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.Model;
import com.google.gson.Gson;
import dev.condensenet.cli.OutputPaths;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.onnx.OnnxExporter;
import dev.condensenet.model.store.ModelDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code export-onnx}: the model directory's condensed network as a standard ONNX file for other runtimes
 * ({@link OnnxExporter}). Written to a hidden temporary file next to {@code --out} (missing directories are
 * created) and moved into place, so a failed or interrupted export leaves no half-written model. The class
 * names are in the metadata as a JSON array ({@code classes}), since a name may contain a comma.
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

    @Option(names = "--plan", defaultValue = "gather-dense3", paramLabel = "PLAN",
            description = "How each dense layer is written: literal (the converted tree node for node: gather, "
                    + "BatchNormalization, grouped 1x1, shuffle, grouped 3x3), or folded in one layer plan: "
                    + "gather-shuffle, gather-dense3, dense1-grouped3, dense1-dense3. Same function; "
                    + "gather-dense3 was fastest in ONNX Runtime on a CPU (default ${DEFAULT-VALUE}).")
    String plan;

    @Override
    public Integer call() throws IOException {
        OutputPaths.requireWritableFile(out, "--out");
        if (Files.exists(out) && !force) {
            throw new UserError("--out " + out + " exists: use a new --out, or --force to replace it");
        }
        LayerPlan layerPlan;
        try {
            layerPlan = "literal".equalsIgnoreCase(plan.trim()) ? null : LayerPlan.parse(plan);
        } catch (IllegalArgumentException e) {
            throw new UserError("--plan: unknown plan '" + plan + "': use literal, gather-shuffle, gather-dense3, "
                    + "dense1-grouped3 or dense1-dense3");
        }
        ModelDirectory dir = ModelDirectory.open(model);
        OnnxExporter exporter = OnnxExporter.forConfig(dir.config())
                .optPlan(layerPlan)
                .optMetadata("name", dir.name())
                .optMetadata("dataset", dir.card().dataset())
                .optMetadata("architecture", dir.config().toString())
                .optMetadata("layerPlan", planName(layerPlan))
                .optMetadata("input", "float32 NCHW (batch, " + dir.inChannels() + ", " + dir.imageSize() + ", "
                        + dir.imageSize() + "), pixels in [0, 1] normalised as (x - mean) / std per channel")
                .optMetadata("mean", Arrays.toString(dir.mean()))
                .optMetadata("std", Arrays.toString(dir.std()))
                .optMetadata("classes", new Gson().toJson(dir.classNames()));
        Path abs = out.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        // A hidden sibling, created with the umask's permissions (createTempFile would make it owner-only),
        // and removed by the JVM's shutdown hook if a signal ends the export before the move.
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        tmp.toFile().deleteOnExit();
        try {
            try (Model m = dir.loadReference(Device.cpu());
                 OutputStream os = Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                         StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                exporter.write(m.getBlock(), os);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        System.out.printf("wrote %s (%,d bytes): ONNX opset %d, input '%s' (batch, %d, %d, %d), output '%s' "
                + "(batch, %d), layer plan %s%n", out, Files.size(abs), OnnxExporter.OPSET, OnnxExporter.INPUT,
                dir.inChannels(), dir.imageSize(), dir.imageSize(), OnnxExporter.OUTPUT, dir.config().classes(),
                planName(layerPlan));
        return 0;
    }

    private static String planName(LayerPlan p) {
        return p == null ? "literal" : p.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
