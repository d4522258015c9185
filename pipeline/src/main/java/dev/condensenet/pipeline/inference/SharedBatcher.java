package dev.condensenet.pipeline.inference;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.InstantiationUtil;

/**
 * One model per TaskManager JVM and device, shared by every subtask that runs the same model there
 * ({@code --batching shared}). Subtasks hand their micro-batches to it ({@link Handle#predict}, which blocks
 * the subtask until its logits are back, so the operator's flush-before-barrier still leaves nothing in flight
 * at a checkpoint); one device thread runs the queued batches as one merged batch of up to {@code maxBatch}
 * frames once that many are queued or the oldest has waited {@code maxDelayMs}, and hands each subtask its
 * rows. While the device is busy, the next batches
 * queue up and are merged: on a GPU, whose forward costs about the same for 1 or 128 images (BENCHMARKS.md
 * "GPU"), N subtasks then cost one forward instead of N.
 *
 * <p>Reference-counted: the first subtask loads the model, the last one to close stops the thread and closes
 * the model, so a job restart in the same TaskManager starts afresh and leaks neither thread nor native
 * memory. Batchers still open when the job's user-code class loader is released are closed by the release
 * hook that {@link #acquire} registers (a cancelled task may not reach {@code close()}).
 *
 * <p>A failed merged batch fails every subtask whose frames were in it, as a failed per-subtask batch does.
 *
 * <p>A hot-swapping model ({@link HotSwapPredictor}) adopts a new version on the device thread between two
 * merged batches ({@link BatchPredictor#serving()}); when it has another class count, the merged logits buffer
 * is reallocated then, once per swap, and a subtask whose logits buffer is too small for it gets a new one
 * ({@link Handle#lastLogits()}). The frames stay in the job's input: the model maps them to its own.
 */
public final class SharedBatcher {
    /** Batchers alive in this class loader, keyed by the serialized factory and the batch size. */
    private static final Map<Key, SharedBatcher> LIVE = new HashMap<>();
    private static final int WINDOW = 2048;

    private record Key(ByteBuffer factory, int maxBatch, long maxDelayMs) {}

    private final Key key;
    private final BatchPredictor model;
    private final int frameSize;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final float[] batch;
    /** Device thread only: classes of the model serving now, and the merged logits sized for them. */
    private int classes;
    private float[] logits;
    private ModelSpec serving;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final Thread device;
    private final long startNanos = System.nanoTime();
    private int refs;
    /** {@link #refs} for readers outside the lock: the subtasks that hold this batcher now. */
    private volatile int holders;
    private boolean closing;
    private volatile int queuedFrames;
    private volatile long busyNanos;
    private volatile int largestMerged;
    private final java.util.concurrent.atomic.AtomicInteger largestRequest = new java.util.concurrent.atomic.AtomicInteger();
    /** Frames per merged batch; shared by the metric groups of all subtasks using this batcher. */
    final DescriptiveStatisticsHistogram mergedBatchSize = new DescriptiveStatisticsHistogram(WINDOW);

