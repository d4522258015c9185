package dev.condensenet.training.train;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;

/** A training listener that reads the {@link TrainingRun}'s statistics; no-op defaults. */
abstract class RunListener implements TrainingListener {

    protected final TrainingRun run;

    RunListener(TrainingRun run) {
        this.run = run;
    }

    /** The stats of the epoch that just ended. */
    protected EpochStats last() {
        return run.history().get(run.history().size() - 1);
    }

    @Override
    public void onEpoch(Trainer trainer) {
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
    }
}
