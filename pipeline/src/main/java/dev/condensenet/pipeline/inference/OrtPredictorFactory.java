package dev.condensenet.pipeline.inference;

import ai.djl.Device;
import ai.djl.Model;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.onnx.OnnxExporter;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelDirectoryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a model directory with ONNX Runtime ({@code --engine onnxruntime}): in the task, the directory's
 * condensed network is exported to ONNX in memory ({@link OnnxExporter}, the graph {@code export-onnx} writes,
 * every dense layer folded in {@link #PLAN}) and run by ONNX Runtime's CPU execution provider, one session per
 * subtask. The export is redone from the
 * parameters at every open rather than read from a {@code model.onnx} next to them, so the served graph can
 * never be stale against the directory it is named by.
 *
 * <p>ONNX Runtime's Java API is used directly (not DJL's ONNX Runtime engine): the predictor's contract is
 * float arrays in and out, which maps onto one ONNX Runtime tensor over a direct buffer per batch size, with
 * no second DJL engine registered next to PyTorch in the JVM.
 */
public final class OrtPredictorFactory implements PredictorFactory {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OrtPredictorFactory.class);

    /**
     * The layer plan of the served graph: gather → max(x, θ) → grouped 1×1 → dense 3×3 absorbing the shuffle.
     * Fastest of the literal tree and the four plans in ONNX Runtime on this project's CPU at batch 1 and 64
     * (BENCHMARKS.md, "Against PyTorch and ONNX Runtime"): ONNX Runtime's grouped 3×3 is slower than the dense
     * one with 4× the multiply-adds, which runs in its blocked (NCHWc) layout.
     */
    static final LayerPlan PLAN = LayerPlan.GATHER_DENSE3;

    private final String modelDir;
    private final ModelSpec spec;
    private final int threads;

    private OrtPredictorFactory(String modelDir, ModelSpec spec, int threads) {
        this.modelDir = modelDir;
        this.spec = spec;
        this.threads = threads;
    }

    /**
     * Validates the model directory (one-line {@code ModelDirectoryException} if missing or damaged) and
     * describes it; starts no engine.
     *
     * @param device {@code cpu} or {@code auto} (served on the CPU either way)
     * @param intraOpThreads ONNX Runtime intra-op threads of each subtask's session, 0 = one per core
     * @throws IllegalArgumentException for {@code --device gpu} or {@code gpu:N}: the bundled ONNX Runtime
     *     has only the CPU execution provider
     */
    public static OrtPredictorFactory of(Path dir, DeviceSpec device, int intraOpThreads) {
        requireCpu(device);
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0 (0 = one per core), not " + intraOpThreads);
        }
        ModelSpec spec = DjlPredictorFactory.of(dir, DeviceSpec.CPU, intraOpThreads).spec();
        return new OrtPredictorFactory(dir.toAbsolutePath().toString(), spec, intraOpThreads);
    }

    /**
     * @throws IllegalArgumentException for {@code --device gpu} or {@code gpu:N}, naming what to use instead
     */
    public static void requireCpu(DeviceSpec device) {
        if (device.kind() == DeviceSpec.Kind.GPU) {
            throw new IllegalArgumentException("--engine onnxruntime runs on the CPU only: use --device cpu, "
                    + "or --engine pytorch for --device " + device);
        }
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Exports the model directory's condensed network to ONNX (in memory) and opens an ONNX Runtime session
     * on it. A missing or damaged directory fails the job without restarts, as for the PyTorch engine.
     */
    @Override
    public BatchPredictor open(RuntimeContext context, int maxBatch) throws Exception {
        long t0 = System.nanoTime();
        byte[] onnx;
        try {
            onnx = export(ModelDirectory.open(Path.of(modelDir)));
            LoadedModels.countUnsharedLoad();
        } catch (ModelDirectoryException e) {
            throw new SuppressRestartsException(e);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = sessionOptions(threads)) {
            session = env.createSession(onnx, options);
        }
        try {
            OrtBatchPredictor p = new OrtBatchPredictor(env, session, spec, maxBatch);
            p.warmUp();
            LOG.info("{}: exported to ONNX ({} bytes) and opened in ONNX Runtime with {} intra-op thread(s) in {} ms",
                    spec.name, onnx.length, threads, (System.nanoTime() - t0) / 1_000_000);
            return p;
        } catch (Exception | Error e) {
            session.close();
            throw e;
        }
    }

    /**
     * The directory's condensed network as an ONNX model. The parameters are read with DJL's PyTorch engine
     * on the CPU (the directory's format) and released before serving starts.
     */
    private byte[] export(ModelDirectory md) throws IOException {
        if (md.inChannels() != spec.channels || md.imageSize() != spec.height
                || md.classNames().size() != spec.numClasses()) {
            throw new ModelDirectoryException("model directory " + modelDir
                    + " changed since the job was submitted: resubmit the job");
        }
        TorchRuntime.init(threads);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try (Model m = md.loadReference(Device.cpu())) {
            OnnxExporter.forConfig(md.config()).optPlan(PLAN).optMetadata("name", md.name())
                    .write(m.getBlock(), out);
        }
        return out.toByteArray();
    }

    /**
     * One session per subtask with its own intra-op pool ({@code threads}; ONNX Runtime's default, one per
     * physical core, for 0), no inter-op parallelism (the graph is a chain) and every graph optimisation
     * (BatchNorm folded into the convolutions, Conv+ReLU fused), per ONNX Runtime's "Tune performance" docs.
     */
    static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }
}
