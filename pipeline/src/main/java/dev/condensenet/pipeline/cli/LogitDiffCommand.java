package dev.condensenet.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.cli.DeviceOption;
import dev.condensenet.cli.ExitCodes;
import dev.condensenet.cli.Flags;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.pipeline.bench.LogitDiff;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code logit-diff}: max |logits(device) - logits(CPU)| of the served model on sample frames, with
 * libtorch's default TF32 flags and with {@code --exact-fp32} (TF32 off), through the operator's predictor.
 */
@Command(name = "logit-diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare the model's logits on --device with its logits on the CPU for the same decoded",
            "sample frames (the job's decoder and predictor): max |difference| and top-1 agreement, once with",
            "PyTorch's default TF32 setting (cuDNN uses TF32 for float32 convolutions on Ampere and later GPUs)",
            "and once with TF32 off (what --exact-fp32 does in the other commands). On the CPU both are 0."})
public final class LogitDiffCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Model directory (default: the first in testdata/models/)")
    Path model;

    @Option(names = "--images", description = "Frames, cycled (default: testdata/fashion-mnist-sample)")
    Path images;

    @Option(names = "--frames", description = "Frames compared (default: ${DEFAULT-VALUE})")
    int frames = 256;

    @Option(names = "--batch", description = "Frames per forward (default: ${DEFAULT-VALUE})")
    int batch = 64;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Mixin
    ThreadsOption threads = new ThreadsOption(1);

    @Option(names = "--json", description = "Print the result as one JSON object on stdout")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Flags.require(frames >= 1, spec, "--frames", "must be at least 1");
        Flags.require(batch >= 1 && batch <= 4096, spec, "--batch", "must be in 1..4096");
        DeviceSpec d = device.get();
        Flags.require(!d.exactFp32(), spec, "--exact-fp32", "logit-diff measures both with and without it; leave "
                + "it out");
        Path modelDir = LocalInputs.model(model);
        Path imageDir = LocalInputs.images(images);
        LogitDiff.Result r = LogitDiff.run(modelDir, imageDir, d, threads.get(), frames, batch);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(r.toMap()));
        } else {
            System.out.printf(Locale.ROOT, "%s, %d frames, %s vs cpu: max |logit diff| %.3g with PyTorch's default "
                            + "TF32 flags (cuDNN %s, cuBLAS %s), %.3g with TF32 off (--exact-fp32); top-1 agrees on "
                            + "%d and %d frames%n", r.model(), r.frames(), r.device(), r.maxAbsDefault(),
                    onOff(r.tf32Default().cudnn()), onOff(r.tf32Default().cublas()), r.maxAbsExactFp32(),
                    r.top1AgreeDefault(), r.top1AgreeExactFp32());
        }
        return Double.isNaN(r.maxAbsDefault()) || Double.isNaN(r.maxAbsExactFp32()) ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }
}
