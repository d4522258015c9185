package dev.condensenet.training.train;

import ai.djl.training.Trainer;

/** Checkpoints after every epoch (parameters with masks/stage/count, optimizer state, epoch, iteration). */
final class CheckpointListener extends RunListener {

    CheckpointListener(TrainingRun run) {
        super(run);
    }

    @Override
    public void onEpoch(Trainer trainer) {
        run.saveCheckpoint();
    }
}
