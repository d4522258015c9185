package dev.condensenet.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.training.data.IdxReader;
import dev.condensenet.training.data.ImageSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short real training runs: learning on Fashion-MNIST, exact resume, checkpoint corruption. */
class TrainingRunTest {

    static final Path FMNIST = IdxReader.DEFAULT_FASHION_MNIST_DIR;
    // A small CondenseNet (stages 2-2-2): every mechanism of the real one, a fraction of the compute.
    static final CondenseNetConfig TINY = CondenseNetConfig.builder().setStages(2, 2, 2).setGrowth(8, 16, 32)
            .setInChannels(1).setImageSize(28).setClasses(10).build();

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        TorchRuntime.init();
    }

    static TrainSettings settings(int epochs, int limit, long seed) {
        return new TrainSettings("tiny", "fashion-mnist", FMNIST.toString(), limit, 0, 0.1, epochs, 64, 0.1f, 0.9f,
                true, 1e-4f, 0f, true, seed);
    }

    private static ImageSet[] fmnist(int trainLimit, int testLimit) {
        assumeTrue(Files.isRegularFile(FMNIST.resolve("train-images-idx3-ubyte.gz")),
                "Debian package dataset-fashion-mnist is not installed (.ci/run installs it)");
        return new ImageSet[] {IdxReader.fashionMnist(FMNIST, true).limit(trainLimit),
            IdxReader.fashionMnist(FMNIST, false).limit(testLimit)};
    }

    private TrainingRun run(Path out, TrainSettings s, ImageSet[] data, Checkpoint.State resume) {
        return new TrainingRun(out, s, TINY, data[0], data[1], Device.cpu(), resume,
                r -> TrainingListeners.standard(r, false));
    }

    @Test
    void learnsFashionMnistWellAboveChanceAndWritesALoadableModel() throws Exception {
        ImageSet[] data = fmnist(2048, 1000);
        Path out = tmp.resolve("learn");
        Evaluation eval;
        try (TrainingRun r = run(out, settings(2, 2048, 0), data, null)) {
            r.train();
            eval = r.finish();
            assertEquals(2, r.history().size());
            assertEquals(3, r.condenser().currentStage());
        }
        assertTrue(eval.accuracy() > 0.5, "condensed accuracy " + eval.accuracy() + " after 2 short epochs");
        ModelDirectory dir = ModelDirectory.open(out);
        assertEquals(eval.accuracy(), dir.card().accuracy(), 1e-12);
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(3, csv.size());
        assertEquals(EpochStats.CSV_HEADER, csv.get(0));
        assertTrue(Files.size(out.resolve("curves.png")) > 1000);
        assertTrue(Files.isRegularFile(out.resolve("checkpoint").resolve(Checkpoint.MANIFEST)));
    }

    @Test
    void resumingGivesTheSameResultAsAnUninterruptedRun() throws Exception {
        Path[] runs = straightAndResumed(fmnist(640, 200), settings(2, 640, 7), 1, r -> { }, r -> { });
        assertSameParameters(runs[0].resolve("checkpoint"), runs[1].resolve("checkpoint"));
        assertEquals(Files.readAllLines(runs[0].resolve("metrics.csv")).size(),
                Files.readAllLines(runs[1].resolve("metrics.csv")).size());
    }

    /**
     * Trains {@code s} straight through, and again stopped after epoch {@code at} and resumed from the
     * checkpoint; {@code beforeResume} sees the run as it stops, {@code resumed} the resumed run before it trains on.
     *
     * @return the straight and the resumed run's output directories
     */
    private Path[] straightAndResumed(ImageSet[] data, TrainSettings s, int at, Consumer<TrainingRun> beforeResume,
                                      Consumer<TrainingRun> resumed) throws Exception {
        Path straight = tmp.resolve("straight");
        try (TrainingRun r = run(straight, s, data, null)) {
            r.train();
        }
        Path split = tmp.resolve("split");
        try (TrainingRun r = run(split, s, data, null)) {
            r.trainUntil(at);
            beforeResume.accept(r);
        }
        Checkpoint.State state = Checkpoint.read(split.resolve("checkpoint"));
        assertEquals(at, state.completedEpochs());
        try (TrainingRun r = run(split, state.settings(), data, state)) {
            resumed.accept(r);
            r.train();
        }
        return new Path[] {straight, split};
    }

    @Test
    void shortSchedulesJumpOverStagesAndStillCondenseFully() throws Exception {
        // One batch per epoch: 2 epochs jump from stage 0 to 3 (three stages at once), 4 epochs go 0, 1,
        // then 3 (two at once). Either way the last stage has sparsity 3/4 and converts.
        ImageSet[] data = fmnist(64, 64);
        int[][] expectedStages = {{0, 3}, {0, 1, 3, 3}};
        for (int[] stages : expectedStages) {
            Path out = tmp.resolve("jump" + stages.length);
            try (TrainingRun r = run(out, settings(stages.length, 64, 3), data, null)) {
                r.train();
                for (int e = 0; e < stages.length; e++) {
                    EpochStats s = r.history().get(e);
                    assertEquals(stages[e], s.stage(), "epoch " + (e + 1));
                    assertEquals(stages[e] / 4.0, s.sparsity(), 1e-12, "epoch " + (e + 1));
                }
                assertTrue(r.condenser().layersBehindTheirStage().isEmpty());
                r.finish();
            }
            assertTrue(Files.isRegularFile(out.resolve(ModelDirectory.PARAMS_FILE)));
        }
    }

    @Test
    void resumingAcrossAStageBoundaryCondensesLikeAnUninterruptedRun() throws Exception {
        // 4 epochs of one batch: stage 1 after epoch 2, then a jump to stage 3 in the resumed epoch 3.
        Path[] runs = straightAndResumed(fmnist(64, 64), settings(4, 64, 5), 2,
                r -> assertEquals(1, r.condenser().currentStage()),
                r -> assertEquals(1, r.condenser().currentStage()));
        assertSameParameters(runs[0].resolve("checkpoint"), runs[1].resolve("checkpoint"));
        String[] epoch3 = Files.readAllLines(runs[1].resolve("metrics.csv")).get(3).split(",");
        assertEquals(List.of("3", "3", "0.7500"), List.of(epoch3[0], epoch3[5], epoch3[6]), "epoch, stage, sparsity");
    }

    /** Loads both checkpoints' training-form parameters and requires them to be identical. */
    private static void assertSameParameters(Path a, Path b) throws Exception {
        try (ai.djl.Model ma = ai.djl.Model.newInstance("a", Device.cpu(), "PyTorch");
             ai.djl.Model mb = ai.djl.Model.newInstance("b", Device.cpu(), "PyTorch")) {
            ma.setBlock(dev.condensenet.model.net.CondenseNet.builder().setConfig(TINY).build());
            mb.setBlock(dev.condensenet.model.net.CondenseNet.builder().setConfig(TINY).build());
            ma.load(a, Checkpoint.PARAMS_PREFIX);
            mb.load(b, Checkpoint.PARAMS_PREFIX);
            var pa = ma.getBlock().getParameters();
            var pb = mb.getBlock().getParameters();
            assertEquals(pa.size(), pb.size());
            StringBuilder diffs = new StringBuilder();
            for (int i = 0; i < pa.size(); i++) {
                float d = pa.get(i).getValue().getArray().sub(pb.get(i).getValue().getArray()).abs().max().getFloat();
                if (d != 0f) {
                    diffs.append(pa.get(i).getKey()).append('=').append(d).append(' ');
                }
            }
            assertEquals("", diffs.toString(), "parameters after resume differ from the uninterrupted run");
        }
    }

    @Test
    void straightRunsAreDeterministic() throws Exception {
        ImageSet[] data = fmnist(640, 200);
        TrainSettings s = settings(2, 640, 7);
        for (String n : new String[] {"d1", "d2"}) {
            try (TrainingRun r = run(tmp.resolve(n), s, data, null)) {
                r.train();
            }
        }
        assertSameParameters(tmp.resolve("d1").resolve("checkpoint"), tmp.resolve("d2").resolve("checkpoint"));
    }

    @Test
    void corruptCheckpointIsDetectedAndNamed() throws Exception {
        ImageSet[] data = fmnist(128, 64);
        Path out = tmp.resolve("corrupt");
        try (TrainingRun r = run(out, settings(1, 128, 0), data, null)) {
            r.train();
        }
        Path params = out.resolve("checkpoint").resolve(Checkpoint.PARAMS_FILE);
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(params, bytes);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.read(out.resolve("checkpoint")));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(Checkpoint.PARAMS_FILE),
                e.getMessage());
        Files.delete(params);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.read(out.resolve("checkpoint")));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
