package dev.condensenet.training.bench;

import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.ModelCounts;

/** The networks the benchmark compares, all built from one CondenseNet config. */
public enum Form {
    /** The training form in eval mode: dense 1×1 convolutions with masked weights. */
    MASKED("masked"),
    /** The condensed network as it is served: the converted network compiled for inference. */
    CONDENSED("condensed"),
    /** The converted block tree run literally (docs/design.md §4): gather, grouped 1×1, shuffle, concat. */
    REFERENCE("condensed-reference"),
    /** DenseNet-BC-like baseline: same stages and growth, ungrouped 1×1 and 3×3 convs, no condensing. */
    DENSENET("densenet");

    private final String cliName;

    Form(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Form parse(String name) {
        for (Form f : values()) {
            if (f.cliName.equals(name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown form '" + name
                + "': use masked, condensed, condensed-reference or densenet");
    }

    /** The baseline's config: G = C = 1. */
    public static CondenseNetConfig densenet(CondenseNetConfig c) {
        return c.toBuilder().optGroups(1).optCondenseFactor(1).build();
    }

    /**
     * Multiply-adds one image needs in this form (masked weights still cost). The compiled network may
     * execute more in layers where a dense kernel beat the grouped one; the count is the condensed
     * network's, so GFLOP/s stays comparable with the reference.
     */
    public long executedMacs(CondenseNetConfig c) {
        switch (this) {
            case CONDENSED:
            case REFERENCE:
                return ModelCounts.of(c).convertedFlops();
            case DENSENET:
                return ModelCounts.of(densenet(c)).trainFlops();
            default:
                return ModelCounts.executedMaskedFlops(c);
        }
    }
}
