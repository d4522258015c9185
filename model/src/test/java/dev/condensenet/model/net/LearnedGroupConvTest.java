package dev.condensenet.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import dev.condensenet.model.engine.CpuManagerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/design.md §11, checks 12–14, and the persistence of mask, stage and count. */
class LearnedGroupConvTest {

    @RegisterExtension
    final CpuManagerExtension cpu = new CpuManagerExtension();

    private LearnedGroupConv layer(int in, int out) {
        LearnedGroupConv lgc = LearnedGroupConv.builder().setInChannels(in).setOutChannels(out).optGroups(4).build();
        lgc.setInitializer(new CondenseNetInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
        lgc.initialize(cpu.manager(), DataType.FLOAT32, new Shape(2, in, 5, 5));
        return lgc;
    }

    @Test
    void stageFunctionFollowsTheSchedule() {
        assertEquals(0, Condenser.stageFor(0.0, 4));
        assertEquals(0, Condenser.stageFor(1.0 / 6 - 1e-9, 4));
        assertEquals(1, Condenser.stageFor(1.0 / 6, 4));
        assertEquals(1, Condenser.stageFor(1.0 / 3 - 1e-9, 4));
        assertEquals(2, Condenser.stageFor(1.0 / 3, 4));
        assertEquals(2, Condenser.stageFor(0.5 - 1e-9, 4));
        assertEquals(3, Condenser.stageFor(0.5, 4));
        assertEquals(3, Condenser.stageFor(0.99, 4));
        assertEquals(7, Condenser.stageFor(0.5, 8));
        // 300 epochs: prunes at the first iteration of epochs 50, 100, 150.
        assertEquals(0, Condenser.stageFor(Condenser.progress(49, 781, 782, 300), 4));
        assertEquals(1, Condenser.stageFor(Condenser.progress(50, 0, 782, 300), 4));
        assertEquals(3, Condenser.stageFor(Condenser.progress(150, 0, 782, 300), 4));
    }

    @Test
    void condensingRemovesAQuarterPerStageAndStopsAtHalfway() {
        SequentialBlock net = CondenseNet.builder().setConfig(Presets.get("fmnist-26")).build();
        net.initialize(cpu.manager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
        Condenser condenser = new Condenser(net);
        LearnedGroupConv first = condenser.layers().get(0);
        assertEquals(16, first.inChannels());
        int[][] expectedAlive = {{16, 16, 16, 16}, {12, 12, 12, 12}, {8, 8, 8, 8}, {4, 4, 4, 4}};
        double[] progress = {0.1, 1.0 / 6, 1.0 / 3, 0.5};
        for (int s = 0; s < 4; s++) {
            condenser.update(progress[s]);
            assertEquals(s, first.stage());
            assertEquals(4 * s, first.count());
            assertArrayEquals(expectedAlive[s], first.aliveColumnsPerGroup());
            assertEquals(s == 3 ? null : Boolean.TRUE, first.lassoLoss(cpu.manager()) == null ? null : Boolean.TRUE);
        }
        float[] before = first.mask().getArray().toFloatArray();
        assertEquals(-1, condenser.update(0.9));
        assertArrayEquals(before, first.mask().getArray().toFloatArray());
        assertNull(condenser.lassoLoss(cpu.manager()));
        assertTrue(condenser.isFullyCondensed());
        assertEquals(0.75, condenser.sparsity(), 1e-12);
    }

    @Test
    void jumpingOverStagesCondensesAsTheStagesOneByOne() {
        // Jumps of 1, 2 and 3 stages from stage 0, and 2 more from stage 1: the mask, stage, count and
        // sparsity must equal those of the same weights condensed stage by stage.
        int[][] jumps = {{0, 1}, {0, 2}, {0, 3}, {1, 3}};
        for (int[] jump : jumps) {
            LearnedGroupConv jumped = layer(32, 64);
            LearnedGroupConv stepped = layer(32, 64);
            float[] w = cpu.manager().randomNormal(new Shape(64, 32, 1, 1)).toFloatArray();
            Arrays2.assign(jumped.weight().getArray(), w);
            Arrays2.assign(stepped.weight().getArray(), w);
            if (jump[0] > 0) {
                jumped.condenseTo(jump[0]);
            }
            assertTrue(jumped.condenseTo(jump[1]));
            for (int s = 1; s <= jump[1]; s++) {
                stepped.condenseTo(s);
            }
            String what = "stage " + jump[0] + " -> " + jump[1];
            assertArrayEquals(stepped.mask().getArray().toFloatArray(), jumped.mask().getArray().toFloatArray(), what);
            assertEquals(jump[1], jumped.stage(), what);
            assertEquals(jump[1] * 8, jumped.count(), what);
            assertArrayEquals(new int[] {32 - 8 * jump[1], 32 - 8 * jump[1], 32 - 8 * jump[1], 32 - 8 * jump[1]},
                    jumped.aliveColumnsPerGroup(), what);
            assertEquals(jump[1] / 4.0, jumped.sparsity(), 1e-12, what);
        }
    }

    @Test
    void aScheduleThatJumpsToTheLastStageReachesItsFullSparsity() {
        SequentialBlock net = CondenseNet.builder().setConfig(Presets.get("fmnist-26")).build();
        net.initialize(cpu.manager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
        Condenser condenser = new Condenser(net);
        assertEquals(3, condenser.update(0.5)); // e.g. 2 iterations in all: stage 0, then 3
        assertEquals(0.75, condenser.sparsity(), 1e-12);
        assertTrue(condenser.layersBehindTheirStage().isEmpty());
    }

    @Test
    void masksThatSkippedStagesAreFoundAndPrunedByTheSameRule() throws Exception {
        // What an earlier version wrote when the schedule jumped from stage 0 to 3: stage 3, one stage's
        // columns removed.
        LearnedGroupConv old = layer(16, 32);
        old.condenseTo(1);
        Arrays2.assign(old.getParameters().get("stage").getArray(), new float[] {3});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        old.saveParameters(new DataOutputStream(bytes));
        LearnedGroupConv loaded = layer(16, 32);
        loaded.loadParameters(cpu.manager(), new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(3, loaded.stage());
        assertEquals(4, loaded.expectedAliveColumns());
        assertArrayEquals(new int[] {12, 12, 12, 12}, loaded.aliveColumnsPerGroup());

        LearnedGroupConv stepped = layer(16, 32);
        Arrays2.assign(stepped.weight().getArray(), loaded.weight().getArray().toFloatArray());
        assertTrue(loaded.pruneSkippedStages());
        assertArrayEquals(new int[] {4, 4, 4, 4}, loaded.aliveColumnsPerGroup());
        assertEquals(12, loaded.count());
        assertFalse(loaded.pruneSkippedStages());
        // the same columns as stages 1, 2 and 3 of the same weights
        stepped.condenseTo(1);
        stepped.condenseTo(3);
        assertArrayEquals(stepped.mask().getArray().toFloatArray(), loaded.mask().getArray().toFloatArray());
    }

    @Test
    void masksKeepGroupInvariantsAndNeverRevive() {
        LearnedGroupConv lgc = layer(32, 64);
        float[] previous = lgc.mask().getArray().toFloatArray();
        for (int s = 1; s <= 3; s++) {
            // New random weights each stage: a revived column would show up as a 0 → 1 flip.
            Arrays2.assign(lgc.weight().getArray(), cpu.manager().randomNormal(new Shape(64, 32, 1, 1)).toFloatArray());
            assertTrue(lgc.condenseTo(s));
            float[] m = lgc.mask().getArray().toFloatArray();
            for (int o = 0; o < 64; o++) {
                int g = o % 4;
                int ones = 0;
                for (int j = 0; j < 32; j++) {
                    assertEquals(m[g * 32 + j], m[o * 32 + j], "rows of one group share the pattern");
                    assertFalse(previous[o * 32 + j] == 0f && m[o * 32 + j] != 0f, "mask re-enabled");
                    ones += m[o * 32 + j] == 1f ? 1 : 0;
                }
                assertEquals(32 - s * 8, ones);
            }
            previous = m;
        }
        assertFalse(lgc.condenseTo(3));
    }

    @Test
    void condensingDropsTheWeakestAliveColumnsOfEachGroup() {
        LearnedGroupConv lgc = layer(8, 8);
        float[] w = new float[64];
        for (int o = 0; o < 8; o++) {
            for (int j = 0; j < 8; j++) {
                // Group g = o % 4 values column j by |j - g|: its weakest are the columns nearest g.
                w[o * 8 + j] = (o % 2 == 0 ? 1 : -1) * (Math.abs(j - o % 4) + 1);
            }
        }
        Arrays2.assign(lgc.weight().getArray(), w);
        lgc.condenseTo(1); // delta = 8 / 4 = 2 columns per group
        float[] m = lgc.mask().getArray().toFloatArray();
        for (int g = 0; g < 4; g++) {
            int nearest = g;
            int second = g == 0 ? 1 : g - 1; // ties broken by lower index
            for (int j = 0; j < 8; j++) {
                boolean dropped = j == nearest || j == second;
                assertEquals(dropped ? 0f : 1f, m[g * 8 + j], "group " + g + " column " + j);
            }
        }
    }

    @Test
    void lassoMatchesTheFormula() {
        LearnedGroupConv lgc = layer(16, 32);
        float[] w = lgc.weight().getArray().toFloatArray();
        double expected = 0;
        for (int g = 0; g < 4; g++) {
            for (int j = 0; j < 16; j++) {
                double sq = 0;
                for (int t = 0; t < 8; t++) {
                    double v = w[(g + t * 4) * 16 + j];
                    sq += v * v;
                }
                expected += Math.sqrt(Math.max(sq, 1e-6));
            }
        }
        NDArray lasso = lgc.lassoLoss(cpu.manager());
        assertEquals(expected, lasso.getFloat(), expected * 1e-6);
        lgc.condenseTo(1);
        // Pruned blocks contribute exactly sqrt(1e-6) = 1e-3 each: 4 groups × 4 columns.
        float[] m = lgc.mask().getArray().toFloatArray();
        double afterPrune = 0;
        for (int g = 0; g < 4; g++) {
            for (int j = 0; j < 16; j++) {
                double sq = 0;
                for (int t = 0; t < 8; t++) {
                    double v = w[(g + t * 4) * 16 + j] * m[(g + t * 4) * 16 + j];
                    sq += v * v;
                }
                afterPrune += Math.sqrt(Math.max(sq, 1e-6));
            }
        }
        assertEquals(afterPrune, lgc.lassoLoss(cpu.manager()).getFloat(), afterPrune * 1e-6);
    }

    @Test
    void trainingForwardsLeaveNothingInTheModelsManager() {
        CondenseNetConfig config = Presets.get("fmnist-26");
        SequentialBlock net = CondenseNet.builder().setConfig(config).build();
        net.initialize(cpu.manager(), DataType.FLOAT32, CondenseNet.inputShape(config, 2));
        new Condenser(net).update(0.1);
        ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(cpu.manager(), false);
        int before = cpu.manager().getManagedArrays().size();
        for (int i = 0; i < 3; i++) {
            try (NDManager batch = cpu.manager().newSubManager()) {
                NDArray x = batch.randomNormal(CondenseNet.inputShape(config, 2));
                net.forward(ps, new ai.djl.ndarray.NDList(x), true);
                new Condenser(net).lassoLoss(batch);
            }
        }
        assertEquals(before, cpu.manager().getManagedArrays().size(), "arrays leaked into the long-lived cpu.manager()");
    }

    @Test
    void maskStageAndCountAreSavedWithTheParameters() throws Exception {
        LearnedGroupConv lgc = layer(16, 32);
        lgc.condenseTo(1);
        lgc.condenseTo(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        lgc.saveParameters(new DataOutputStream(bytes));

        LearnedGroupConv copy = layer(16, 32);
        assertEquals(0, copy.stage());
        copy.loadParameters(cpu.manager(), new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(2, copy.stage());
        assertEquals(8, copy.count());
        assertArrayEquals(lgc.mask().getArray().toFloatArray(), copy.mask().getArray().toFloatArray());
        assertArrayEquals(new int[] {8, 8, 8, 8}, copy.aliveColumnsPerGroup());
        // The restored counters drive the schedule: the next stage removes one more quarter.
        copy.condenseTo(3);
        assertArrayEquals(new int[] {4, 4, 4, 4}, copy.aliveColumnsPerGroup());
    }
}
