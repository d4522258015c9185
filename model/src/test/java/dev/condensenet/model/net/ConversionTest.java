package dev.condensenet.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.condensenet.model.compiled.ConversionCheck;
import dev.condensenet.model.engine.CpuManagerExtension;
import dev.condensenet.model.error.UserError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/design.md §11, checks 1, 5, 15–17: structure of both forms, equivalence, gather/shuffle, reload. */
class ConversionTest {

    @RegisterExtension
    final CpuManagerExtension cpu = new CpuManagerExtension();

    private static long trainable(Block block) {
        long n = 0;
        for (var p : block.getParameters()) {
            Parameter param = p.getValue();
            if (param.requiresGradient()) {
                n += param.getArray().size();
            }
        }
        return n;
    }

    private SequentialBlock trained(CondenseNetConfig config) {
        SequentialBlock net = CondenseNet.builder().setConfig(config).build();
        net.initialize(cpu.manager(), DataType.FLOAT32, CondenseNet.inputShape(config, 1));
        new Condenser(net).condenseFully();
        return net;
    }

    @Test
    void cifar10CondenseNet86StructureAndTrainableCounts() {
        CondenseNetConfig config = Presets.get("cifar10-86");
        SequentialBlock net = trained(config);
        assertEquals(1_451_594, trainable(net));
        assertEquals(42, new Condenser(net).layers().size());
        Shape out = CondenseNet.features(net).getOutputShapes(new Shape[] {CondenseNet.inputShape(config, 2)})[0];
        assertEquals(new Shape(2, 800), out);

        SequentialBlock condensed = Converter.convert(net, config, cpu.manager());
        assertEquals(516_202, trainable(condensed));
        List<CondensedConv> convs = new ArrayList<>();
        collect(condensed, convs);
        assertEquals(42, convs.size());
        assertEquals(new Shape(32, 4, 1, 1), convs.get(0).conv().getParameters().get("weight").getArray().getShape());
        assertEquals(16, convs.get(0).index().length);
        assertEquals(new Shape(128, 192, 1, 1),
                convs.get(41).conv().getParameters().get("weight").getArray().getShape());
        CondensedLinear fc = (CondensedLinear) CondenseNet.classifier(condensed);
        assertEquals(400, fc.index().length);
        assertEquals(new Shape(10, 400), fc.linear().getParameters().get("weight").getArray().getShape());
    }

    @Test
    void builtBlocksHaveTheCountedTrainableParameters() {
        for (String preset : new String[] {"fmnist-26", "fmnist-50", "cifar10-50"}) {
            CondenseNetConfig config = Presets.get(preset);
            SequentialBlock net = trained(config);
            ModelCounts counts = ModelCounts.of(config);
            assertEquals(counts.trainParams(), trainable(net), preset);
            assertEquals(counts.convertedParams(), trainable(Converter.convert(net, config, cpu.manager())), preset);
        }
    }

    private static void collect(Block b, List<CondensedConv> out) {
        if (b instanceof CondensedConv) {
            out.add((CondensedConv) b);
        }
        b.getChildren().values().forEach(c -> collect(c, out));
    }

    @Test
    void convertedFeaturesAndLogitsEqualTheMaskedModel() {
        ConversionCheck.Result r = ConversionCheck.run(Presets.get("fmnist-26"), 8, 4, 1);
        assertTrue(r.maxFeatureDiff() <= 1e-5, "feature diff " + r.maxFeatureDiff());
        assertTrue(r.maxLogitDiff() <= 1e-5, "logit diff " + r.maxLogitDiff());
        assertEquals(0.75, r.sparsity(), 1e-12);
        // G = 8, C = 8 and a 2-block net exercise other shapes of the same code.
        CondenseNetConfig g8 = CondenseNetConfig.builder().setStages(2, 2).setGrowth(8, 16).optGroups(8)
                .setInChannels(3).setImageSize(12).setClasses(5).build();
        ConversionCheck.Result r8 = ConversionCheck.run(g8, 16, 3, 2);
        assertTrue(r8.maxFeatureDiff() <= 1e-5, "feature diff " + r8.maxFeatureDiff());
    }

    @Test
    void convertingBeforeCondensingEndsIsRefused() {
        CondenseNetConfig config = Presets.get("fmnist-26");
        SequentialBlock net = CondenseNet.builder().setConfig(config).build();
        net.initialize(cpu.manager(), DataType.FLOAT32, CondenseNet.inputShape(config, 1));
        new Condenser(net).update(0.2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Converter.convert(net, config, cpu.manager()));
        assertTrue(e.getMessage().contains("stage 1 of 3"), e.getMessage());
    }

