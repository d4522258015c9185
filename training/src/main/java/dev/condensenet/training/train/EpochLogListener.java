package dev.condensenet.training.train;

import ai.djl.training.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line per epoch: loss, accuracies, learning rate, stage. */
final class EpochLogListener extends RunListener {

    private static final Logger LOG = LoggerFactory.getLogger(EpochLogListener.class);

    EpochLogListener(TrainingRun run) {
        super(run);
    }

    @Override
    public void onEpoch(Trainer trainer) {
        EpochStats s = last();
        LOG.info(String.format("epoch %d/%d: loss %.4f, train acc %.2f%%, test acc %.2f%% (masked form), lr %.5f, "
                        + "stage %d/%d, sparsity %.1f%%, %.0f img/s, %s", s.epoch(), run.settings().epochs(),
                s.trainLoss(), 100 * s.trainAccuracy(), 100 * s.testAccuracy(), s.learningRate(), s.stage(),
                run.condenser().condenseFactor() - 1, 100 * s.sparsity(), s.imagesPerSecond(),
                BatchProgress.clock(s.seconds())));
    }
}
