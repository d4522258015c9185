package dev.condensenet.training.cli;

import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.InvalidConfigException;
import dev.condensenet.model.net.Presets;
import picocli.CommandLine.Option;

/** The architecture flags shared by subcommands: a preset, explicit flags, or a preset with overrides. */
public final class ArchitectureOptions {

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Named configuration: cifar10-50/74/86/98/110/122/182, cifar100-86, imagenet-74-c4, "
                    + "imagenet-74-c8, fmnist-26/50/86.")
    String preset;

    @Option(names = "--stages", paramLabel = "N-N-N", description = "Dense layers per block, e.g. 14-14-14.")
    String stages;

    @Option(names = "--growth", paramLabel = "K-K-K", description = "Growth rate per block, e.g. 8-16-32.")
    String growth;

    @Option(names = "--groups", paramLabel = "G", description = "Groups of the 1x1 learned and 3x3 group convs (default 4).")
    Integer groups;

    @Option(names = "--condense-factor", paramLabel = "C", description = "Condensation factor (default: = groups).")
    Integer condenseFactor;

    @Option(names = "--bottleneck", paramLabel = "B", description = "Bottleneck factor (default 4).")
    Integer bottleneck;

    @Option(names = "--in-channels", paramLabel = "N", description = "Input channels (default 3).")
    Integer inChannels;

    @Option(names = "--image-size", paramLabel = "PX", description = "Input height and width (default 32).")
    Integer imageSize;

    @Option(names = "--classes", paramLabel = "N", description = "Number of classes (default 10).")
    Integer classes;

    @Option(names = "--stem-stride", paramLabel = "S", description = "Stride of the stem conv: 1 (CIFAR) or 2 (ImageNet).")
    Integer stemStride;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout before each learned 1x1 conv (default 0).")
    Float dropout;

    /** Whether any architecture flag at all was given. */
    boolean isSet() {
        return preset != null || stages != null || growth != null;
    }

    /** The configuration these flags describe; refuses contradictions with a one-line message. */
    public CondenseNetConfig resolve() {
        CondenseNetConfig.Builder b;
        if (preset != null) {
            b = Presets.get(preset).toBuilder();
            if (stages != null) {
                b.setStages(parseDashed(stages, "--stages"));
            }
            if (growth != null) {
                b.setGrowth(parseDashed(growth, "--growth"));
            }
        } else {
            if (stages == null || growth == null) {
                throw new InvalidConfigException("give --preset NAME, or both --stages and --growth");
            }
            b = CondenseNetConfig.builder()
                    .setStages(parseDashed(stages, "--stages"))
                    .setGrowth(parseDashed(growth, "--growth"))
                    .setInChannels(3).setImageSize(32).setClasses(10);
        }
        if (groups != null) {
            b.optGroups(groups);
            if (condenseFactor == null && preset != null) {
                b.optCondenseFactor(groups);
            }
        }
        if (condenseFactor != null) {
            b.optCondenseFactor(condenseFactor);
        }
        if (bottleneck != null) {
            b.optBottleneck(bottleneck);
        }
        if (inChannels != null) {
            b.setInChannels(inChannels);
        }
        if (imageSize != null) {
            b.setImageSize(imageSize);
        }
        if (classes != null) {
            b.setClasses(classes);
        }
        if (stemStride != null) {
            b.optStemStride(stemStride);
        }
        if (dropout != null) {
            b.optDropout(dropout);
        }
        return b.build();
    }

    static int[] parseDashed(String value, String flag) {
        String[] parts = value.trim().split("[-,]");
        int[] out = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Integer.parseInt(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(flag + " expects numbers separated by '-', e.g. 14-14-14 (got '"
                    + value + "')");
        }
        return out;
    }
}
