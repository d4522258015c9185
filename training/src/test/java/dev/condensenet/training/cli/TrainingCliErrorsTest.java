package dev.condensenet.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.training.data.IdxReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every usage and setup error of the training jar, through the real {@link Main#execute}: one {@code error:}
 * line (nothing else on stderr but logs), exit code 2, no usage dump and no stack trace. None of these
 * needs a data set or trains.
 */
class TrainingCliErrorsTest {

    private static final String HELP = "; see 'condensenet-training ";

    @TempDir
    Path tmp;

    private static void refused(String line, String... args) {
        Cli.run(args).assertOneLine(2, "error: " + line);
    }

    private static void usage(String command, String line, String... args) {
        refused(line + HELP + command + " --help'", args);
    }

    @Test
    void noCommandIsAUsageError() {
        refused("choose a command: info, verify-conversion, train, eval, condense, samples, bench, export-onnx; see "
                + "'condensenet-training --help'");
    }

    @Test
    void parseErrorsAreOneLine() {
        usage("train", "Missing required parameter for option '--lr' (<lr>)", "train", "--lr");
        usage("train", "Invalid value for option '--epochs': 'x' is not an int", "train", "--epochs", "x");
        usage("info", "option '--preset' (NAME) should be specified only once",
                "info", "--preset", "fmnist-26", "--preset", "cifar10-86");
        usage("info", "Unknown option: '--frobnicate'", "info", "--frobnicate");
        usage("train", "--dataset mnist: use fashion-mnist, cifar10, image-folder",
                "train", "--preset", "fmnist-26", "--dataset", "mnist", "--out", "x");
        usage("eval", "--device tpu: use auto, cpu, gpu or gpu:N", "eval", "--model", "m", "--device", "tpu");
        usage("verify-conversion", "--threads -1: use 0 (one per core) or a positive number",
                "verify-conversion", "--preset", "fmnist-26", "--threads", "-1");
    }

    @Test
    void eachInvalidFlagIsNamedOnItsOwn() {
        Path out = tmp.resolve("run");
        usage("train", "--lr -1: must be a positive number",
                "train", "--preset", "fmnist-26", "--out", out.toString(), "--lr", "-1");
        usage("train", "--val-split 2: must be a fraction in (0, 1)",
                "train", "--preset", "fmnist-26", "--out", out.toString(), "--val-split", "2");
        usage("train", "--epochs 0: must be at least 1",
                "train", "--preset", "fmnist-26", "--out", out.toString(), "--epochs", "0");
        usage("train", "--out DIR is required (or --resume DIR)", "train", "--preset", "fmnist-26");
        usage("train", "choose an architecture: --preset NAME (e.g. fmnist-26) or --stages/--growth",
                "train", "--out", out.toString());
        usage("verify-conversion", "--steps 1: the last condensing stage starts at half of the schedule, so at "
                + "least 2 steps are needed", "verify-conversion", "--preset", "fmnist-26", "--steps", "1");
        usage("samples", "--count 0: must be at least 1", "samples", "--out", out.toString(), "--count", "0");
        usage("eval", "--batch-size 0: must be at least 1", "eval", "--model", "m", "--batch-size", "0");
        usage("bench", "--seconds 0: must be positive", "bench", "--seconds", "0");
        assertEquals(false, Files.exists(out), "nothing is created by a refused command");
    }

    @Test
    void outputPathsAreCheckedBeforeAnyWork() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        refused("--out " + file + " is a file, not a directory: choose a directory",
                "train", "--preset", "fmnist-26", "--out", file.toString());
        refused("--out /proc/condensenet-run cannot be created: /proc is not writable",
                "train", "--preset", "fmnist-26", "--out", "/proc/condensenet-run");
        refused("--out " + file + " is a file, not a directory: choose a directory",
                "samples", "--out", file.toString());
        refused("--plot " + tmp + " is a directory: give a file name",
                "bench", "--stages", "1-1", "--growth", "8-16", "--plot", tmp.toString());
    }

    @Test
    void adviceIsTrue() throws Exception {
        TorchRuntime.init();
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        Cli.Result noGpu = Cli.run("bench", "--stages", "1-1", "--growth", "8-16", "--device", "gpu:99");
        assertEquals(2, noGpu.code());
        assertEquals(1, noGpu.errorLines().size(), noGpu.err());
        assertTrue(noGpu.errorLines().get(0).startsWith(gpus == 0
                ? "error: --device gpu:99: this is the CPU build of libtorch" // pytorch-native-cpu in every test JVM
                : "error: --device gpu:99: PyTorch sees " + gpus + " GPU(s) here (0 to "), noGpu.err());

        Path unfinished = Files.createDirectories(tmp.resolve("unfinished").resolve("checkpoint")).getParent();
        refused("model directory " + unfinished + " has no config.json: it holds the checkpoint of an unfinished "
                + "training run; finish it with 'train --resume " + unfinished + "', or condense it as it is with "
                + "'condense --checkpoint " + unfinished + " --out NEW_DIR --force'",
                "eval", "--model", unfinished.toString());
        refused("no checkpoint in " + tmp.resolve("none").resolve("checkpoint") + " (missing checkpoint.json): pass "
                + "the --out directory of an earlier 'train' run", "train", "--resume", tmp.resolve("none").toString());

        // eval has no architecture flags: its advice is about the data
        Path model = tmp.resolve("model");
        ModelDirectory.writeUntrained(model, "fmnist-26");
        Path cifarModel = tmp.resolve("cifar-model");
        ModelDirectory.writeUntrained(cifarModel, "cifar10-50");
        if (Files.isRegularFile(IdxReader.DEFAULT_FASHION_MNIST_DIR.resolve("t10k-images-idx3-ubyte.gz"))) {
            refused("fashion-mnist images are 1x28x28 but the model takes 3x32x32: evaluate it on the kind of data "
                    + "it was trained on", "eval", "--model", cifarModel.toString());
        }
        Path folder = tmp.resolve("folder");
        for (String c : new String[] {"Bag", "Trouser"}) { // two of the model's ten classes
            Files.createDirectories(folder.resolve(c));
            ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png",
                    folder.resolve(c).resolve("a.png").toFile());
        }
        Path broken = Files.write(folder.resolve("Bag").resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        refused("cannot read image folder " + folder + ": Failed to read image from: " + broken
                + " (remove or replace that file)",
                "eval", "--model", model.toString(), "--dataset", "image-folder", "--data-dir", folder.toString());
    }

    @Test
    void verboseWorksBeforeAndAfterTheCommand() {
        assertEquals(0, Cli.run("--verbose", "info", "--preset", "fmnist-26").code());
        assertEquals(0, Cli.run("info", "--preset", "fmnist-26", "--verbose").code());
        assertEquals(0, Cli.run("-v", "info", "--preset", "fmnist-26").code());
    }
}
