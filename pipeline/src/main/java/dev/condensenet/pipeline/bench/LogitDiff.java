package dev.condensenet.pipeline.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.inference.ModelSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far the served model's logits on a device are from its logits on the CPU, for the same frames decoded by
 * the job's decoder. Both sides run the compiled model with one fixed layer plan ({@link #PLAN}; the automatic
 * choice times the plans, so two loads could pick different, equally exact, arithmetic), so the difference is
 * the devices' float32 arithmetic alone. On a GPU it measures twice with the same loaded model: with libtorch's default TF32 flags (cuDNN runs float32 convolutions in TF32 on
 * Ampere and later) and with TF32 off ({@code --exact-fp32}, {@link TorchRuntime#setTf32}), and restores the
 * flags it found.
 */
public final class LogitDiff {
    /** The plan both sides run: the one the automatic choice picked for every layer on an H200 (BENCHMARKS.md). */
    public static final LayerPlan PLAN = LayerPlan.DENSE1_DENSE3;

    /**
     * @param model model name
     * @param device the compared device ({@code cpu} compares the CPU with itself)
     * @param frames frames compared
     * @param maxAbsDefault max |logit(device) - logit(CPU)| over all frames and classes, TF32 as libtorch's
     *     defaults leave it
     * @param maxAbsExactFp32 the same with TF32 off
     * @param top1AgreeDefault frames whose top-1 class is the CPU's, default flags
     * @param top1AgreeExactFp32 the same with TF32 off
     * @param tf32Default libtorch's TF32 flags in the first measurement
     */
    public record Result(String model, String device, int frames, double maxAbsDefault, double maxAbsExactFp32,
                         int top1AgreeDefault, int top1AgreeExactFp32, TorchRuntime.Tf32 tf32Default) {

        /** The result as a JSON-friendly map (field name to value). */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model);
            m.put("device", device);
            m.put("frames", frames);
            m.put("maxAbsDiffDefault", maxAbsDefault);
            m.put("maxAbsDiffExactFp32", maxAbsExactFp32);
            m.put("top1AgreeDefault", top1AgreeDefault);
            m.put("top1AgreeExactFp32", top1AgreeExactFp32);
            m.put("tf32CudnnDefault", tf32Default.cudnn());
            m.put("tf32CublasDefault", tf32Default.cublas());
            return m;
        }
    }

    private LogitDiff() {
    }

    /**
     * Runs the comparison.
     *
     * @param model a model directory
     * @param images sample images, decoded by the job's decoder
     * @param device where to compare against the CPU; its {@code exactFp32} is ignored (both are measured)
     * @param frames how many sample frames (cycled through the samples when more)
     * @param batch frames per forward, 1..4096
     */
    public static Result run(Path model, Path images, DeviceSpec device, int threads, int frames, int batch)
            throws Exception {
        ModelDirectory dir = ModelDirectory.open(model);
        DjlPredictorFactory described = DjlPredictorFactory.of(model, DeviceSpec.CPU, threads);
        ModelSpec spec = described.spec();
        SampleFrames samples = SampleFrames.load(images, spec.decoderSettings(FrameLimits.DEFAULT));
        float[] input = new float[frames * spec.frameSize()];
        for (int i = 0; i < frames; i++) {
            System.arraycopy(samples.decoded(i), 0, input, i * spec.frameSize(), spec.frameSize());
        }
        TorchRuntime.init(threads);
        float[] reference;
        try (Model m = dir.loadModel(Device.cpu(), PLAN, 1)) {
            reference = logits(m, spec, input, frames, batch);
        }
        Device d = device.withExactFp32(false).resolve(); // on a GPU: libtorch's default TF32 flags
        TorchRuntime.Tf32 found = TorchRuntime.tf32();
        float[] byDefault;
        float[] exact;
        try (Model m = dir.loadModel(d, PLAN, 1)) {
            byDefault = logits(m, spec, input, frames, batch);
            try {
                TorchRuntime.setTf32(TorchRuntime.Tf32.OFF);
                exact = logits(m, spec, input, frames, batch);
            } finally {
                TorchRuntime.setTf32(found);
            }
        }
        String name = d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
        return new Result(spec.name, name, frames, maxAbsDiff(reference, byDefault), maxAbsDiff(reference, exact),
                top1Agreement(reference, byDefault, spec.numClasses()), top1Agreement(reference, exact,
                spec.numClasses()), found);
    }

    private static float[] logits(Model model, ModelSpec spec, float[] input, int frames, int batch) {
        int frameSize = spec.frameSize();
        int classes = spec.numClasses();
        float[] out = new float[frames * classes];
        try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
            for (int start = 0; start < frames; start += batch) {
                int n = Math.min(batch, frames - start);
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    NDArray x = manager.create(Arrays.copyOfRange(input, start * frameSize, (start + n) * frameSize),
                            new Shape(n, spec.channels, spec.height, spec.width));
                    float[] y = predictor.predict(new NDList(x)).singletonOrThrow().toFloatArray();
                    System.arraycopy(y, 0, out, start * classes, n * classes);
                }
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("forward of " + spec.name + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * max |a[i] - b[i]|; NaN when either holds a NaN at some i (a NaN logit is never "close").
     *
     * @throws IllegalArgumentException when the lengths differ
     */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - (double) b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    /** Frames (rows of {@code classes} logits) whose arg-max is the same in both; ties go to the lower class. */
    public static int top1Agreement(float[] a, float[] b, int classes) {
        if (a.length != b.length || classes < 1 || a.length % classes != 0) {
            throw new IllegalArgumentException("not two equal sets of rows of " + classes + " logits");
        }
        int agree = 0;
        for (int row = 0; row < a.length; row += classes) {
            if (argMax(a, row, classes) == argMax(b, row, classes)) {
                agree++;
            }
        }
        return agree;
    }

    private static int argMax(float[] x, int from, int n) {
        int best = 0;
        for (int c = 1; c < n; c++) {
            if (x[from + c] > x[from + best]) {
                best = c;
            }
        }
        return best;
    }
}
