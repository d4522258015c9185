package dev.condensenet.training.train;

import ai.djl.training.Trainer;
import ai.djl.training.util.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-epoch progress with images/s and the epoch's ETA: DJL's progress bar on a terminal, a log line
 * every tenth of an epoch otherwise (background runs, CI logs).
 */
final class ProgressListener extends RunListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressListener.class);

    private final boolean interactive;
    private ProgressBar bar;
    private long started = -1;
    private long images;
    private long batches;

    ProgressListener(TrainingRun run, boolean interactive) {
        super(run);
        this.interactive = interactive;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        long total = run.batchesPerEpoch();
        long now = System.nanoTime();
        batches++;
        if (started < 0) {
            // the clock starts when the first batch is done: that batch's time is not known here, so
            // neither its images nor its time count, or the first rates read millions of images/s
            started = now;
            if (interactive) {
                bar = new ProgressBar("epoch " + (run.completedEpochs() + 1) + "/" + run.settings().epochs(), total);
            }
        } else {
            images += batchData.getBatch().getSize();
        }
        double seconds = (now - started) / 1e9;
        String rate = batches < 2 ? "starting"
                : String.format("%.0f img/s, ETA %s", images / Math.max(seconds, 1e-9),
                        clock(seconds / (batches - 1) * (total - batches)));
        if (bar != null) {
            bar.update(batches, rate);
        } else if (batches % Math.max(1, total / 10) == 0 && batches < total) {
            LOG.info("epoch {}/{}: {}% ({}/{} batches), {}", run.completedEpochs() + 1, run.settings().epochs(),
                    batches * 100 / total, batches, total, rate);
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        if (bar != null) {
            bar.end();
            bar = null;
        }
        started = -1;
        images = 0;
        batches = 0;
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
