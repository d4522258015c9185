package dev.condensenet.pipeline.inference;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.model.store.ModelRoot;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * Serves a versioned model root ({@link ModelRoot}, {@code --model-root}): each subtask serves the highest
 * version that loads (or the pinned one) and follows the root with a {@link HotSwapPredictor}. The job is
 * wired (decoder input shape, normalisation, class names) from the version that would be served when it is
 * submitted; later versions must keep that input and those labels unless {@code --allow-label-change}, and
 * frames keep that input either way ({@link HotSwapPredictor} maps them; pipeline/README.md, "Model updates").
 */
public final class VersionedPredictorFactory implements PredictorFactory {
    private static final long serialVersionUID = 1L;

    private final String root;
    private final ModelSpec spec;
    private final long specVersion;
    private final ModelSwapSettings swap;
    private final DeviceSpec device;
    private final int threads;
    private final InferenceEngine engine;

    private VersionedPredictorFactory(String root, ModelSpec spec, long specVersion, ModelSwapSettings swap,
                                      DeviceSpec device, int threads, InferenceEngine engine) {
        this.root = root;
        this.spec = spec;
        this.specVersion = specVersion;
        this.swap = swap;
        this.device = device;
        this.threads = threads;
        this.engine = engine;
    }

    /**
     * Reads the root and the version to serve now (its {@code config.json}; parameters are not loaded).
     *
     * @throws ModelDirectoryException if the root is missing or empty, the pinned version is missing, or
     *     the version's model directory is damaged
     */
    public static VersionedPredictorFactory of(Path root, ModelSwapSettings swap, DeviceSpec device,
                                               int inferenceThreads) {
        return of(root, swap, device, inferenceThreads, InferenceEngine.PYTORCH);
    }

    /**
     * As {@link #of(Path, ModelSwapSettings, DeviceSpec, int)}, every version served by {@code engine}.
     *
     * @throws IllegalArgumentException for an engine that cannot run on {@code device}
     */
    public static VersionedPredictorFactory of(Path root, ModelSwapSettings swap, DeviceSpec device,
                                               int inferenceThreads, InferenceEngine engine) {
        ModelRoot r = ModelRoot.open(root);
        long v = swap.pinnedVersion();
        if (v > 0) {
            if (!r.versions().contains(v)) {
                throw new ModelDirectoryException("model root " + root + " has no version " + v + " (it has "
                        + r.versions() + "): pass an existing --model-version, or none to serve the highest");
            }
        } else {
            List<Long> vs = r.versions();
            if (vs.isEmpty()) {
                throw new ModelDirectoryException("model root " + root + " has no versions: write one with "
                        + "'train --model-root " + root + "' or 'condense --model-root " + root + "'");
            }
            v = vs.get(vs.size() - 1);
        }
        PredictorFactory first = engine.factory(r.versionDir(v), device, inferenceThreads);
        return new VersionedPredictorFactory(root.toAbsolutePath().toString(), first.spec(), v, swap, device,
                inferenceThreads, engine);
    }

    /** The version the job was wired from (the one {@link #spec()} describes). */
    public long specVersion() {
        return specVersion;
    }

    /**
     * Loads that version here and keeps it loaded until the hold is closed (see
     * {@link DjlPredictorFactory#hold(int)}): the subtasks of a local job then share it. With ONNX Runtime
     * each subtask builds its own session, so the parameters are only checked here and nothing is held.
     *
     * @return the hold, or null with ONNX Runtime
     * @throws ModelDirectoryException one line naming the version directory and the problem
     */
    public LoadedModels.Lease hold(int maxBatch) {
        DjlPredictorFactory version = DjlPredictorFactory.of(ModelRoot.open(Path.of(root)).versionDir(specVersion),
                engine == InferenceEngine.PYTORCH ? device : DeviceSpec.CPU, threads);
        if (engine != InferenceEngine.PYTORCH) {
            version.checkLoads();
            return null;
        }
        return version.hold(maxBatch);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Loads the highest version that passes {@link HotSwapPredictor}'s checks (or the pinned one) and starts
     * following the root. No loadable version fails the job without restarts: the same files give the
     * same result.
     */
    @Override
    public BatchPredictor open(RuntimeContext context, int maxBatch) throws Exception {
        HotSwapPredictor p = new HotSwapPredictor(ModelRoot.open(Path.of(root)), spec, swap,
                (dir) -> engine.factory(dir, device, threads).open(context, maxBatch), maxBatch,
                context.getMetricGroup(), "subtask " + context.getTaskInfo().getIndexOfThisSubtask());
        try {
            p.loadFirst();
        } catch (ModelDirectoryException e) {
            p.close();
            throw new SuppressRestartsException(e);
        }
        p.startWatching();
        return p;
    }
}
