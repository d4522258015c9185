package dev.condensenet.model.store;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.transform.Resize;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.modality.cv.translator.ImageClassificationTranslator;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.util.Pair;
import dev.condensenet.model.compiled.CompiledCondenseNet;
import dev.condensenet.model.compiled.Compiler;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.net.ChannelNormalize;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.Condenser;
import dev.condensenet.model.net.Converter;
import dev.condensenet.model.net.Presets;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The self-describing model directory that training writes and the pipeline loads (docs/design.md §4.4):
 *
 * <pre>
 * config.json              architecture, input shape, normalisation, class names, metrics (see {@link ModelConfigJson})
 * condensenet-0000.params  parameters of the condensed network (DJL format)
 * </pre>
 *
 * {@link #open} validates the config; {@link #loadReference} (and so {@link #loadModel}) additionally
 * checks every parameter shape against the config, so a directory that is missing, truncated or
 * inconsistent fails with one line naming the problem ({@link ModelDirectoryException}, exit code 2)
 * instead of failing later inside libtorch.
 */
public final class ModelDirectory {

    /** Name of the model card file in the directory. */
    public static final String CONFIG_FILE = "config.json";
    /** DJL model name prefix of the parameter file. */
    public static final String PARAMS_PREFIX = "condensenet";
    /** The parameter file DJL writes for {@link #PARAMS_PREFIX} (epoch 0). */
    public static final String PARAMS_FILE = PARAMS_PREFIX + "-0000.params";
    /**
     * The sub-directory where a {@code train --out} directory keeps its checkpoint: a model directory
     * that has only this is a run that has not finished.
     */
    public static final String TRAINING_CHECKPOINT_DIR = "checkpoint";
    /** Batch size at which {@link #loadModel(Device)} times the layer plans. */
    public static final int DEFAULT_TUNE_BATCH = 32;

    private final Path dir;
    private final ModelCard card;

    private ModelDirectory(Path dir, ModelCard card) {
        this.dir = dir;
        this.card = card;
    }

    /**
     * Reads and validates {@code dir/config.json} and checks that the parameter file is there. Does not load
     * the parameters (no engine needed).
     *
     * @throws ModelDirectoryException if the directory or a file is missing or {@code config.json} is invalid
     */
    public static ModelDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelDirectoryException("model directory " + dir + (Files.exists(dir) ? " is a file"
                    : " does not exist") + ": pass --model with a directory written by 'train' or 'condense'");
        }
        Path config = dir.resolve(CONFIG_FILE);
        String json;
        try {
            json = Files.readString(config);
        } catch (NoSuchFileException e) {
            if (Files.isDirectory(dir.resolve(TRAINING_CHECKPOINT_DIR))) {
                throw new ModelDirectoryException("model directory " + dir + " has no " + CONFIG_FILE + ": it holds "
                        + "the checkpoint of an unfinished training run; finish it with 'train --resume " + dir
                        + "', or condense it as it is with 'condense --checkpoint " + dir + " --out NEW_DIR --force'");
            }
            throw new ModelDirectoryException("model directory " + dir + " has no " + CONFIG_FILE
                    + ": it was not written by 'train' or 'condense'");
        } catch (IOException e) {
            throw new ModelDirectoryException("cannot read " + config + ": " + e.getMessage(), e);
        }
        ModelCard card;
        try {
            card = ModelConfigJson.parse(json);
        } catch (RuntimeException e) {
            throw new ModelDirectoryException(config + " is invalid: " + UserError.oneLine(e), e);
        }
        Path params = dir.resolve(PARAMS_FILE);
        if (!Files.isRegularFile(params)) {
            throw new ModelDirectoryException("model directory " + dir + " has no " + PARAMS_FILE
                    + ": copy the whole directory written by training");
        }
        return new ModelDirectory(dir, card);
    }

    /**
     * Writes {@code condensed} (an initialised condensed-form tree of {@code card.config()}) and its
     * card to {@code dir}, creating it if needed. A model directory already there is replaced: its
     * parameter file is overwritten and any other {@code condensenet-NNNN.params} removed, so the
     * directory holds exactly the files its config names. The tree's arrays stay owned by the caller.
     *
     * @throws IOException if a file cannot be written
     */
    public static ModelDirectory write(Path dir, ModelCard card, Block condensed) throws IOException {
        Files.createDirectories(dir);
        // The model only borrows the block: its arrays belong to the caller's manager, so closing the
        // model (which closes only the model's own manager) leaves them intact.
        try (Model model = Model.newInstance(card.name(), Device.cpu(), "PyTorch")) {
            model.setBlock(condensed);
            // DJL numbers the file after the highest epoch already in the directory unless told which
            model.setProperty("Epoch", "0");
            model.save(dir, PARAMS_PREFIX);
        }
        Files.writeString(dir.resolve(CONFIG_FILE), ModelConfigJson.format(card));
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, PARAMS_PREFIX + "-*.params")) {
            for (Path p : stale) {
                if (!p.getFileName().toString().equals(PARAMS_FILE)) {
                    Files.delete(p);
                }
            }
        }
        return new ModelDirectory(dir, card);
    }

    /**
     * Writes a randomly initialised model of {@code preset}, condensed by weight magnitude and
     * converted, with identity normalisation (mean 0, std 1). For tests and benchmarks: real shapes
     * and real compute, meaningless predictions.
     *
     * @throws dev.condensenet.model.net.InvalidConfigException for an unknown preset
     * @throws IOException if a file cannot be written
     */
    public static ModelDirectory writeUntrained(Path dir, String preset) throws IOException {
        CondenseNetConfig config = Presets.get(preset);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SequentialBlock training = CondenseNet.builder().setConfig(config).build();
            training.initialize(manager, DataType.FLOAT32, CondenseNet.inputShape(config, 1));
            new Condenser(training).condenseFully();
            SequentialBlock condensed = Converter.convert(training, config, manager);
            float[] mean = new float[config.inChannels()];
            float[] std = new float[config.inChannels()];
            java.util.Arrays.fill(std, 1f);
            List<String> names = preset.startsWith("fmnist") ? FashionMnistClasses.NAMES
                    : java.util.stream.IntStream.range(0, config.classes()).mapToObj(i -> "class-" + i).toList();
            ModelCard card = new ModelCard("untrained-" + preset, config, mean, std, names, "none (untrained)",
                    null, 0);
            return write(dir, card, condensed);
        }
    }

    /**
     * Loads the condensed network on {@code device}, compiled for inference ({@link CompiledCondenseNet}:
     * same function, per-layer plans timed on this device; docs/design.md §7). Its block maps one
     * normalised float32 NCHW batch {@code (N, inChannels, imageSize, imageSize)} to logits
     * {@code (N, classes)} in eval mode. The caller closes the model.
     *
     * @throws ModelDirectoryException if the parameters are missing, truncated or do not match the config
     */
    public Model loadModel(Device device) {
        return loadModel(device, null, DEFAULT_TUNE_BATCH);
    }

    /**
     * As {@link #loadModel(Device)}, every layer in {@code plan}, or with {@code plan == null} each
     * layer in the plan that was fastest at {@code tuneBatch} images.
     *
     * @throws ModelDirectoryException if the parameters are missing, truncated or do not match the config
     */
    public Model loadModel(Device device, LayerPlan plan, int tuneBatch) {
        Model model = loadReference(device);
        try {
            Compiler compiler = Compiler.forConfig(card.config());
            compiler = plan == null ? compiler.optAutoPlan(tuneBatch) : compiler.optPlan(plan);
            CompiledCondenseNet compiled = compiler.compile(model.getBlock(), model.getNDManager());
            model.setBlock(compiled);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Loads the converted block tree exactly as written (docs/design.md §4: gather, grouped 1×1, shuffle,
     * concatenation), without compiling it, and checks every parameter shape against the config (DJL's
     * loader checks names and order only, §8.7). Same input and output as {@link #loadModel(Device)}. The
     * caller closes the model.
     *
     * @throws ModelDirectoryException if the parameters are missing, truncated or do not match the config
     */
    public Model loadReference(Device device) {
        CondenseNetConfig config = card.config();
        SequentialBlock block = CondenseNet.builder().setConfig(config).optForm(CondenseNet.Form.CONDENSED).build();
        Model model = Model.newInstance(card.name(), device, "PyTorch");
        try {
            model.setBlock(block);
            model.load(dir, PARAMS_PREFIX);
            checkShapes(block, config);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            if (e instanceof ModelDirectoryException) {
                throw (ModelDirectoryException) e;
            }
            throw new ModelDirectoryException("cannot load " + dir.resolve(PARAMS_FILE) + " (truncated or not "
                    + "written for this config): " + UserError.oneLine(e), e);
        }
    }

    /**
     * The model with a DJL image translator: resize to the input size, gray or RGB, scale to [0, 1],
     * normalise, softmax, top-5 labels. Convenient for single images; the streaming job batches raw
     * tensors through {@link #loadModel} instead. The caller closes the model.
     *
     * @throws ModelDirectoryException if the parameters are missing, truncated or do not match the config
     */
    public ZooModel<Image, Classifications> loadZooModel(Device device) {
        ImageClassificationTranslator.Builder t = ImageClassificationTranslator.builder()
                .setImageSize(imageSize(), imageSize())
                .addTransform(new Resize(imageSize(), imageSize()))
                .addTransform(new ToTensor())
                .addTransform(new ChannelNormalize(card.mean(), card.std()))
                .optSynset(classNames())
                .optApplySoftmax(true)
                .optTopK(Math.min(5, classNames().size()));
        if (inChannels() == 1) {
            t.optFlag(Image.Flag.GRAYSCALE);
        }
        return new ZooModel<>(loadModel(device), t.build());
    }

    /** Compares every loaded parameter with the shapes the config implies (Parameter.load does not). */
    private void checkShapes(Block loaded, CondenseNetConfig config) {
        try (NDManager scratch = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SequentialBlock expected = CondenseNet.builder().setConfig(config)
                    .optForm(CondenseNet.Form.CONDENSED).build();
            expected.initialize(scratch, DataType.FLOAT32, CondenseNet.inputShape(config, 1));
            ParameterList want = expected.getParameters();
            ParameterList got = loaded.getParameters();
            if (want.size() != got.size()) {
                throw new ModelDirectoryException(dir.resolve(PARAMS_FILE) + " holds " + got.size()
                        + " parameters but " + CONFIG_FILE + " describes " + want.size());
            }
            for (int i = 0; i < want.size(); i++) {
                Pair<String, Parameter> w = want.get(i);
                Parameter g = got.get(i).getValue();
                Shape actual = g.getArray() == null ? null : g.getArray().getShape();
                if (!w.getValue().getArray().getShape().equals(actual)) {
                    throw new ModelDirectoryException(dir.resolve(PARAMS_FILE) + " does not match " + CONFIG_FILE
                            + ": parameter " + w.getKey() + " has shape " + actual + ", expected "
                            + w.getValue().getArray().getShape());
                }
            }
        }
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    /** What {@code config.json} says. */
    public ModelCard card() {
        return card;
    }

    /** The architecture. */
    public CondenseNetConfig config() {
        return card.config();
    }

    /** The model name (shown in predictions). */
    public String name() {
        return card.name();
    }

    /** Input channels (1 gray, 3 RGB). */
    public int inChannels() {
        return card.config().inChannels();
    }

    /** Input height = width, in pixels. */
    public int imageSize() {
        return card.config().imageSize();
    }

    /** Per-channel normalisation mean for pixels in [0, 1]. */
    public float[] mean() {
        return card.mean();
    }

    /** Per-channel normalisation standard deviation for pixels in [0, 1]. */
    public float[] std() {
        return card.std();
    }

    /** One label per class, in class-index order. */
    public List<String> classNames() {
        return card.classNames();
    }
}
