package dev.condensenet.pipeline.bench;

import dev.condensenet.pipeline.inference.BatchPredictor;
import dev.condensenet.pipeline.inference.PredictorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Model-only throughput through the operator's own inference path: one {@link BatchPredictor} per
 * subtask from the same {@link PredictorFactory} (same model directory, threads, device, warm-up and
 * per-batch code), called in a loop on real decoded frames, one caller thread per subtask as in the job.
 * Nothing else runs meanwhile (no Kafka traffic, no Flink job).
 */
public final class ModelOnly {
    /**
     * @param batchSize  frames per batch
     * @param fps        frames per second over all callers
     * @param msPerBatch mean wall time of one {@code predict} call
     * @param batches    timed batches over all callers
     */
    public record Result(int batchSize, double fps, double msPerBatch, long batches) {}

    private ModelOnly() {}

    /**
     * Runs at least {@code minFrames} frames and at least {@code minSeconds} in batches of
     * {@code batch} on each of {@code callers} threads (3 batches each at least), after the predictor's
     * own warm-up and a tenth as many untimed batches (at least 3).
     */
    public static Result measure(PredictorFactory factory, SampleFrames frames, int batch, int callers,
                                 long minFrames, double minSeconds) throws Exception {
        int frameSize = factory.spec().frameSize();
        int classes = factory.spec().numClasses();
        // Distinct batches of real frames, cycled through (at most 32 buffers or all the samples).
        int distinct = Math.max(1, Math.min(32, (frames.size() + batch - 1) / batch));
        List<float[]> batches = new ArrayList<>();
        for (int b = 0, f = 0; b < distinct; b++) {
            float[] x = new float[batch * frameSize];
            for (int i = 0; i < batch; i++, f++) {
                System.arraycopy(frames.decoded(f), 0, x, i * frameSize, frameSize);
            }
            batches.add(x);
        }
        long perCaller = Math.max(3, (minFrames + (long) batch * callers - 1) / ((long) batch * callers));
        long warmUp = Math.max(3, perCaller / 10);
        CyclicBarrier ready = new CyclicBarrier(callers + 1);
        CyclicBarrier done = new CyclicBarrier(callers + 1);
        long deadlineOffset = (long) (minSeconds * 1e9);
        long[] startHolder = new long[1];
        ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread t = new Thread(r, "model-only");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                results.add(pool.submit(() -> {
                    float[] logits = new float[batch * classes];
                    try (BatchPredictor p = factory.open(null, batch)) { // null context: GPU index 0
                        // Untimed first, like the pipeline's steady-state window that leaves out the first
                        // tenth of its outputs: a new thread's malloc arena and caches start cold.
                        for (long i = 0; i < warmUp; i++) {
                            p.predict(batches.get((int) (i % batches.size())), batch, logits);
                        }
                        ready.await();
                        ready.await(); // the start time is set between the two
                        long deadline = startHolder[0] + deadlineOffset;
                        long n = 0;
                        long t0 = System.nanoTime();
                        while (n < perCaller || System.nanoTime() < deadline) {
                            p.predict(batches.get((int) (n % batches.size())), batch, logits);
                            n++;
                        }
                        long elapsed = System.nanoTime() - t0;
                        done.await();
                        return new long[] {n, elapsed};
                    } catch (Exception | Error e) {
                        ready.reset(); // wakes the others with BrokenBarrierException
                        done.reset();
                        throw e;
                    }
                }));
            }
            try {
                ready.await();
                startHolder[0] = System.nanoTime();
                ready.await();
                done.await();
            } catch (BrokenBarrierException e) {
                throw firstFailure(results, e);
            }
            long wall = System.nanoTime() - startHolder[0];
            long total = 0;
            double msSum = 0;
            for (Future<long[]> f : results) {
                long[] r = f.get();
                total += r[0];
                msSum += r[1] / 1e6 / r[0];
            }
            return new Result(batch, total * batch / (wall / 1e9), msSum / callers, total);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The caller's own failure, not the broken barriers it caused in the others. */
    private static Exception firstFailure(List<Future<long[]>> results, Exception fallback) {
        for (Future<long[]> f : results) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof BrokenBarrierException)) {
                    return e.getCause() instanceof Exception ex ? ex : e;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e;
            }
        }
        return fallback;
    }
}
