package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.frames.BadFrames;
import dev.condensenet.pipeline.wire.Prediction;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memory stays bounded in a long-running task: thousands of frames, good and bad mixed, through the real
 * decode step and the real batching operator with the shipped DJL model, in a JVM of its own, with flushes
 * of every kind (full batches, timer, checkpoint barrier) so that batches of every size from 1 to the
 * maximum run.
 * After a warm-up, memory is measured after N and after 2N more frames: the Java heap after a full GC, the
 * process's resident set ({@code VmRSS} and its anonymous part {@code RssAnon} from /proc/self/status:
 * libtorch's allocations included), and the NDArrays alive under the model's NDManager. None may grow with
 * the number of frames: the second N frames may add little, far less than a per-frame leak would.
 */
@Timeout(150)
class LongRunMemoryTest {
    static final int MAX_BATCH = 32;
    static final int WARM_UP = 1500;
    static final int N = 4000;
    static final int SAMPLES = 3;
    static final int FRAMES_PER_SAMPLE = 100;
    /**
     * Growth allowed over the second N good frames (plus N/5 bad ones). Measured here without a leak: VmRSS
     * +0.2 to +0.6 MiB (the first N: +9 to +11 MiB), heap after GC within ±0.1 MiB. With leaks put in on
     * purpose: one model input per frame (3 KB, native, outside the model's NDManager) made it +33.5 MiB and
     * failed; a batch's arrays never freed (the NDManager trap of docs/design.md §8.1) grows by gigabytes. A Java
     * object of 500 bytes kept per frame exceeds the heap bound; an array a batch leaves in the model's
     * NDManager fails the array count at once.
     */
    static final long MAX_RSS_GROWTH = 16L << 20;
    static final long MAX_HEAP_GROWTH = 2L << 20;

    record Memory(long heapAfterGc, long rss, long rssAnon, int liveArrays) {
        @Override
        public String toString() {
            return String.format("heap %.1f MiB, VmRSS %.1f MiB, RssAnon %.1f MiB, %d NDArrays",
                    heapAfterGc / 1048576.0, rss / 1048576.0, rssAnon / 1048576.0, liveArrays);
        }
    }

