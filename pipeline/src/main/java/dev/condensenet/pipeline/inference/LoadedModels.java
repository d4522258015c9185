package dev.condensenet.pipeline.inference;

import ai.djl.Model;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loaded model per model directory, device and layer-plan batch in this JVM, shared by every subtask
 * (and by the CLI's own check before a local job starts) that asks for the same key, and closed when the
 * last holder lets go. A TaskManager with several slots thus holds the parameters once, and the CLI's local
 * Flink (demo, run, bench) loads the model exactly once instead of once for the check plus once per subtask.
 *
 * <p>Sharing is safe because the loaded network is read-only at inference: the compiled network keeps only
 * immutable weights and creates every intermediate in the caller's batch manager (docs/design.md §7), and
 * DJL documents {@code Model} as thread-safe and {@code Predictor} as not — each holder makes its own
 * predictor. A different key (another version directory after a hot swap, another device) loads anew.
 *
 * <p>Entries live only while held: after a job's subtasks close, nothing of the job stays reachable from
 * here, so a job restart in the same TaskManager reloads from disk (a changed directory is read again) and
 * the user-code class loader can be collected.
 */
public final class LoadedModels {
    /** What makes two loads interchangeable: the directory (absolute), the resolved device, the plan batch. */
    record Key(String modelDir, String device, int planBatch) {}

    /** Loads a model; runs outside the registry's lock, at most once per entry at a time. */
    interface Loader {
        Model load();
    }

    private static final Map<Key, Entry> ENTRIES = new HashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    private static final class Entry {
        final Key key;
        int holders; // guarded by ENTRIES
        Model model; // guarded by this

        Entry(Key key) {
            this.key = key;
        }
    }

    /** A hold on a shared model; {@link #close()} lets go of it (idempotent). Not thread-safe. */
    public static final class Lease implements AutoCloseable {
        private Entry entry;
        private final Model model;

        private Lease(Entry entry, Model model) {
            this.entry = entry;
            this.model = model;
        }

        Model model() {
            return model;
        }

        /** Lets go of the model; the last holder's close closes it. */
        @Override
        public void close() {
            if (entry != null) {
                release(entry);
                entry = null;
            }
        }
    }

    private LoadedModels() {
    }

    /**
     * The model for {@code key}, loaded by {@code loader} unless another holder has it loaded already.
     *
     * @throws RuntimeException whatever {@code loader} throws (nothing stays held then)
     */
    static Lease acquire(Key key, Loader loader) {
        Entry e;
        synchronized (ENTRIES) {
            e = ENTRIES.computeIfAbsent(key, Entry::new);
            e.holders++;
        }
        try {
            synchronized (e) { // concurrent first holders wait for one load instead of each loading
                if (e.model == null) {
                    e.model = loader.load();
                    LOADS.incrementAndGet();
                }
                return new Lease(e, e.model);
            }
        } catch (RuntimeException | Error t) {
            release(e);
            throw t;
        }
    }

    private static void release(Entry e) {
        synchronized (ENTRIES) {
            if (--e.holders > 0) {
                return;
            }
            ENTRIES.remove(e.key, e);
        }
        synchronized (e) {
            if (e.model != null) {
                e.model.close();
                e.model = null;
            }
        }
    }

    /** Counts a load that is not shared (an ONNX Runtime session reads the directory once per subtask). */
    static void countUnsharedLoad() {
        LOADS.incrementAndGet();
    }

    /** How many times a model was loaded from disk in this JVM (all keys): what sharing saves shows here. */
    static long loads() {
        return LOADS.get();
    }

    /** How many models are held right now. For tests. */
    static int held() {
        synchronized (ENTRIES) {
            return ENTRIES.size();
        }
    }
}