    @Test
    void convertingMasksThatSkippedStagesIsRefused() throws Exception {
        // An earlier version's checkpoint after a jump from stage 0 to 3: stage 3, one stage's columns removed.
        CondenseNetConfig config = Presets.get("fmnist-26");
        SequentialBlock old = CondenseNet.builder().setConfig(config).build();
        old.initialize(cpu.manager(), DataType.FLOAT32, CondenseNet.inputShape(config, 1));
        for (LearnedGroupConv l : new Condenser(old).layers()) {
            l.condenseTo(1);
            Arrays2.assign(l.getParameters().get("stage").getArray(), new float[] {3});
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        old.saveParameters(new DataOutputStream(bytes));
        SequentialBlock net = CondenseNet.builder().setConfig(config).build();
        net.initialize(cpu.manager(), DataType.FLOAT32, CondenseNet.inputShape(config, 1));
        net.loadParameters(cpu.manager(), new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        Condenser condenser = new Condenser(net);
        assertTrue(condenser.isFullyCondensed());
        assertEquals(condenser.layers().size(), condenser.layersBehindTheirStage().size());

        UserError e = assertThrows(UserError.class, () -> Converter.convert(net, config, cpu.manager()));
        assertEquals("cannot convert learned group conv 1 of 12 (16->32 channels): group 0 keeps 12 input channels "
                + "at condensing stage 3, expected 4; its mask skipped condensing stages, so the converted model "
                + "would not be the trained one", e.getMessage());

        assertEquals(12, condenser.pruneSkippedStages());
        assertEquals(0.75, condenser.sparsity(), 1e-12);
        SequentialBlock condensed = Converter.convert(net, config, cpu.manager());
        assertEquals(ModelCounts.of(config).convertedParams(), trainable(condensed));
    }

    @Test
    void gatherMatchesSliceBySlice() {
        NDArray x = cpu.manager().randomNormal(new Shape(2, 6, 3, 3));
        int[] index = {5, 0, 0, 3, 2};
        NDArray got = ChannelOps.gather(x, cpu.manager().create(new long[] {5, 0, 0, 3, 2}));
        assertEquals(new Shape(2, 5, 3, 3), got.getShape());
        for (int q = 0; q < index.length; q++) {
            NDArray expected = x.get(new NDIndex(":, " + index[q] + ", :, :"));
            NDArray actual = got.get(new NDIndex(":, " + q + ", :, :"));
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
        }
    }

    @Test
    void shuffleRestoresTrainingOrder() {
        for (int[] og : new int[][] {{32, 4}, {12, 3}, {64, 8}, {8, 8}}) {
            int o = og[0];
            int g = og[1];
            float[] data = new float[2 * o];
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < o; c++) {
                    data[n * o + c] = n * 1000 + c;
                }
            }
            NDArray x = cpu.manager().create(data, new Shape(2, o, 1, 1));
            float[] y = ChannelOps.shuffle(x, g).toFloatArray();
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < o; c++) {
                    // channel c ← conv channel (c mod G)·(O/G) + c div G
                    assertEquals(n * 1000 + (c % g) * (o / g) + c / g, y[n * o + c], "O=" + o + " G=" + g);
                }
            }
        }
    }

    @Test
    void reloadedFormsReproduceOutputsExactly() throws Exception {
        CondenseNetConfig config = Presets.get("fmnist-26");
        SequentialBlock net = trained(config);
        SequentialBlock condensed = Converter.convert(net, config, cpu.manager());
        NDArray x = cpu.manager().randomNormal(CondenseNet.inputShape(config, 3));
        ParameterStore ps = new ParameterStore(cpu.manager(), false);

        for (CondenseNet.Form form : CondenseNet.Form.values()) {
            SequentialBlock original = form == CondenseNet.Form.TRAINING ? net : condensed;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            original.saveParameters(new DataOutputStream(bytes));
            SequentialBlock fresh = CondenseNet.builder().setConfig(config).optForm(form).build();
            fresh.initialize(cpu.manager(), DataType.FLOAT32, CondenseNet.inputShape(config, 1));
            fresh.loadParameters(cpu.manager(), new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            float[] a = original.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            float[] b = fresh.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            assertArrayEquals(a, b, form.name());
        }
    }
}
