package dev.condensenet.model.compiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.condensenet.model.engine.CpuManagerExtension;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.Condenser;
import dev.condensenet.model.net.Converter;
import dev.condensenet.model.net.Presets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The compiled network computes the converted network's function in every plan. */
class CompiledCondenseNetTest {

    @RegisterExtension
    final CpuManagerExtension cpu = new CpuManagerExtension();

    /** A converted tree whose batch norms have random statistics (identity BNs would hide fold bugs). */
    private SequentialBlock condensed(CondenseNetConfig config, long seed, boolean negativeScales) {
        SequentialBlock net = CondenseNet.builder().setConfig(config).build();
        net.initialize(cpu.manager(), DataType.FLOAT32, CondenseNet.inputShape(config, 1));
        new Condenser(net).condenseFully();
        // Before conversion: the converter gathers each layer's BN from one BN over R channels, so a
        // channel gathered twice carries the same statistics twice, as in every real model.
        randomizeNorms(net, new Random(seed), negativeScales);
        return Converter.convert(net, config, cpu.manager());
    }

    private void randomizeNorms(Block b, Random rnd, boolean negativeScales) {
        if (b instanceof BatchNorm) {
            for (var p : b.getParameters()) {
                NDArray a = p.getValue().getArray();
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = switch (p.getKey()) {
                        case "runningVar" -> 0.2f + 2f * rnd.nextFloat();
                        // Positive scales take the max(x, θ) fold; a negative one forces BN + ReLU.
                        case "gamma" -> (negativeScales && rnd.nextInt(5) == 0 ? -1f : 1f) * (0.5f + rnd.nextFloat());
                        default -> (float) rnd.nextGaussian() * 0.5f;
                    };
                }
                a.set(new ai.djl.ndarray.index.NDIndex(":"), cpu.manager().create(v, a.getShape()));
            }
        }
        b.getChildren().values().forEach(c -> randomizeNorms(c, rnd, negativeScales));
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private void assertSameFunction(CondenseNetConfig config, int batch, boolean negativeScales) {
        SequentialBlock tree = condensed(config, 7, negativeScales);
        ParameterStore ps = new ParameterStore(cpu.manager(), false);
        NDArray x = cpu.manager().randomNormal(CondenseNet.inputShape(config, batch));
        float[] want = tree.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
        float scale = 1f;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (LayerPlan plan : LayerPlan.values()) {
            try (CompiledCondenseNet net = Compiler.forConfig(config).optPlan(plan).compile(tree, cpu.manager())) {
                float[] got = net.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
                float diff = maxAbsDiff(want, got);
                assertTrue(diff <= 1e-5f * scale, plan + ": max |diff| " + diff + " (logit scale " + scale + ")");
                assertTrue(net.plans().stream().allMatch(p -> p == plan));
            }
        }
        try (CompiledCondenseNet net = Compiler.forConfig(config).optAutoPlan(4).compile(tree, cpu.manager())) {
            float[] got = net.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            assertTrue(maxAbsDiff(want, got) <= 1e-5f * scale, "auto plan " + net.plans());
            assertEquals(config.layers(), net.plans().size());
        }
    }

    @Test
    void everyPlanEqualsTheConvertedTreeOnFashionMnist26() {
        assertSameFunction(Presets.get("fmnist-26"), 3, false);
        assertSameFunction(Presets.get("fmnist-26"), 2, true);
    }

    @Test
    void everyPlanEqualsTheConvertedTreeWithEightGroupsOddSizesAndStride2() {
        CondenseNetConfig g8 = CondenseNetConfig.builder().setStages(2, 3).setGrowth(8, 16).optGroups(8)
                .setInChannels(3).setImageSize(14).setClasses(5).optStemStride(2).build();
        assertSameFunction(g8, 2, false);
        CondenseNetConfig c2 = CondenseNetConfig.builder().setStages(3, 2, 2).setGrowth(4, 8, 8).optGroups(4)
                .optCondenseFactor(2).setInChannels(1).setImageSize(10).setClasses(3).build();
        assertSameFunction(c2, 2, true);
    }

    @Test
    void trainingThroughTheCompiledNetworkIsRefused() {
        CondenseNetConfig config = Presets.get("fmnist-26");
        try (CompiledCondenseNet net = Compiler.forConfig(config).optPlan(LayerPlan.GATHER_SHUFFLE)
                .compile(condensed(config, 1, false), cpu.manager())) {
            NDArray x = cpu.manager().randomNormal(new Shape(1, 1, 28, 28));
            assertThrows(UnsupportedOperationException.class,
                    () -> net.forward(new ParameterStore(cpu.manager(), false), new NDList(x), true));
        }
    }
}
