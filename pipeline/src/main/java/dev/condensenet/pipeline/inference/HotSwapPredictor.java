package dev.condensenet.pipeline.inference;

import dev.condensenet.model.error.UserError;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.model.store.ModelRoot;
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
 * input (channels, size) is the one the job's decoder produces (another normalisation is
 * mapped per batch, see {@link #renormalisation}), the class names match
 * (or only the count, with {@code allowLabelChange}), the parameters load, and a warm-up batch gives
 * finite logits. A version that fails is refused with one log line and the {@code refusedModelVersions}
 * metric, and tried again only once its files change; the served version keeps serving.
 *
 * <p>The checked model is handed over through one reference; the task thread picks it up at the start of
 * the next {@link #predict} call, so every batch runs on one version, nothing is buffered or dropped by
 * a swap, and the check per batch is one volatile read.
 */
public final class HotSwapPredictor implements BatchPredictor {
    private static final Logger LOG = LoggerFactory.getLogger(HotSwapPredictor.class);

    /** Loads and warms up the model directory of one version (the DJL predictor in a task). */
    @FunctionalInterface
    public interface VersionLoader {
        BatchPredictor load(Path versionDir) throws Exception;
    }

    /**
     * A loaded, checked version. {@code scale}/{@code shift} (per channel, null when the normalisation is the
     * job's) map the job's normalised pixels to this version's: retraining recomputes mean and std.
     */
    private record Loaded(long version, BatchPredictor predictor, String[] classNames, float[] scale,
                          float[] shift) {
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
            String[] names = check(md);
            float[][] affine = renormalisation(md.mean(), md.std());
            p = loader.load(dir);
            warmUpIsFinite(p);
            refused.remove(v);
            return new Loaded(v, p, names, affine == null ? null : affine[0], affine == null ? null : affine[1]);
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

    /** The version's class names if it fits the job's input and labels, else the reason. */
    private String[] check(ModelDirectory md) {
        if (md.inChannels() != job.channels || md.imageSize() != job.height || md.imageSize() != job.width) {
            throw new ModelDirectoryException("input " + md.inChannels() + "x" + md.imageSize() + "x"
                    + md.imageSize() + ", the job decodes frames to " + job.channels + "x" + job.height + "x"
                    + job.width + ": a new input shape needs a new job");
        }
        String[] names = md.classNames().toArray(new String[0]);
        if (names.length != job.numClasses()) {
            throw new ModelDirectoryException(names.length + " classes, the job serves " + job.numClasses()
                    + ": a different class count needs a new job");
        }
        if (!settings.allowLabelChange() && !Arrays.equals(names, job.classNames)) {
            throw new ModelDirectoryException("class names " + md.classNames() + " differ from the job's "
                    + Arrays.toString(job.classNames) + ": downstream consumers depend on them; pass "
                    + "--allow-label-change to accept");
        }
        return names;
    }

    /**
     * The decoder normalises with the job's mean and std (x = (raw − m) / s); a version trained with other
     * statistics needs (raw − m') / s' = x · s / s' + (m − m') / s'. Null when they are the same.
     */
    private float[][] renormalisation(float[] mean, float[] std) {
        if (Arrays.equals(mean, job.mean) && Arrays.equals(std, job.std)) {
            return null;
        }
        float[] scale = new float[job.channels];
        float[] shift = new float[job.channels];
        for (int c = 0; c < job.channels; c++) {
            scale[c] = job.std[c] / std[c];
            shift[c] = (job.mean[c] - mean[c]) / std[c];
        }
        return new float[][] {scale, shift};
    }

    /** One batch of zeros: a model with NaN or infinite parameters is refused here, not on live frames. */
    private void warmUpIsFinite(BatchPredictor p) throws Exception {
        float[] logits = new float[maxBatch * job.numClasses()];
        p.predict(new float[maxBatch * job.frameSize()], maxBatch, logits);
        for (float x : logits) {
            if (!Float.isFinite(x)) {
                throw new ModelDirectoryException("the warm-up batch gave non-finite logits (damaged parameters)");
            }
        }
    }

    @Override
    public void predict(float[] batch, int n, float[] logits) throws Exception {
        if (pending.get() != null) {
            swap();
        }
        Loaded c = current;
        if (c.scale != null) {
            renormalise(batch, n, c.scale, c.shift);
        }
        c.predictor.predict(batch, n, logits);
    }

    /** In place, frames 0..n−1 (the operator refills its batch buffer for every batch). */
    private void renormalise(float[] batch, int n, float[] scale, float[] shift) {
        int plane = job.height * job.width;
        for (int i = 0, k = 0; i < n; i++) {
            for (int ch = 0; ch < job.channels; ch++) {
                float a = scale[ch];
                float b = shift[ch];
                for (int end = k + plane; k < end; k++) {
                    batch[k] = batch[k] * a + b;
                }
            }
        }
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

    @Override
    public String[] classNames() {
        return current.classNames;
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
