package dev.condensenet.training.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.condensenet.cli.ExitCodes;
import dev.condensenet.cli.Flags;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.model.compiled.ConversionCheck;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.net.CondenseNetConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code verify-conversion}: masked training form vs converted form on random data. */
@Command(name = "verify-conversion", mixinStandardHelpOptions = true,
        description = "Train a few steps on random data through every condensing stage, convert, and compare "
                + "eval-mode features and logits of the two forms. Exits 1 if features differ by more than "
                + "the tolerance.")
final class VerifyConversionCommand implements Callable<Integer> {

    @Mixin
    ArchitectureOptions arch;

    @Option(names = "--steps", defaultValue = "8", description = "Training steps, the schedule spread over them "
            + "(at least 2: the last condensing stage starts at half; default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tolerance", defaultValue = "1e-5", description = "Max feature difference, and max compiled-vs-converted logit difference (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        CondenseNetConfig config = arch.resolve();
        Flags.require(steps >= ConversionCheck.MIN_STEPS, spec, "--steps", "the last condensing stage starts at "
                + "half of the schedule, so at least " + ConversionCheck.MIN_STEPS + " steps are needed");
        Flags.require(batch >= 1, spec, "--batch", "must be at least 1");
        Flags.require(tolerance >= 0, spec, "--tolerance", "must be >= 0");
        TorchRuntime.init(threads.get());
        ConversionCheck.Result r = ConversionCheck.run(config, steps, batch, seed);
        boolean ok = r.maxFeatureDiff() <= tolerance && r.maxCompiledDiff() <= tolerance;
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("architecture", config.toString());
            o.addProperty("maxFeatureDiff", r.maxFeatureDiff());
            o.addProperty("maxLogitDiff", r.maxLogitDiff());
            o.addProperty("maxCompiledDiff", r.maxCompiledDiff());
            o.addProperty("steps", r.steps());
            o.addProperty("sparsity", r.sparsity());
            o.addProperty("tolerance", tolerance);
            o.addProperty("ok", ok);
            System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(o));
        } else {
            System.out.printf("%s%nsteps %d, learned-group-conv sparsity %.1f%%%nmax |feature diff| %.3g, "
                    + "max |logit diff| %.3g, max |compiled - converted| %.3g -> %s%n", config, r.steps(),
                    100 * r.sparsity(), r.maxFeatureDiff(), r.maxLogitDiff(), r.maxCompiledDiff(), ok ? "OK" : "FAILED (tolerance " + tolerance + ")");
        }
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
