package dev.condensenet.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import dev.condensenet.training.data.AugmentedDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Accuracy, per-class accuracy, confusion matrix and throughput of a network in eval mode.
 *
 * @param samples images evaluated
 * @param correct correctly classified images
 * @param confusion {@code confusion[true][predicted]}
 * @param classNames class labels
 * @param seconds wall time of the forward passes (including batch creation)
 */
public record Evaluation(int samples, int correct, int[][] confusion, List<String> classNames, double seconds) {

    public double accuracy() {
        return samples == 0 ? 0 : (double) correct / samples;
    }

    public double imagesPerSecond() {
        return seconds <= 0 ? 0 : samples / seconds;
    }

    /** Accuracy of each true class (NaN for a class without test images). */
    public double[] perClassAccuracy() {
        double[] acc = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            int total = 0;
            for (int v : confusion[c]) {
                total += v;
            }
            acc[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return acc;
    }

    /** Runs {@code block} (logits out) over every batch of {@code data}, silently. */
    public static Evaluation of(Block block, AugmentedDataset data, NDManager manager) {
        return of(block, data, manager, null);
    }

    /**
     * Runs {@code block} (logits out) over every batch of {@code data}, showing progress as {@code task}
     * ({@link BatchProgress}) unless it is {@code null}.
     */
    public static Evaluation of(Block block, AugmentedDataset data, NDManager manager, String task) {
        BatchProgress progress = task == null ? null
                : new BatchProgress(task, data.batchesPerEpoch(), BatchProgress.onTerminal());
        int classes = data.images().classNames().size();
        int[][] confusion = new int[classes][classes];
        int samples = 0;
        int correct = 0;
        ParameterStore ps = new ParameterStore(manager, false);
        long start = System.nanoTime();
        try {
            for (Batch batch : data.getData(manager)) {
                try (batch) {
                    NDArray x = batch.getData().singletonOrThrow();
                    NDArray logits = block.forward(ps, new NDList(x), false).singletonOrThrow();
                    long[] predicted = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                    long[] truth = batch.getLabels().singletonOrThrow().toType(DataType.INT64, false).toLongArray();
                    for (int i = 0; i < predicted.length; i++) {
                        confusion[(int) truth[i]][(int) predicted[i]]++;
                        correct += predicted[i] == truth[i] ? 1 : 0;
                    }
                    samples += predicted.length;
                    batch.getManager().close(); // frees the forward pass's intermediates now
                    if (progress != null) {
                        progress.step(predicted.length);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
        if (progress != null) {
            progress.end();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Evaluation(samples, correct, confusion, data.images().classNames(), seconds);
    }
}
