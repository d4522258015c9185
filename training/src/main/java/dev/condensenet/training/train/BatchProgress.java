package dev.condensenet.training.train;

import ai.djl.training.util.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a long pass over batches (a training epoch, an evaluation of 10,000 test images) with
 * images/s and an ETA: DJL's progress bar on a terminal, a log line every tenth of the pass otherwise
 * (background runs, CI logs).
 */
public final class BatchProgress {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProgress.class);

    private final String task;
    private final long total;
    private ProgressBar bar;
    private long started = -1;
    private long images;
    private long batches;

    /**
     * @param task what runs, e.g. {@code epoch 3/30} or {@code test (condensed form)}
     * @param total batches in the pass
     * @param interactive draw a progress bar (a terminal is attached) instead of log lines
     */
    public BatchProgress(String task, long total, boolean interactive) {
        this.task = task;
        this.total = Math.max(total, 1);
        this.bar = interactive ? new ProgressBar(task, this.total) : null;
    }

    /** Whether a terminal is attached (then progress is a bar). */
    public static boolean onTerminal() {
        return System.console() != null;
    }

    /** Records one finished batch of {@code size} images. */
    public void step(long size) {
        long now = System.nanoTime();
        batches++;
        if (started < 0) {
            // the clock starts when the first batch is done: that batch's time is not known here, so
            // neither its images nor its time count, or the first rates read millions of images/s
            started = now;
        } else {
            images += size;
        }
        double seconds = (now - started) / 1e9;
        String rate = batches < 2 ? "starting"
                : String.format("%.0f img/s, ETA %s", images / Math.max(seconds, 1e-9),
                        clock(seconds / (batches - 1) * (total - batches)));
        if (bar != null) {
            bar.update(batches, rate);
            if (batches >= total) {
                end(); // the bar is done before whatever runs next logs
            }
        } else if (batches % Math.max(1, total / 10) == 0 && batches < total) {
            LOG.info("{}: {}% ({}/{} batches), {}", task, batches * 100 / total, batches, total, rate);
        }
    }

    /** Ends the bar, if any (again: no-op). */
    public void end() {
        if (bar != null) {
            bar.end();
            bar = null;
        }
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
