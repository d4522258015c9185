package dev.condensenet.pipeline.inference;

import dev.condensenet.model.error.UserError;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.model.store.ModelRoot;
import dev.condensenet.pipeline.frames.FrameConversion;
import dev.condensenet.pipeline.frames.FrameLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BatchPredictor} that follows a versioned model root (the TensorFlow Serving convention,
 * {@link ModelRoot}) and swaps to a new version between two batches.
 *
 * <p>A watcher thread (one per subtask, off the task thread) looks at the root every poll interval. A
 * version better than the one served (the highest present, or the pinned one; a lower one once the served
 * version's directory was removed: rollback) is loaded and checked there: {@code config.json} parses, the
 * input (channels, size) and the class names are the job's (either may differ with {@code allowLabelChange}),
 * the parameters load, and a warm-up batch gives finite logits. A version that fails is refused with one log
 * line and the {@code refusedModelVersions} metric, and tried again only once its files change; the served
 * version keeps serving.
 *
 * <p>The job's decoder keeps the input the job was wired for (shape and normalisation of
 * {@link PredictorFactory#spec()}) for its whole life, and every batch reaches this predictor in that input. A
 * version with another normalisation or input shape gets each batch mapped to its own input here
 * ({@link FrameConversion}: the decoder's resampling and channel rules, applied to the decoded frame). This is
 * the simplest design in which a swap has no boundary to get wrong: no frame decoded before the swap can
 * arrive in a shape the serving model does not expect, so none is lost, duplicated, held back or inferred at
 * the wrong size, and decode and inference need no coordination (they may even run in different tasks). Its
 * price: a larger new input is upsampled from the job's decoded frame; restarting the job from a savepoint
 * wires the decoder for the new version's input (docs/guarantees.md, "Model updates").
 *
 * <p>The checked model is handed over through one reference; the caller adopts it in {@link #serving()}
 * between two batches (and sizes its logits for it), so every batch runs on one version, nothing is buffered
 * or dropped by a swap, and the check per batch is one volatile read.
 */
public final class HotSwapPredictor implements BatchPredictor {
    private static final Logger LOG = LoggerFactory.getLogger(HotSwapPredictor.class);

    /** Loads and warms up the model directory of one version (the DJL predictor in a task). */
    @FunctionalInterface
    public interface VersionLoader {
        BatchPredictor load(Path versionDir) throws Exception;
    }

    /**
     * A loaded, checked version and its input and labels ({@code spec}). {@code conversion} (null when the
     * version's input is the job's) maps the job's decoded frames to this version's input, into
     * {@code converted} ({@code maxBatch} frames of the version's input, allocated once when the version is
     * loaded, off the task thread): retraining recomputes mean and std, and may change the input size.
     */
    private record Loaded(long version, BatchPredictor predictor, ModelSpec spec, FrameConversion conversion,
                          float[] converted) {
        void close() {
            try {
                predictor.close();
            } catch (Exception e) {
                LOG.warn("closing model version {}: {}", version, e.toString());
            }
        }
    }

    private final ModelRoot root;
    private final ModelSpec job;
    private final ModelSwapSettings settings;
    private final VersionLoader loader;
    private final int maxBatch;
    private final String who;
    private final Counter swaps;
    private final Counter refusedVersions;
    /** Version → fingerprint of its files when refused: tried again only when they change. */
    private final Map<Long, Long> refused = new HashMap<>();
    private final AtomicReference<Loaded> pending = new AtomicReference<>();
    private volatile Loaded current;
    /** The watcher's view: the version served or handed over, the one a better version must beat. */
    private long wanted;
    private ScheduledExecutorService watcher;

    /**
     * @param job      the model the job was wired for: input shape, normalisation and class names
     * @param metrics  the operator's metric group ({@code condensenet.modelVersion}, {@code modelSwaps},
     *                 {@code refusedModelVersions})
     * @param who      names the subtask in log lines
     */
    public HotSwapPredictor(ModelRoot root, ModelSpec job, ModelSwapSettings settings, VersionLoader loader,
                            int maxBatch, MetricGroup metrics, String who) {
        this.root = root;
        this.job = job;
        this.settings = settings;
        this.loader = loader;
        this.maxBatch = maxBatch;
        this.who = who;
        MetricGroup g = metrics.addGroup("condensenet");
        this.swaps = g.counter("modelSwaps");
        this.refusedVersions = g.counter("refusedModelVersions");
        g.gauge("modelVersion", () -> {
            Loaded c = current;
            return c == null ? 0L : c.version;
        });
    }

    /**
     * Loads the version to serve first, on the calling thread: the pinned one, else the highest that passes
     * the checks (refused ones are logged and counted).
     *
     * @throws ModelDirectoryException if no version passes (the message names each refusal)
     */
    public void loadFirst() {
        List<String> reasons = new ArrayList<>();
        for (long v : candidates()) {
            Loaded l = tryLoad(v, reasons);
            if (l != null) {
                current = l;
                wanted = v;
                LOG.info("{}: serving model version {} of {}", who, v, root.path());
                return;
            }
        }
        throw new ModelDirectoryException("model root " + root.path() + ": no version can be served"
                + (reasons.isEmpty() ? (settings.pinnedVersion() > 0 ? " (version " + settings.pinnedVersion()
                + " is missing)" : " (it has none)") : ": " + String.join("; ", reasons)));
    }

    /** Starts the watcher thread (a daemon), polling every {@link ModelSwapSettings#pollIntervalMs()}. */
    public void startWatching() {
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-root-watcher (" + who + ")");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::pollSafely, settings.pollIntervalMs(), settings.pollIntervalMs(),
                TimeUnit.MILLISECONDS);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (Throwable t) { // the watcher must survive anything: the served version is unaffected
            LOG.warn("{}: looking at model root {} failed: {}", who, root.path(), UserError.oneLine(t));
        }
    }

    /**
     * One look at the root (the watcher calls this; tests call it directly): loads and hands over a better
     * version if there is one.
     */
    synchronized void poll() {
        for (long v : candidates()) {
            if (v == wanted) {
                return; // nothing better than what is served
            }
            Loaded l = tryLoad(v, null);
            if (l != null) {
                Loaded stale = pending.getAndSet(l);
                if (stale != null) {
                    stale.close();
                }
                wanted = v;
                LOG.info("{}: model version {} loaded and checked; it serves from the next batch", who, v);
                return;
            }
        }
    }

    /** The versions to try, best first: the pinned one if present, else all present, highest first. */
    private List<Long> candidates() {
        List<Long> vs = new ArrayList<>(root.versions());
        long pin = settings.pinnedVersion();
        if (pin > 0) {
            return vs.contains(pin) ? List.of(pin) : List.of();
        }
        vs.sort((a, b) -> Long.compare(b, a));
        return vs;
    }

    /** Loads and checks one version, or refuses it (log line, metric, remembered until its files change). */
    private Loaded tryLoad(long v, List<String> reasons) {
        long fingerprint = root.fingerprint(v);
        Long before = refused.get(v);
        if (before != null && before == fingerprint) {
            return null;
        }
        Path dir = root.versionDir(v);
        BatchPredictor p = null;
        try {
            ModelDirectory md = ModelDirectory.open(dir);
            ModelSpec spec = check(md);
            p = loader.load(dir);
            warmUpIsFinite(p, spec);
            refused.remove(v);
            var from = job.decoderSettings(FrameLimits.DEFAULT);
            var to = spec.decoderSettings(FrameLimits.DEFAULT);
            FrameConversion conversion = FrameConversion.needed(from, to) ? new FrameConversion(from, to) : null;
            return new Loaded(v, p, spec, conversion,
                    conversion == null ? null : new float[maxBatch * spec.frameSize()]);
        } catch (Exception | LinkageError e) {
            if (p != null) {
                try {
                    p.close();
                } catch (Exception ignored) {
                    // refusing anyway
                }
            }
            Throwable cause = e instanceof SuppressRestartsException && e.getCause() != null ? e.getCause() : e;
            String reason = "version " + v + " refused: " + UserError.oneLine(cause);
            refused.put(v, fingerprint);
            refusedVersions.inc();
            Loaded c = current;
            LOG.warn("{}: model root {}: {}{}", who, root.path(), reason,
                    c == null ? "" : "; version " + c.version + " keeps serving");
            if (reasons != null) {
                reasons.add(reason);
            }
            return null;
        }
    }

    /**
     * The version's input and labels if the job may serve it: the job's, or any other with
     * {@code allowLabelChange} (downstream consumers depend on the label set), else the reason.
     */
    private ModelSpec check(ModelDirectory md) {
        String flag = ": downstream consumers depend on the job's input and labels; pass --allow-label-change "
                + "to accept";
        if (!settings.allowLabelChange()) {
            if (md.inChannels() != job.channels || md.imageSize() != job.height || md.imageSize() != job.width) {
                throw new ModelDirectoryException("input " + md.inChannels() + "x" + md.imageSize() + "x"
                        + md.imageSize() + ", the job serves " + job.channels + "x" + job.height + "x"
                        + job.width + flag);
            }
            if (md.classNames().size() != job.numClasses()) {
                throw new ModelDirectoryException(md.classNames().size() + " classes, the job serves "
                        + job.numClasses() + flag);
            }
            if (!Arrays.equals(md.classNames().toArray(new String[0]), job.classNames)) {
                throw new ModelDirectoryException("class names " + md.classNames() + " differ from the job's "
                        + Arrays.toString(job.classNames) + flag);
            }
        }
        if (md.inChannels() != 1 && md.inChannels() != 3) {
            throw new ModelDirectoryException("input with " + md.inChannels() + " channels: frames are gray (1) "
                    + "or RGB (3)");
        }
        ModelSpec spec = new ModelSpec(md.name(), md.classNames(), md.inChannels(), md.imageSize(), md.imageSize(),
                md.mean(), md.std());
        // The job's own spec where nothing the caller sizes or prints differs, so callers see no change.
        return sameContract(spec, job) ? job : spec;
    }

    private static boolean sameContract(ModelSpec a, ModelSpec b) {
        return a.name.equals(b.name) && Arrays.equals(a.classNames, b.classNames) && a.channels == b.channels
                && a.height == b.height && a.width == b.width && Arrays.equals(a.mean, b.mean)
                && Arrays.equals(a.std, b.std);
    }

    /** One batch of zeros: a model with NaN or infinite parameters is refused here, not on live frames. */
    private void warmUpIsFinite(BatchPredictor p, ModelSpec spec) throws Exception {
        float[] logits = new float[maxBatch * spec.numClasses()];
        p.predict(new float[maxBatch * spec.frameSize()], maxBatch, logits);
        for (float x : logits) {
            if (!Float.isFinite(x)) {
                throw new ModelDirectoryException("the warm-up batch gave non-finite logits (damaged parameters)");
            }
        }
    }

    /**
     * Runs the batch on the version adopted by the last {@link #serving()} call, mapped to its input first if
     * that differs from the job's. Never swaps: the caller's logits are sized for that version.
     */
    @Override
    public void predict(float[] batch, int n, float[] logits) throws Exception {
        Loaded c = current;
        if (c.conversion != null) {
            c.conversion.convert(batch, n, c.converted);
            c.predictor.predict(c.converted, n, logits);
        } else {
            c.predictor.predict(batch, n, logits);
        }
    }

    /**
     * Adopts a loaded and checked version if one waits (closing the one served so far), on the caller's thread
     * between two batches, and returns the spec of the version the next {@link #predict} runs: the job's spec
     * object while the input and labels are the job's, another one after a swap that changed them.
     */
    @Override
    public ModelSpec serving() {
        if (pending.get() != null) {
            swap();
        }
        return current.spec;
    }

    /** Between two batches, on the task thread: the new version serves, the old one is closed. */
    private void swap() {
        Loaded next = pending.getAndSet(null);
        if (next == null) {
            return;
        }
        long t0 = System.nanoTime();
        Loaded old = current;
        current = next;
        old.close();
        swaps.inc();
        LOG.info("{}: swapped model version {} -> {} between two batches ({} µs)", who, old.version,
                next.version, (System.nanoTime() - t0) / 1000);
    }

    @Override
    public long modelVersion() {
        return current.version;
    }


    /** Swaps so far (for tests). */
    long swaps() {
        return swaps.getCount();
    }

    /** Versions refused so far (for tests). */
    long refusedCount() {
        return refusedVersions.getCount();
    }

    @Override
    public void close() throws Exception {
        if (watcher != null) {
            watcher.shutdownNow();
            // a load in progress finishes (model loading is not interruptible); its result is closed below
            watcher.awaitTermination(60, TimeUnit.SECONDS);
        }
        synchronized (this) {
            Loaded p = pending.getAndSet(null);
            if (p != null) {
                p.close();
            }
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
