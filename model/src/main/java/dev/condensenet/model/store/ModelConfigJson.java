package dev.condensenet.model.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.ModelCounts;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config.json} of a model directory, format version 1:
 *
 * <pre>
 * { "formatVersion": 1, "name": "...", "form": "condensed", "dataset": "fashion-mnist",
 *   "architecture": { "stages": [4,4,4], "growth": [8,16,32], "bottleneck": 4, "groups": 4,
 *                     "condenseFactor": 4, "dropout": 0.0, "inChannels": 1, "imageSize": 28,
 *                     "classes": 10, "stemStride": 1 },
 *   "inputShape": [1, 28, 28],
 *   "normalization": { "mean": [0.286], "std": [0.353] },
 *   "classNames": [...],
 *   "metrics": { "accuracy": 0.94, "testSamples": 10000, "params": 80074, "flops": 8576602 },
 *   "parameterFile": "condensenet-0000.params" }
 * </pre>
 */
public final class ModelConfigJson {

    /** The only {@code formatVersion} this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private ModelConfigJson() {
    }

    /**
     * The {@code config.json} text of {@code card}, pretty-printed, ending in a newline; the metrics also
     * carry the condensed form's parameter and FLOP counts ({@link ModelCounts}).
     */
    public static String format(ModelCard card) {
        CondenseNetConfig c = card.config();
        JsonObject arch = architecture(c);

        JsonObject norm = new JsonObject();
        norm.add("mean", floats(card.mean()));
        norm.add("std", floats(card.std()));

        ModelCounts counts = ModelCounts.of(c);
        JsonObject metrics = new JsonObject();
        if (card.accuracy() != null) {
            metrics.addProperty("accuracy", card.accuracy());
            metrics.addProperty("testSamples", card.testSamples());
        }
        metrics.addProperty("params", counts.convertedParams());
        metrics.addProperty("flops", counts.convertedFlops());

        JsonObject root = new JsonObject();
        root.addProperty("formatVersion", FORMAT_VERSION);
        root.addProperty("name", card.name());
        root.addProperty("form", "condensed");
        root.addProperty("dataset", card.dataset());
        root.add("architecture", arch);
        root.add("inputShape", ints(new int[] {c.inChannels(), c.imageSize(), c.imageSize()}));
        root.add("normalization", norm);
        JsonArray names = new JsonArray();
        card.classNames().forEach(names::add);
        root.add("classNames", names);
        root.add("metrics", metrics);
        root.addProperty("parameterFile", ModelDirectory.PARAMS_FILE);
        return GSON.toJson(root) + "\n";
    }

    /**
     * Parses and validates.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad field (also for invalid JSON, a
     *     different format version or a form other than {@code condensed})
     * @throws dev.condensenet.model.net.InvalidConfigException if the architecture cannot be built
     */
    public static ModelCard parse(String json) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not valid JSON");
        }
        if (!parsed.isJsonObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonObject root = parsed.getAsJsonObject();
        int version = integer(root, "formatVersion");
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("formatVersion " + version + " is not supported (expected "
                    + FORMAT_VERSION + ")");
        }
        String form = string(root, "form");
        if (!"condensed".equals(form)) {
            throw new IllegalArgumentException("form '" + form + "' cannot be served; expected 'condensed'");
        }
        CondenseNetConfig config = architecture(object(root, "architecture"));
        int[] shape = intArray(root, "inputShape");
        if (shape.length != 3 || shape[0] != config.inChannels() || shape[1] != config.imageSize()
                || shape[2] != config.imageSize()) {
            throw new IllegalArgumentException("inputShape does not match the architecture's input "
                    + config.inChannels() + "x" + config.imageSize() + "x" + config.imageSize());
        }
        JsonObject norm = object(root, "normalization");
        List<String> names = new ArrayList<>();
        for (JsonElement e : array(root, "classNames")) {
            names.add(e.getAsString());
        }
        Double accuracy = null;
        int samples = 0;
        if (root.has("metrics") && root.getAsJsonObject("metrics").has("accuracy")) {
            JsonObject m = root.getAsJsonObject("metrics");
            accuracy = m.get("accuracy").getAsDouble();
            samples = m.has("testSamples") ? m.get("testSamples").getAsInt() : 0;
        }
        return new ModelCard(string(root, "name"), config, floatArray(norm, "mean"), floatArray(norm, "std"),
                names, root.has("dataset") ? root.get("dataset").getAsString() : "", accuracy, samples);
    }

    /** The {@code architecture} object of a config (also used in training checkpoints). */
    public static JsonObject architecture(CondenseNetConfig c) {
        JsonObject arch = new JsonObject();
        arch.add("stages", ints(c.stages()));
        arch.add("growth", ints(c.growth()));
        arch.addProperty("bottleneck", c.bottleneck());
        arch.addProperty("groups", c.groups());
        arch.addProperty("condenseFactor", c.condenseFactor());
        arch.addProperty("dropout", c.dropout());
        arch.addProperty("inChannels", c.inChannels());
        arch.addProperty("imageSize", c.imageSize());
        arch.addProperty("classes", c.classes());
        arch.addProperty("stemStride", c.stemStride());
        return arch;
    }

    /**
     * Parses an {@code architecture} object; the builder validates it.
     *
     * @throws IllegalArgumentException if a required field is missing or not an integer
     * @throws dev.condensenet.model.net.InvalidConfigException if the architecture cannot be built
     */
    public static CondenseNetConfig architecture(JsonObject a) {
        return CondenseNetConfig.builder()
                .setStages(intArray(a, "stages"))
                .setGrowth(intArray(a, "growth"))
                .optBottleneck(integer(a, "bottleneck"))
                .optGroups(integer(a, "groups"))
                .optCondenseFactor(integer(a, "condenseFactor"))
                .optDropout(a.has("dropout") ? a.get("dropout").getAsFloat() : 0f)
                .setInChannels(integer(a, "inChannels"))
                .setImageSize(integer(a, "imageSize"))
                .setClasses(integer(a, "classes"))
                .optStemStride(a.has("stemStride") ? integer(a, "stemStride") : 1)
                .build();
    }

    private static JsonArray ints(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonArray floats(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonElement field(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return e;
    }

    private static int integer(JsonObject o, String name) {
        try {
            return field(o, name).getAsInt();
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
            throw new IllegalArgumentException("field '" + name + "' must be an integer");
        }
    }

    private static String string(JsonObject o, String name) {
        return field(o, name).getAsString();
    }

    private static JsonObject object(JsonObject o, String name) {
        JsonElement e = field(o, name);
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("field '" + name + "' must be an object");
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(JsonObject o, String name) {
        JsonElement e = field(o, name);
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException("field '" + name + "' must be an array");
        }
        return e.getAsJsonArray();
    }

    private static int[] intArray(JsonObject o, String name) {
        JsonArray a = array(o, name);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static float[] floatArray(JsonObject o, String name) {
        JsonArray a = array(o, name);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }
}
