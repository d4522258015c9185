package dev.condensenet.model.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.condensenet.model.compiled.CompiledCondenseNet;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.net.Presets;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing, loading and refusing damaged model directories. */
class ModelDirectoryTest {

    @TempDir
    static Path tmp;
    static Path good;

    @BeforeAll
    static void writeModel() throws Exception {
        TorchRuntime.init();
        good = tmp.resolve("good");
        ModelDirectory.writeUntrained(good, "fmnist-26");
    }

    @Test
    void roundTripsTheCardAndLoadsARunnableModel() throws Exception {
        ModelDirectory dir = ModelDirectory.open(good);
        assertEquals("untrained-fmnist-26", dir.name());
        assertEquals(Presets.get("fmnist-26"), dir.config());
        assertEquals(FashionMnistClasses.NAMES, dir.classNames());
        assertNull(dir.card().accuracy());
        String json = Files.readString(good.resolve(ModelDirectory.CONFIG_FILE));
        assertTrue(json.contains("\"flops\": 8576602"), json);
        try (Model model = dir.loadModel(Device.cpu());
             Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
            NDArray x = model.getNDManager().randomNormal(new ai.djl.ndarray.types.Shape(5, 1, 28, 28));
            NDArray logits = p.predict(new NDList(x)).singletonOrThrow();
            assertEquals(new ai.djl.ndarray.types.Shape(5, 10), logits.getShape());
        }
    }

    /** The shipped, trained model: the compiled network that is served equals the converted tree. */
    @Test
    void servedCompiledModelEqualsTheWrittenTree() throws Exception {
        ModelDirectory dir = ModelDirectory.open(Path.of("..", "testdata", "models", "fmnist-26"));
        try (Model served = dir.loadModel(Device.cpu());
             Model tree = dir.loadReference(Device.cpu());
             Predictor<NDList, NDList> a = served.newPredictor(new NoopTranslator());
             Predictor<NDList, NDList> b = tree.newPredictor(new NoopTranslator())) {
            assertTrue(served.getBlock() instanceof CompiledCondenseNet);
            NDArray x = served.getNDManager().randomNormal(new ai.djl.ndarray.types.Shape(6, 1, 28, 28));
            float[] want = b.predict(new NDList(x)).singletonOrThrow().toFloatArray();
            float[] got = a.predict(new NDList(x)).singletonOrThrow().toFloatArray();
            float diff = 0;
            float scale = 1;
            for (int i = 0; i < want.length; i++) {
                diff = Math.max(diff, Math.abs(want[i] - got[i]));
                scale = Math.max(scale, Math.abs(want[i]));
            }
            assertTrue(diff <= 1e-5f * scale, "max |diff| " + diff + " at logit scale " + scale);
        }
    }

