package dev.condensenet.training.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.store.ModelConfigJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A training checkpoint directory:
 *
 * <pre>
 * checkpoint.json          settings, architecture, normalisation, classes, epoch/iteration, history,
 *                          and a SHA-256 of each file below
 * training-0000.params     training-form parameters including masks, stage and count (DJL format)
 * optimizer.ndlist         momentum buffers in parameter order
 * </pre>
 *
 * It is written to a sibling temporary directory and swapped in, so an interrupted write leaves the
 * previous checkpoint intact. Shuffling, augmentation and dropout are seeded from (seed, epoch), so
 * (seed, epoch) is the whole RNG state a resumed run needs.
 */
public final class Checkpoint {

    static final String MANIFEST = "checkpoint.json";
    static final String PARAMS_PREFIX = "training";
    static final String PARAMS_FILE = PARAMS_PREFIX + "-0000.params";
    static final String OPTIMIZER_FILE = "optimizer.ndlist";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** What a checkpoint records besides the arrays. */
    public record State(TrainSettings settings, CondenseNetConfig config, float[] mean, float[] std,
                        List<String> classNames, int completedEpochs, int iteration, List<EpochStats> history) {
    }

    private Checkpoint() {
    }

    /** Atomically replaces {@code dir} with a checkpoint of {@code model} and {@code optimizerState}. */
    public static void write(Path dir, State state, Model model, NDList optimizerState) {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            model.save(tmp, PARAMS_PREFIX);
            Files.write(tmp.resolve(OPTIMIZER_FILE), optimizerState.encode());
            JsonObject m = new JsonObject();
            m.addProperty("formatVersion", 1);
            m.add("settings", GSON.toJsonTree(state.settings()));
            m.add("architecture", ModelConfigJson.architecture(state.config()));
            m.add("mean", GSON.toJsonTree(state.mean()));
            m.add("std", GSON.toJsonTree(state.std()));
            m.add("classNames", GSON.toJsonTree(state.classNames()));
            m.addProperty("completedEpochs", state.completedEpochs());
            m.addProperty("iteration", state.iteration());
            m.add("history", GSON.toJsonTree(state.history()));
            JsonObject sums = new JsonObject();
            sums.addProperty(PARAMS_FILE, sha256(tmp.resolve(PARAMS_FILE)));
            sums.addProperty(OPTIMIZER_FILE, sha256(tmp.resolve(OPTIMIZER_FILE)));
            m.add("sha256", sums);
            Files.writeString(tmp.resolve(MANIFEST), GSON.toJson(m));
            deleteTree(old);
            if (Files.exists(dir)) {
                Files.move(dir, old);
            }
            move(tmp, dir);
            deleteTree(old);
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads and verifies the manifest; the arrays are loaded by {@link #loadArrays}. */
    public static State read(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new CheckpointException("no checkpoint in " + dir + " (missing " + MANIFEST
                    + "): pass the --out directory of an earlier 'train' run");
        }
        try {
            JsonObject m = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
            JsonObject sums = m.getAsJsonObject("sha256");
            for (String f : new String[] {PARAMS_FILE, OPTIMIZER_FILE}) {
                Path p = dir.resolve(f);
                if (!Files.isRegularFile(p)) {
                    throw new CheckpointException("checkpoint " + dir + " is incomplete: " + f + " is missing");
                }
                if (!sums.get(f).getAsString().equals(sha256(p))) {
                    throw new CheckpointException("checkpoint " + dir + " is corrupt: " + f
                            + " does not match its SHA-256 in " + MANIFEST);
                }
            }
            TrainSettings settings = GSON.fromJson(m.get("settings"), TrainSettings.class);
            CondenseNetConfig config = ModelConfigJson.architecture(m.getAsJsonObject("architecture"));
            List<EpochStats> history = GSON.fromJson(m.get("history"), new TypeToken<List<EpochStats>>() { }.getType());
            List<String> names = GSON.fromJson(m.get("classNames"), new TypeToken<List<String>>() { }.getType());
            return new State(settings, config, GSON.fromJson(m.get("mean"), float[].class),
                    GSON.fromJson(m.get("std"), float[].class), names, m.get("completedEpochs").getAsInt(),
                    m.get("iteration").getAsInt(), history);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + " is corrupt: " + MANIFEST + " cannot be read ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Loads the parameters into {@code model}'s (built) block and returns the optimizer buffers. */
    public static NDList loadArrays(Path dir, Model model, NDManager manager) {
        try {
            model.load(dir, PARAMS_PREFIX);
            return NDList.decode(manager, Files.readAllBytes(dir.resolve(OPTIMIZER_FILE)));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
