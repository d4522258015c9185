package dev.condensenet.training.train;

import ai.djl.training.Trainer;

/** Per-epoch progress with images/s and the epoch's ETA ({@link BatchProgress}). */
final class ProgressListener extends RunListener {

    private final boolean interactive;
    private BatchProgress progress;

    ProgressListener(TrainingRun run, boolean interactive) {
        super(run);
        this.interactive = interactive;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (progress == null) {
            progress = new BatchProgress("epoch " + (run.completedEpochs() + 1) + "/" + run.settings().epochs(),
                    run.batchesPerEpoch(), interactive);
        }
        progress.step(batchData.getBatch().getSize());
    }

    @Override
    public void onEpoch(Trainer trainer) {
        if (progress != null) {
            progress.end();
            progress = null;
        }
    }
}