    @Test
    void zooModelClassifiesAnImage() throws Exception {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        img.setRGB(10, 10, 0xffffff);
        Image image = ImageFactory.getInstance().fromImage(img);
        try (ZooModel<Image, Classifications> model = ModelDirectory.open(good).loadZooModel(Device.cpu());
             Predictor<Image, Classifications> p = model.newPredictor()) {
            Classifications c = p.predict(image);
            assertEquals(5, c.topK(5).size());
            double total = c.getProbabilities().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, total, 1e-4);
            assertTrue(FashionMnistClasses.NAMES.contains(c.best().getClassName()));
        }
    }

    private static Path damaged(String name, Consumer<Path> damage) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        for (String f : new String[] {ModelDirectory.CONFIG_FILE, ModelDirectory.PARAMS_FILE}) {
            Files.copy(good.resolve(f), dir.resolve(f));
        }
        damage.accept(dir);
        return dir;
    }

    private static String failure(Path dir) {
        ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> {
            try (Model m = ModelDirectory.open(dir).loadModel(Device.cpu())) {
                m.getBlock();
            }
        });
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void missingDirectoryConfigAndParametersAreNamed() throws Exception {
        assertTrue(failure(tmp.resolve("nope")).contains("does not exist"));
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertEquals("model directory " + file + " is a file: pass --model with a directory written by 'train' or "
                + "'condense'", failure(file));
        assertTrue(failure(damaged("noconfig", d -> delete(d.resolve(ModelDirectory.CONFIG_FILE))))
                .contains("has no config.json"));
        assertTrue(failure(damaged("noparams", d -> delete(d.resolve(ModelDirectory.PARAMS_FILE))))
                .contains("has no condensenet-0000.params"));
    }

    @Test
    void aRunThatHasNotFinishedIsNamedWithWhatToDo() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("unfinished").resolve(ModelDirectory.TRAINING_CHECKPOINT_DIR))
                .getParent();
        assertEquals("model directory " + run + " has no config.json: it holds the checkpoint of an unfinished "
                + "training run; finish it with 'train --resume " + run + "', or condense it as it is with "
                + "'condense --checkpoint " + run + " --out NEW_DIR --force'", failure(run));
    }

    @Test
    void writingAgainReplacesTheModelAndLeavesOnlyTheFilesTheConfigNames() throws Exception {
        Path again = tmp.resolve("again");
        ModelDirectory.writeUntrained(again, "fmnist-26");
        Files.writeString(again.resolve("condensenet-0007.params"), "stale"); // e.g. from an older version
        ModelDirectory.writeUntrained(again, "fmnist-26");
        try (var files = Files.list(again)) {
            assertEquals(java.util.List.of(ModelDirectory.PARAMS_FILE, ModelDirectory.CONFIG_FILE),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        ModelDirectory.open(again);
    }

    @Test
    void invalidConfigIsNamed() throws Exception {
        assertTrue(failure(damaged("badjson", d -> write(d.resolve(ModelDirectory.CONFIG_FILE), "{oops")))
                .contains("config.json is invalid"));
        String msg = failure(damaged("nogrowth", d -> edit(d, "\"growth\"", "\"growthRate\"")));
        assertTrue(msg.contains("missing field 'growth'"), msg);
        msg = failure(damaged("badarch", d -> edit(d, "\"groups\": 4", "\"groups\": 3")));
        assertTrue(msg.contains("invalid CondenseNet config: groups 3"), msg);
    }

    @Test
    void truncatedParametersAreNamed() throws Exception {
        String msg = failure(damaged("truncated", d -> {
            Path p = d.resolve(ModelDirectory.PARAMS_FILE);
            try {
                byte[] b = Files.readAllBytes(p);
                Files.write(p, Arrays.copyOf(b, b.length / 2));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }));
        assertTrue(msg.contains("cannot load") && msg.contains("truncated"), msg);
    }

    @Test
    void configParameterMismatchIsNamed() throws Exception {
        // Wrong input channels: the stem weight in the file is for 1 channel.
        String msg = failure(damaged("channels", d -> edit(d, "\"inChannels\": 1", "\"inChannels\": 3")
                .accept(null)));
        assertTrue(msg.contains("does not match") || msg.contains("cannot load"), msg);
        msg = failure(damaged("classes", d -> edit(d, "\"classes\": 10", "\"classes\": 12")
                .accept(null)));
        assertTrue(msg.contains("does not match") || msg.contains("cannot load"), msg);
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private static void write(Path p, String s) {
        try {
            Files.writeString(p, s);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private static Consumer<Path> edit(Path dir, String from, String to) {
        Path p = dir.resolve(ModelDirectory.CONFIG_FILE);
        try {
            String s = Files.readString(p);
            if (!s.contains(from)) {
                throw new IllegalStateException("test setup: config has no " + from);
            }
            s = s.replace(from, to);
            if (from.contains("inChannels")) {
                s = s.replace("\"inputShape\": [\n    1,", "\"inputShape\": [\n    3,");
                s = s.replace("\"mean\": [\n      0.0\n    ]", "\"mean\": [0.0, 0.0, 0.0]");
                s = s.replace("\"std\": [\n      1.0\n    ]", "\"std\": [1.0, 1.0, 1.0]");
            }
            if (from.contains("classes")) {
                s = s.replace("\"Ankle boot\"", "\"Ankle boot\", \"x\", \"y\"");
            }
            Files.writeString(p, s);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return x -> { };
    }
}
