package dev.condensenet.training.train;

import ai.djl.training.Trainer;
import ai.djl.training.util.ProgressBar;

/** DJL's progress bar per epoch with images/s and the epoch's ETA (only when a terminal is attached). */
final class ProgressListener extends RunListener {

    private final boolean enabled;
    private ProgressBar bar;
    private long started;
    private long images;
    private long batches;

    ProgressListener(TrainingRun run, boolean enabled) {
        super(run);
        this.enabled = enabled;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBar("epoch " + (run.completedEpochs() + 1) + "/" + run.settings().epochs(),
                    run.batchesPerEpoch());
            started = System.nanoTime();
            images = 0;
            batches = 0;
        }
        images += batchData.getBatch().getSize();
        batches++;
        double seconds = (System.nanoTime() - started) / 1e9;
        double eta = seconds / batches * (run.batchesPerEpoch() - batches);
        bar.update(batches, String.format("%.0f img/s, ETA %s", images / Math.max(seconds, 1e-9), clock(eta)));
    }

    @Override
    public void onEpoch(Trainer trainer) {
        if (bar != null) {
            bar.end();
            bar = null;
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