    private SharedBatcher(Key key, BatchPredictor model, ModelSpec spec, int maxBatch, long maxDelayMs) {
        this.key = key;
        this.model = model;
        this.frameSize = spec.frameSize();
        this.classes = spec.numClasses();
        this.maxBatch = maxBatch;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMs);
        this.batch = new float[maxBatch * frameSize];
        this.logits = new float[maxBatch * classes];
        this.device = new Thread(this::run, "condensenet-shared-batcher-" + spec.name);
        device.setDaemon(true);
        device.start();
    }

    /**
     * A handle on the batcher for {@code factory}'s model in this JVM, loading the model if no subtask holds
     * one. Close the handle when the subtask closes.
     *
     * @throws Exception whatever {@link PredictorFactory#open} throws
     */
    public static Handle acquire(PredictorFactory factory, RuntimeContext context, BatchingSettings batching)
            throws Exception {
        int maxBatch = batching.maxBatch();
        Key key = new Key(ByteBuffer.wrap(InstantiationUtil.serializeObject(factory)), maxBatch, batching.maxDelayMs());
        context.registerUserCodeClassLoaderReleaseHookIfAbsent(SharedBatcher.class.getName(), SharedBatcher::closeAll);
        SharedBatcher b;
        synchronized (LIVE) { // later subtasks wait here while the first loads the model
            b = LIVE.get(key);
            if (b == null) {
                b = new SharedBatcher(key, factory.open(context, maxBatch), factory.spec(), maxBatch,
                        batching.maxDelayMs());
                LIVE.put(key, b);
            }
            b.holders = ++b.refs;
        }
        return b.new Handle();
    }

    /** Batchers alive in this class loader (for tests and diagnostics). */
    static int live() {
        synchronized (LIVE) {
            return LIVE.size();
        }
    }

    private static void closeAll() {
        List<SharedBatcher> all;
        synchronized (LIVE) {
            all = new ArrayList<>(LIVE.values());
            LIVE.clear();
        }
        all.forEach(SharedBatcher::shutDown);
    }

    private static void release(SharedBatcher b) {
        boolean last;
        synchronized (LIVE) {
            b.holders = --b.refs;
            last = b.refs == 0 && LIVE.remove(b.key, b);
        }
        if (last) {
            b.shutDown();
        }
    }

    private void shutDown() {
        lock.lock();
        try {
            closing = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            device.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            model.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the shared model failed", e);
        }
    }

    /** The device thread: merge what is queued, run it, hand back the rows, repeat. */
    private void run() {
        List<Request> merged = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                // The operator's size-or-delay rule, for the merged batch: run once maxBatch frames are
                // queued or the oldest queued batch has waited maxDelayMs.
                long deadline = queue.peek().queuedAt + maxDelayNanos;
                long left;
                while (queuedFrames < maxBatch && !closing && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        queued.awaitNanos(left);
                    } catch (InterruptedException e) {
                        break; // nothing interrupts this thread on purpose: run what is queued
                    }
                }
                int n = 0;
                while (!queue.isEmpty() && n + queue.peek().n <= maxBatch) {
                    Request r = queue.poll();
                    merged.add(r);
                    n += r.n;
                }
                queuedFrames -= n;
            } finally {
                lock.unlock();
            }
            runMerged(merged);
            merged.clear();
        }
    }

    private void runMerged(List<Request> merged) {
        int n = 0;
        for (Request r : merged) {
            System.arraycopy(r.pixels, 0, batch, n * frameSize, r.n * frameSize);
            n += r.n;
        }
        long t0 = System.nanoTime();
        Throwable error = null;
        try {
            follow(model.serving());
            model.predict(batch, n, logits);
        } catch (Throwable t) {
            error = t;
        }
        busyNanos += System.nanoTime() - t0;
        // A hot-swapping model changes version only at the start of a predict call, so the whole merged
        // batch ran on this one version: every subtask in it stamps its predictions with it.
        long version = model.modelVersion();
        ModelSpec spec = serving;
        mergedBatchSize.update(n);
        largestMerged = Math.max(largestMerged, n);
        int row = 0;
        for (Request r : merged) {
            if (error == null) {
                if (r.logits.length < r.n * classes) { // a swap to more classes: once per swap and subtask
                    r.logits = new float[maxBatch * classes];
                }
                System.arraycopy(logits, row * classes, r.logits, 0, r.n * classes);
            }
            row += r.n;
            r.mergedN = n;
            r.modelVersion = version;
            r.spec = spec;
            r.complete(error);
        }
    }

    /** On the device thread, between two merged batches: buffers follow a swap that changed the classes. */
    private void follow(ModelSpec spec) {
        if (spec == null || spec == serving) {
            return;
        }
        serving = spec;
        if (spec.numClasses() != classes) {
            classes = spec.numClasses();
            logits = new float[maxBatch * classes];
        }
    }

    /** Share of the time since this batcher started that the device spent running batches, 0..1. */
    double busyFraction() {
        long elapsed = System.nanoTime() - startNanos;
        return elapsed <= 0 ? 0 : Math.min(1.0, (double) busyNanos / elapsed);
    }

    /** Frames handed in and not yet taken into a merged batch. */
    int queueDepth() {
        return queuedFrames;
    }

    /** Largest merged batch so far, in frames. */
    int largestMerged() {
        return largestMerged;
    }

    /** Largest batch a single subtask handed in so far, in frames. */
    int largestRequest() {
        return largestRequest.get();
    }

    /** One subtask's batch waiting for its logits; reused for every batch of that subtask. */
    private static final class Request {
        float[] pixels;
        float[] logits;
        int n;
        int mergedN;
        long modelVersion;
        ModelSpec spec;
        long queuedAt;
        boolean done;
        Throwable error;

        synchronized void complete(Throwable t) {
            error = t;
            done = true;
            notifyAll();
        }

        synchronized void await() throws InterruptedException {
            while (!done) {
                wait();
            }
        }
    }

    /** One subtask's use of the batcher: a {@link BatchPredictor} whose {@code predict} runs in a merged batch. */
    public final class Handle implements BatchPredictor {
        private final Request request = new Request();
        private boolean closed;

        /**
         * Frames this subtask hands over per request: {@code maxBatch} divided among the subtasks that hold the
         * batcher now (at least 1), so that one request from each fills a merged batch.
         */
        public int share() {
            return Math.max(1, maxBatch / Math.max(1, holders));
        }

        /** The batcher behind this handle (metrics). */
        public SharedBatcher batcher() {
            return SharedBatcher.this;
        }

        /**
         * Queues frames {@code 0..n-1} for the next merged batch and waits for their logits.
         *
         * @throws Exception the model's failure, for every subtask in the failed merged batch
         */
        @Override
        public void predict(float[] pixels, int n, float[] out) throws Exception {
            if (n > maxBatch) {
                throw new IllegalArgumentException(n + " frames exceed the shared batch size " + maxBatch);
            }
            Request r = request;
            synchronized (r) {
                r.pixels = pixels;
                r.logits = out;
                r.n = n;
                r.done = false;
                r.error = null;
            }
            largestRequest.accumulateAndGet(n, Math::max);
            lock.lock();
            try {
                if (closing) {
                    throw new IllegalStateException("the shared batcher is closed");
                }
                r.queuedAt = System.nanoTime();
                queue.add(r);
                queuedFrames += n;
                queued.signal();
            } finally {
                lock.unlock();
            }
            r.await();
            if (r.error != null) {
                throw r.error instanceof Exception e ? e : new RuntimeException(r.error);
            }
        }

        /** Frames in the merged batch that carried the last {@link #predict} call's frames. */
        public int lastMergedSize() {
            synchronized (request) {
                return request.mergedN;
            }
        }

        /** The model version that ran the merged batch of the last {@link #predict} call (hot swap). */
        @Override
        public long modelVersion() {
            synchronized (request) {
                return request.modelVersion;
            }
        }

        /**
         * The spec of the model that ran the merged batch of the last {@link #predict} call (null: the
         * factory's), not of the next one: the batcher swaps versions on its own thread. After a swap to more
         * classes the last call's logits are in {@link #lastLogits()}, not in the array it was given.
         */
        @Override
        public ModelSpec serving() {
            synchronized (request) {
                return request.spec;
            }
        }

        /** The array holding the last {@link #predict} call's logits: the one it was given, or a larger one. */
        public float[] lastLogits() {
            synchronized (request) {
                return request.logits;
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(SharedBatcher.this);
            }
        }
    }
}
