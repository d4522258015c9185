package dev.condensenet.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import com.google.gson.JsonParser;
import dev.condensenet.model.net.LearnedGroupConv;
import dev.condensenet.model.net.Presets;
import dev.condensenet.training.data.IdxReader;
import dev.condensenet.training.data.ImageSet;
import dev.condensenet.training.train.Checkpoint;
import dev.condensenet.training.train.TrainSettings;
import dev.condensenet.training.train.TrainingListeners;
import dev.condensenet.training.train.TrainingRun;
import dev.condensenet.model.store.ModelRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training jar's commands on real (tiny) Fashion-MNIST runs: no lost work (finished runs, model
 * directories and samples are not overwritten without --force, and nothing stray is left), flags that
 * cannot apply are refused and those that can are applied, and long passes show progress.
 */
class TrainingCliRunsTest {

    static final Path FMNIST = IdxReader.DEFAULT_FASHION_MNIST_DIR;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        assumeTrue(Files.isRegularFile(FMNIST.resolve("train-images-idx3-ubyte.gz")),
                "Debian package dataset-fashion-mnist is not installed (.ci/run installs it)");
    }

    /** 2 epochs of one batch: the schedule jumps from stage 0 to 3 in epoch 2. */
    private static String[] train(Path out, String... more) {
        return Stream.concat(Stream.of("train", "--preset", "fmnist-26", "--epochs", "2", "--limit", "64",
                "--test-limit", "64", "--device", "cpu", "--out", out.toString()), Stream.of(more))
                .toArray(String[]::new);
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFinishedRunIsNotOverwrittenAndResumingAppliesWhatCanChange() throws Exception {
        Path run = tmp.resolve("run");
        Cli.Result first = Cli.run(train(run));
        assertEquals(0, first.code(), first.err());
        List<String> runFiles = List.of("checkpoint", "condensenet-0000.params", "config.json", "curves.png",
                "metrics.csv");
        assertEquals(runFiles, files(run));
        assertTrue(first.err().contains("condensing stage 3 of 3, learned-group-conv sparsity 75.0%"), first.err());
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(metrics.get(2).startsWith("2,") && metrics.get(2).contains(",3,0.7500,"), metrics.toString());

        Cli.run(train(run)).assertOneLine(2, "error: --out " + run + " holds a finished run (checkpoint after epoch "
                + "2 of 2, model directory written): continue it with --resume " + run + " --epochs N, use a new "
                + "--out, or --force to replace it");
        Files.writeString(run.resolve("notes.txt"), "mine");
        Cli.Result forced = Cli.run(train(run, "--force", "--seed", "1"));
        assertEquals(0, forced.code(), forced.err());
        assertEquals(Stream.concat(runFiles.stream(), Stream.of("notes.txt")).sorted().toList(), files(run),
                "the replaced run leaves no stray files, and other files stay");

        Cli.run("train", "--resume", run.toString(), "--lr", "0.5", "--seed", "2").assertOneLine(2,
                "error: --lr, --seed cannot change when resuming: the run keeps its checkpoint's architecture and "
                        + "recipe; start a new run (a new --out) to change them; see 'condensenet-training train --help'");
        Cli.run("train", "--resume", run.toString(), "--out", tmp.resolve("x").toString()).assertOneLine(2,
                "error: --out does not apply to --resume: the run continues in its own directory " + run
                        + "; see 'condensenet-training train --help'");
        Cli.run("train", "--resume", run.toString(), "--epochs", "1").assertOneLine(2, "error: --epochs 1: the "
                + "checkpoint already has 2 epochs; give at least that many; see 'condensenet-training train --help'");
        Cli.Result longer = Cli.run("train", "--resume", run.toString(), "--epochs", "3", "--device", "cpu");
        assertEquals(0, longer.code(), longer.err());
        assertTrue(longer.err().contains("--epochs 3 (was 2): the learning-rate cosine and the condensing schedule "
                + "now span 3 epochs"), longer.err());
        assertEquals(4, Files.readAllLines(run.resolve("metrics.csv")).size());
        assertEquals(3, Checkpoint.read(run.resolve("checkpoint")).settings().epochs());
        assertEquals(Stream.concat(runFiles.stream(), Stream.of("notes.txt")).sorted().toList(), files(run));

        // condense: an existing model directory is kept unless --force, and output paths are checked first
        Cli.run("condense", "--checkpoint", run.toString(), "--out", run.toString()).assertOneLine(2,
                "error: --out " + run + " already holds a model directory (config.json, condensenet-0000.params): "
                        + "use a new --out, or --force to replace it");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Cli.run("condense", "--checkpoint", run.toString(), "--out", file.toString()).assertOneLine(2,
                "error: --out " + file + " is a file, not a directory: choose a directory");
        Cli.Result condensed = Cli.run("condense", "--checkpoint", run.toString(), "--out", run.toString(),
                "--force");
        assertEquals(0, condensed.code(), condensed.err());
        assertEquals(Stream.concat(runFiles.stream(), Stream.of("notes.txt")).sorted().toList(), files(run));
    }

    @Test
    void trainAndCondensePublishTheNextVersionOfAModelRoot() throws Exception {
        Path run = tmp.resolve("run-for-root");
        Path root = tmp.resolve("model-root");
        Cli.Result trained = Cli.run(train(run, "--model-root", root.toString()));
        assertEquals(0, trained.code(), trained.err());
        assertEquals(List.of("1"), files(root), "one version and no temporary directory left");
        assertEquals(List.of("condensenet-0000.params", "config.json", "curves.png", "metrics.csv",
                ModelRoot.PUBLISHED_FROM), files(root.resolve("1")), "the model files of the run, not its checkpoint");
        Cli.run("condense", "--checkpoint", run.toString(), "--out", tmp.resolve("x").toString(), "--model-root",
                root.toString()).assertOneLine(2, "error: give exactly one of --out DIR and --model-root DIR; see "
                + "'condensenet-training condense --help'");
        Cli.Result condensed = Cli.run("condense", "--checkpoint", run.toString(), "--model-root", root.toString(),
                "--no-eval");
        assertEquals(0, condensed.code(), condensed.err());
        assertEquals(List.of("1", "2"), files(root));
        assertEquals(dev.condensenet.model.store.ModelDirectory.open(root.resolve("1")).name(),
                dev.condensenet.model.store.ModelDirectory.open(root.resolve("2")).name());
        // A Kubernetes Job's pod lost after publishing is retried: it resumes the finished run, which finds
        // its version 1 instead of publishing the same model again as version 3.
        Cli.Result retried = Cli.run("train", "--resume", run.toString(), "--model-root", root.toString());
        assertEquals(0, retried.code(), retried.err());
        assertTrue(retried.err().contains("already published as version 1"), retried.err());
        assertEquals(List.of("1", "2"), files(root));
    }

    @Test
    void aScheduleTooShortToCondenseIsRefusedBeforeTraining() {
        Path out = tmp.resolve("short");
        Cli.run("train", "--preset", "fmnist-26", "--epochs", "1", "--limit", "64", "--device", "cpu", "--out",
                out.toString()).assertOneLine(2, "error: --epochs 1 of 64 training images in batches of 64 is 1 "
                + "iteration; condensing reaches its last stage at half of the schedule, so at least 2 are needed: "
                + "raise --epochs or --limit; see 'condensenet-training train --help'");
        assertEquals(false, Files.exists(out));
    }

    @Test
    void verifyConversionRunsTheStepsItIsGiven() {
        Cli.Result r = Cli.run("verify-conversion", "--preset", "fmnist-26", "--steps", "2", "--json");
        assertEquals(0, r.code(), r.err());
        var o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(2, o.get("steps").getAsInt());
        assertEquals(0.75, o.get("sparsity").getAsDouble(), 1e-12);
        assertTrue(o.get("ok").getAsBoolean(), o.toString());
    }

    @Test
    void samplesAreNotOverwrittenWithoutForceAndForceLeavesNoStaleImages() throws Exception {
        Path out = tmp.resolve("samples");
        assertEquals(0, Cli.run("samples", "--count", "3", "--out", out.toString()).code());
        assertEquals(List.of("00000.png", "00001.png", "00002.png", "labels.csv"), files(out));
        Cli.run("samples", "--count", "2", "--out", out.toString()).assertOneLine(2, "error: --out " + out
                + " already holds samples (4 files, labels.csv, ...): use a new --out, or --force to replace them");
        Cli.run("samples", "--count", "2", "--out", out.toString(), "--force", "--dataset", "cifar10", "--data-dir",
                tmp.resolve("none").toString()).assertOneLine(2, "error: CIFAR-10 directory " + tmp.resolve("none")
                + " does not exist: pass --data-dir with the binary version (data_batch_1..5.bin, test_batch.bin)");
        assertEquals(List.of("00000.png", "00001.png", "00002.png", "labels.csv"), files(out),
                "--force replaces the samples only once the new ones can be read");
        assertEquals(0, Cli.run("samples", "--count", "2", "--out", out.toString(), "--force").code());
        assertEquals(List.of("00000.png", "00001.png", "labels.csv"), files(out));
        assertEquals(3, Files.readAllLines(out.resolve("labels.csv")).size());
    }

    @Test
    void checkpointsWhoseMasksSkippedStagesAreRefusedOrRepaired() throws Exception {
        // What an earlier version left after a jump from stage 0 to 3: stage 3 with one stage's columns removed.
        ImageSet train = IdxReader.fashionMnist(FMNIST, true).limit(64);
        ImageSet test = IdxReader.fashionMnist(FMNIST, false).limit(64);
        TrainSettings s = new TrainSettings("old", "fashion-mnist", FMNIST.toString(), 64, 64, 0.1, 3, 64, 0.1f,
                0.9f, true, 1e-4f, 0f, true, 0);
        Path old = tmp.resolve("old");
        try (TrainingRun r = new TrainingRun(old, s, Presets.get("fmnist-26"), train, test, Device.cpu(), null,
                run -> TrainingListeners.standard(run, false))) {
            r.trainUntil(1);
            for (LearnedGroupConv l : r.condenser().layers()) {
                l.condenseTo(1);
                l.getParameters().get("stage").getArray().set(new float[] {3});
            }
            r.saveCheckpoint();
        }
        Path model = tmp.resolve("model");
        Cli.run("condense", "--checkpoint", old.toString(), "--out", model.toString()).assertOneLine(2,
                "error: checkpoint " + old.resolve("checkpoint") + " (epoch 1 of 3) has 12 learned group convs "
                        + "whose masks skipped condensing stages (written by an earlier version): resume it with "
                        + "train --resume, which removes the skipped columns and trains on, or pass --force to remove "
                        + "them now without training");
        assertEquals(false, Files.exists(model));
        Cli.Result forced = Cli.run("condense", "--checkpoint", old.toString(), "--out", model.toString(), "--force",
                "--no-eval");
        assertEquals(0, forced.code(), forced.err());
        Cli.Result resumed = Cli.run("train", "--resume", old.toString(), "--device", "cpu");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("12 of 12 learned group convs kept input columns that their condensing "
                + "stage removes"), resumed.err());
    }

    @Test
    void evaluationShowsProgress() throws Exception {
        Path model = tmp.resolve("model");
        dev.condensenet.model.store.ModelDirectory.writeUntrained(model, "fmnist-26");
        Cli.Result r = Cli.run("eval", "--model", model.toString(), "--limit", "640", "--batch-size", "64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("eval untrained-fmnist-26: 50% (5/10 batches)"), r.err());
    }
}
