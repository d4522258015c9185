package dev.condensenet.training.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.ModelCounts;
import dev.condensenet.model.store.ModelCard;
import dev.condensenet.model.store.ModelDirectory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code info}: architecture, channel bookkeeping and the paper's parameter/FLOP counts for both forms. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a CondenseNet's architecture and its parameter and FLOP counts (counted as in the "
                + "paper's tables) for the training and the condensed form.")
final class InfoCommand implements Callable<Integer> {

    @Mixin
    ArchitectureOptions arch;

    @Option(names = "--model", paramLabel = "DIR", description = "Describe a model directory instead.")
    Path model;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelCard card = null;
        CondenseNetConfig config;
        if (model != null) {
            if (arch.isSet()) {
                throw new ParameterException(spec.commandLine(), "give either --model or architecture flags, not both");
            }
            card = ModelDirectory.open(model).card();
            config = card.config();
        } else {
            config = arch.resolve();
        }
        ModelCounts counts = ModelCounts.of(config);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("architecture", config.toString());
            o.addProperty("depth", config.depth());
            o.addProperty("finalChannels", config.finalChannels());
            o.addProperty("trainParams", counts.trainParams());
            o.addProperty("trainParamsOfficial", counts.trainParamsOfficial());
            o.addProperty("trainFlops", counts.trainFlops());
            o.addProperty("convertedParams", counts.convertedParams());
            o.addProperty("convertedFlops", counts.convertedFlops());
            if (card != null) {
                o.addProperty("name", card.name());
                o.addProperty("dataset", card.dataset());
                if (card.accuracy() != null) {
                    o.addProperty("accuracy", card.accuracy());
                }
            }
            System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(o));
            return 0;
        }
        if (card != null) {
            System.out.printf("model       %s (%s)%s%n", card.name(), card.dataset(),
                    card.accuracy() == null ? "" : String.format(", test accuracy %.2f%% on %d images",
                            100 * card.accuracy(), card.testSamples()));
        }
        System.out.println("architecture " + config);
        System.out.println(channelBookkeeping(config));
        System.out.printf("%-28s %15s %15s%n", "", "params", "FLOPs (MACs)");
        System.out.printf("%-28s %,15d %15s%n", "training form (trainable)", counts.trainParams(), "");
        System.out.printf("%-28s %,15d %,15d%n", "training form (paper rules)", counts.trainParamsOfficial(),
                counts.trainFlops());
        System.out.printf("%-28s %,15d %,15d%n", "condensed form", counts.convertedParams(),
                counts.convertedFlops());
        return 0;
    }

    private static String channelBookkeeping(CondenseNetConfig c) {
        StringBuilder sb = new StringBuilder("channels    stem " + c.inChannels() + "->" + c.stemChannels());
        int ch = c.stemChannels();
        int size = c.stemOutputSize();
        for (int m = 0; m < c.blocks(); m++) {
            if (m > 0) {
                size /= 2;
            }
            ch += c.stage(m) * c.growth(m);
            sb.append(String.format(", block %d -> %d (%dx%d)", m + 1, ch, size, size));
        }
        sb.append(", classifier ").append(ch).append("->").append(c.classes());
        return sb.toString();
    }
}
