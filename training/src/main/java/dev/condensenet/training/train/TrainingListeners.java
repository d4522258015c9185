package dev.condensenet.training.train;

import ai.djl.training.listener.TrainingListener;
import java.util.List;

/** The standard listeners of a {@code train} run, in the order they must see each epoch. */
public final class TrainingListeners {

    private TrainingListeners() {
    }

    /**
     * @param interactive draw a progress bar (a terminal is attached)
     */
    public static List<TrainingListener> standard(TrainingRun run, boolean interactive) {
        return List.of(
                new ProgressListener(run, interactive),
                new EpochLogListener(run),
                new MetricsCsvListener(run),
                new CurvesPlotListener(run),
                new CheckpointListener(run));
    }
}
