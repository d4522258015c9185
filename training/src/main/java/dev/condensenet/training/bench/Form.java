package dev.condensenet.training.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SequentialBlock;
import dev.condensenet.training.model.CondenseNet;
import dev.condensenet.training.model.CondenseNetConfig;
import dev.condensenet.training.model.Condenser;
import dev.condensenet.training.model.Converter;
import dev.condensenet.training.model.ModelCounts;

/** The networks the benchmark compares, all built from one CondenseNet config. */
public enum Form {
    /** The training form in eval mode: dense 1×1 convolutions with masked weights. */
    MASKED("masked"),
    /** The converted inference network: gather + grouped 1×1 conv + shuffle. */
    CONDENSED("condensed"),
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
        throw new IllegalArgumentException("unknown form '" + name + "': use masked, condensed or densenet");
    }

    /** The baseline's config: G = C = 1. */
    public static CondenseNetConfig densenet(CondenseNetConfig c) {
        return c.toBuilder().optGroups(1).optCondenseFactor(1).build();
    }

    /** Multiply-adds one image actually executes in this form (masked weights still cost). */
    public long executedMacs(CondenseNetConfig c) {
        switch (this) {
            case CONDENSED:
                return ModelCounts.of(c).convertedFlops();
            case DENSENET:
                return ModelCounts.of(densenet(c)).trainFlops();
            default:
                return ModelCounts.executedMaskedFlops(c);
        }
    }

    /** Builds and initialises (randomly; condensed by weight magnitude) the network in {@code manager}. */
    public SequentialBlock build(CondenseNetConfig c, NDManager manager) {
        CondenseNetConfig cfg = this == DENSENET ? densenet(c) : c;
        SequentialBlock net = CondenseNet.builder().setConfig(cfg).build();
        net.initialize(manager, DataType.FLOAT32, CondenseNet.inputShape(cfg, 1));
        if (this == DENSENET) {
            return net;
        }
        new Condenser(net).condenseFully();
        return this == CONDENSED ? Converter.convert(net, c, manager) : net;
    }
}
