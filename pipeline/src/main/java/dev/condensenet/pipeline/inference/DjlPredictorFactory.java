package dev.condensenet.pipeline.inference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoopTranslator;
import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelDirectoryException;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * Loads a CondenseNet model directory with DJL (PyTorch) inside the task. The directory is read on the
 * client to describe the model, and again on each TaskManager, so it must be at the same path there
 * (a shared volume or baked into the image).
 */
public final class DjlPredictorFactory implements PredictorFactory {
    private static final long serialVersionUID = 1L;

    private final String modelDir;
    private final ModelSpec spec;
    private final DeviceSpec device;
    private final int threads;

    private DjlPredictorFactory(String modelDir, ModelSpec spec, DeviceSpec device, int threads) {
        this.modelDir = modelDir;
        this.spec = spec;
        this.device = device;
        this.threads = threads;
    }

    /**
     * Validates the model directory (one-line {@code ModelDirectoryException} if missing or damaged)
     * and describes it. Does not start the PyTorch engine: the client side of a job needs no natives.
     *
     * @param device {@code auto}/{@code gpu} take the GPU Flink assigned to the TaskManager (else 0),
     *     {@code gpu:N} GPU N
     * @param inferenceThreads libtorch intra-op threads per TaskManager JVM, 0 = one per core
     */
    public static DjlPredictorFactory of(Path dir, DeviceSpec device, int inferenceThreads) {
        ModelDirectory md = ModelDirectory.open(dir);
        ModelSpec spec = new ModelSpec(md.name(), md.classNames(), md.inChannels(), md.imageSize(),
                md.imageSize(), md.mean(), md.std());
        return new DjlPredictorFactory(dir.toAbsolutePath().toString(), spec, device, inferenceThreads);
    }

    /**
     * Loads the parameters once on CPU and frees them again, so a truncated or mismatched parameter
     * file is reported before a job starts (and restarts) on it. Only where DJL is at hand anyway (the
     * CLI's local Flink); a {@code flink run} client should not load libtorch.
     */
    public void checkLoads() {
        TorchRuntime.init(threads);
        // The stored tree is enough to validate: compiling (and timing layer plans) is the task's job.
        try (Model m = ModelDirectory.open(Path.of(modelDir)).loadReference(Device.cpu())) {
            m.getBlock(); // loaded and shape-checked by loadReference
        }
    }

    /** The device {@link #open} picks in a task without a Flink GPU resource (e.g. GPU 0, or the CPU). */
    public Device resolveDevice() {
        TorchRuntime.init(threads);
        return resolve(null);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Loads the model in a task, or shares the one this JVM has loaded for the same directory, device and
     * batch ({@link LoadedModels}); each subtask gets its own predictor. A missing or damaged model directory fails the job at once, without
     * restarts ({@link SuppressRestartsException}): reading the same files again gives the same error,
     * and a restart loop would only bury the one-line reason under retries.
     */
    @Override
    public BatchPredictor open(RuntimeContext context, int maxBatch) throws Exception {
        LoadedModels.Lease lease;
        try {
            lease = load(resolveDeviceFor(context), maxBatch);
        } catch (ModelDirectoryException e) {
            throw new SuppressRestartsException(e);
        }
        try {
            Predictor<NDList, NDList> predictor = lease.model().newPredictor(new NoopTranslator());
            DjlBatchPredictor p = new DjlBatchPredictor(lease, predictor, spec, maxBatch,
                    lease.model().getNDManager().getDevice().isGpu());
            p.warmUp();
            return p;
        } catch (Exception | Error e) {
            lease.close();
            throw e;
        }
    }

    /**
     * Loads the model here, as a task of this JVM with {@code maxBatch} will, and keeps it loaded until the
     * returned hold is closed: the CLI's local Flink (demo, run, bench) checks the model before anything else
     * starts and its subtasks then share that load ({@link LoadedModels}) instead of loading it again.
     *
     * @param maxBatch the job's {@code --max-batch} (layer plans are timed at it, capped at 64)
     * @throws ModelDirectoryException one line naming the directory and the problem
     */
    public LoadedModels.Lease hold(int maxBatch) {
        return load(resolveDevice(), maxBatch);
    }

    /** How many times this JVM loaded a model from disk so far (every directory and device). */
    public static long loadsInThisJvm() {
        return LoadedModels.loads();
    }

    private LoadedModels.Lease load(Device d, int maxBatch) {
        // Layer plans are timed at the batch size this operator will mostly run (capped: timing
        // larger batches only makes the start slower).
        int planBatch = Math.min(maxBatch, 64);
        return LoadedModels.acquire(new LoadedModels.Key(modelDir, d.toString(), planBatch), () -> {
            ModelDirectory md = ModelDirectory.open(Path.of(modelDir));
            if (md.inChannels() != spec.channels || md.imageSize() != spec.height
                    || md.classNames().size() != spec.numClasses()) {
                throw new ModelDirectoryException("model directory " + modelDir
                        + " changed since the job was submitted: resubmit the job");
            }
            return md.loadModel(d, null, planBatch);
        });
    }

    private Device resolveDeviceFor(RuntimeContext context) {
        TorchRuntime.init(threads);
        return resolve(context);
    }

    private Device resolve(RuntimeContext context) {
        return device.resolve(gpuIndex(context), "on this TaskManager");
    }

    /**
     * The GPU Flink assigned to this TaskManager (external resource {@code gpu}, its {@code index}
     * property), else 0. One GPU per TaskManager is the simple, supported layout: all slots share it.
     */
    static int gpuIndex(RuntimeContext context) {
        if (context == null) {
            return 0;
        }
        Set<ExternalResourceInfo> gpus;
        try {
            gpus = context.getExternalResourceInfos("gpu");
        } catch (RuntimeException e) {
            return 0;
        }
        for (ExternalResourceInfo info : gpus) {
            var index = info.getProperty("index");
            if (index.isPresent()) {
                return Integer.parseInt(index.get().trim());
            }
        }
        return 0;
    }

}