    /**
     * Runs {@link #main} in a JVM of its own, with a fixed heap: the test fork also holds what earlier test
     * classes left behind, and G1 resizes its 6 GiB heap as it likes; there VmRSS rose by 65 MiB in one
     * interval while the heap after GC stayed flat, which says nothing about the task.
     */
    @Test
    void heapNativeMemoryAndNdArraysDoNotGrowWithTheNumberOfFrames() throws Exception {
        Path out = Files.createDirectories(Path.of("target")).resolve("long-run-memory.out");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A fixed heap, touched at start: its pages are in VmRSS from the beginning, so what VmRSS
                // gains later is native memory (libtorch, decoders, JIT), not the heap growing its young gen.
                "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-Dai.djl.offline=true", "-cp", classpath,
                LongRunMemoryTest.class.getName())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(110, TimeUnit.SECONDS), "the long run did not finish in 110 s");
        } finally {
            p.destroyForcibly().waitFor();
        }
        String log = Files.readString(out);
        System.out.print(log);
        assertEquals(0, p.exitValue(), "the long run failed:\n" + log);
        assertTrue(log.contains("long run: "), log);
    }

    /** The long run: exit code 0 if memory stayed bounded, else the assertion's stack trace and 1. */
    public static void main(String[] args) {
        try {
            longRun();
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }

    static void longRun() throws Exception {
        List<byte[]> good = DecodeAndInfer.goodFrames();
        List<BadFrames.Row> bad = BadFrames.rows();
        long t0 = System.nanoTime();
        try (DecodeAndInfer path = new DecodeAndInfer(MAX_BATCH, GoodFrameThroughputTest.MAX_DELAY_MS)) {
            Feeder feed = new Feeder(path, good, bad);
            feed.everyBatchSize();
            feed.frames(WARM_UP - SAMPLES * FRAMES_PER_SAMPLE);
            Memory m0 = measure(feed);
            feed.frames(N - SAMPLES * FRAMES_PER_SAMPLE);
            Memory m1 = measure(feed);
            feed.frames(N - SAMPLES * FRAMES_PER_SAMPLE);
            Memory m2 = measure(feed);
            feed.drain();
            InferenceMetrics m = path.metrics();
            System.out.printf("long run: %d records (%d good, %d bad, %d predictions in %d batches: %d full, %d by"
                            + " timer, %d at barriers, sizes %d..%d) in %.1f s%n  after warm-up %s%n  after N=%d"
                            + " %s%n  after 2N    %s%n",
                    feed.sent, feed.goodSent, feed.badSent, feed.predictions, m.batches.getCount(),
                    m.flushSize.getCount(), m.flushTimer.getCount(), m.flushBarrier.getCount(),
                    feed.minBatch, feed.maxBatch, (System.nanoTime() - t0) / 1e9, m0, N, m1, m2);

            assertEquals(feed.goodSent + feed.classifiedOdd, feed.predictions, "every decodable frame predicted");
            assertEquals(1, feed.minBatch, "batches of every size ran");
            assertEquals(MAX_BATCH, feed.maxBatch);
            assertTrue(m.flushTimer.getCount() > 10 && m.flushBarrier.getCount() > 10, "all flush kinds ran");

            assertEquals(m0.liveArrays, m1.liveArrays, "NDArrays under the model's manager after N frames");
            assertEquals(m0.liveArrays, m2.liveArrays, "NDArrays under the model's manager after 2N frames");
            assertBounded("heap after GC", m0.heapAfterGc, m1.heapAfterGc, m2.heapAfterGc, MAX_HEAP_GROWTH);
            assertBounded("VmRSS", m0.rss, m1.rss, m2.rss, MAX_RSS_GROWTH);
            assertBounded("RssAnon", m0.rssAnon, m1.rssAnon, m2.rssAnon, MAX_RSS_GROWTH);
        }
    }

    /**
     * The second N frames add less than {@code max}, and — where the first N added more than that (a
     * one-time growth such as a heap region or an allocator arena) — less than half of what the first N did,
     * so the curve flattens instead of following the first interval's slope.
     */
    private static void assertBounded(String what, long m0, long m1, long m2, long max) {
        long first = m1 - m0;
        long second = m2 - m1;
        String shown = String.format("%s: %+.1f MiB over the first %d frames, %+.1f MiB over the next %d",
                what, first / 1048576.0, N, second / 1048576.0, N);
        assertTrue(second < max, shown + " (at most " + (max >> 20) + " MiB)");
        assertTrue(first < max || second < first / 2, shown + ": growing linearly");
    }

    /**
     * Memory at the end of an interval: the lowest of {@link #SAMPLES} readings, each after
     * {@link #FRAMES_PER_SAMPLE} of the interval's frames and a full GC. A single reading can catch memory
     * that is released moments later (a GC's or a native allocator's transient buffers; seen up to +175 MiB
     * here); a leak raises every reading, so the lowest one still shows it.
     */
    private static Memory measure(Feeder feed) throws Exception {
        Memory low = null;
        for (int s = 0; s < SAMPLES; s++) {
            feed.frames(FRAMES_PER_SAMPLE);
            Memory m = read(feed.path);
            low = low == null ? m : new Memory(Math.min(low.heapAfterGc, m.heapAfterGc), Math.min(low.rss, m.rss),
                    Math.min(low.rssAnon, m.rssAnon), Math.max(low.liveArrays, m.liveArrays));
        }
        return low;
    }

    private static Memory read(DecodeAndInfer path) throws IOException {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = 0;
        long anon = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("RssAnon:")) {
                anon = kib(line);
            }
        }
        assertTrue(rss > 0 && anon > 0, "/proc/self/status has VmRSS and RssAnon");
        return new Memory(heap, rss, anon, path.liveArrays());
    }

    private static long kib(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", "")) * 1024;
    }

    /**
     * Sends the sample's good frames round and round, a bad-frames row (cycling through all kinds) after
     * every fifth, and drives the batcher's clock and checkpoints from a fixed seed: a timer flush on about
     * one frame in 40, a barrier on about one in 100, so batches of all sizes run.
     */
    static final class Feeder {
        final DecodeAndInfer path;
        final List<byte[]> good;
        final List<BadFrames.Row> bad;
        final Random random = new Random(7);
        long sent, goodSent, badSent, classifiedOdd, predictions, clock, checkpoint;
        int minBatch = Integer.MAX_VALUE;
        int maxBatch;

        Feeder(DecodeAndInfer path, List<byte[]> good, List<BadFrames.Row> bad) {
            this.path = path;
            this.good = good;
            this.bad = bad;
        }

        /** A last barrier: whatever is buffered is predicted. */
        void drain() throws Exception {
            path.barrier(++checkpoint);
            count(path.takePredictions());
        }

        private void count(List<Prediction> out) {
            for (Prediction p : out) {
                predictions++;
                minBatch = Math.min(minBatch, p.batchSize);
                maxBatch = Math.max(maxBatch, p.batchSize);
            }
        }

        /** Batches of every size once: each new input shape may make libtorch build and cache kernels for it. */
        void everyBatchSize() throws Exception {
            for (int size = 1; size <= MAX_BATCH; size++) {
                for (int i = 0; i < size; i++) {
                    long g = goodSent++;
                    assertTrue(path.sendGood("good-" + g, good.get((int) (g % good.size()))));
                    sent++;
                }
                path.barrier(++checkpoint);
                count(path.takePredictions());
            }
        }

        void frames(int n) throws Exception {
            for (int i = 0; i < n; i++) {
                long g = goodSent++;
                assertTrue(path.sendGood("good-" + g, good.get((int) (g % good.size()))));
                sent++;
                if (g % 5 == 4) {
                    BadFrames.Row row = bad.get((int) (badSent++ % bad.size()));
                    path.sendRow(row);
                    sent++;
                    if (row.expected().equals(BadFrames.CLASSIFIED)) {
                        classifiedOdd++;
                    }
                    assertTrue(path.takeDeadLetters().size() <= 1);
                }
                int r = random.nextInt(200);
                if (r < 5) {
                    clock += GoodFrameThroughputTest.MAX_DELAY_MS;
                    path.setTime(clock);
                } else if (r < 7) {
                    path.barrier(++checkpoint);
                }
                count(path.takePredictions());
            }
        }
    }
}
