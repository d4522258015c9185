package dev.condensenet.training.train;

import ai.djl.training.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Redraws {@code curves.png} after every epoch. */
final class CurvesPlotListener extends RunListener {

    static final String FILE = RunDirectory.CURVES;

    CurvesPlotListener(TrainingRun run) {
        super(run);
    }

    @Override
    public void onEpoch(Trainer trainer) {
        try {
            CurvesPlot.write(run.history(), run.settings().name(), run.out().resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.out().resolve(FILE), e);
        }
    }
}
