package dev.condensenet.training.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.condensenet.model.compiled.CompiledCondenseNet;
import dev.condensenet.model.compiled.Compiler;
import dev.condensenet.model.compiled.ConversionCheck;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.Condenser;
import dev.condensenet.model.net.Converter;

/**
 * The benchmarked networks, built once and lazily: one randomly initialised training form, condensed
 * by weight magnitude; the reference and compiled condensed networks are converted from that same
 * net, so their outputs can be compared with the masked form's.
 */
public final class Networks {

    private final CondenseNetConfig config;
    private final NDManager manager;
    private final LayerPlan plan;
    private final int tuneBatch;
    private SequentialBlock masked;
    private SequentialBlock reference;
    private CompiledCondenseNet compiled;
    private SequentialBlock densenet;

    /** @param plan every layer's plan, or {@code null} to time the plans per layer at {@code tuneBatch} */
    public Networks(CondenseNetConfig config, NDManager manager, LayerPlan plan, int tuneBatch) {
        this.config = config;
        this.manager = manager;
        this.plan = plan;
        this.tuneBatch = tuneBatch;
    }

    public Block get(Form form) {
        switch (form) {
            case MASKED:
                return masked();
            case REFERENCE:
                return reference();
            case CONDENSED:
                return compiled();
            default:
                if (densenet == null) {
                    CondenseNetConfig d = Form.densenet(config);
                    densenet = CondenseNet.builder().setConfig(d).build();
                    densenet.initialize(manager, DataType.FLOAT32, CondenseNet.inputShape(d, 1));
                }
                return densenet;
        }
    }

    public CompiledCondenseNet compiled() {
        if (compiled == null) {
            Compiler c = Compiler.forConfig(config);
            compiled = (plan == null ? c.optAutoPlan(tuneBatch) : c.optPlan(plan)).compile(reference(), manager);
        }
        return compiled;
    }

    /**
     * max |logits(form) − logits(masked)| on {@code batch} random images, the masked form's classifier
     * dropping the same features as the condensed one (conversion prunes half of them by design,
     * docs/design.md §4.3).
     */
    public double maxDiffFromMasked(Form form, int batch) {
        try (NDManager scratch = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(scratch, false);
            NDArray x = scratch.randomNormal(CondenseNet.inputShape(config, batch));
            NDArray features = CondenseNet.features(masked()).forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray want = ConversionCheck.referenceLogits(masked(), reference(), features, scratch);
            NDArray got = get(form).forward(ps, new NDList(x), false).singletonOrThrow();
            return want.sub(got).abs().max().getFloat();
        }
    }

    private SequentialBlock masked() {
        if (masked == null) {
            masked = CondenseNet.builder().setConfig(config).build();
            masked.initialize(manager, DataType.FLOAT32, CondenseNet.inputShape(config, 1));
            new Condenser(masked).condenseFully();
        }
        return masked;
    }

    private SequentialBlock reference() {
        if (reference == null) {
            reference = Converter.convert(masked(), config, manager);
        }
        return reference;
    }
}
