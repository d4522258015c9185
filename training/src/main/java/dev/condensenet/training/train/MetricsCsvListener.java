package dev.condensenet.training.train;

import ai.djl.training.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Rewrites {@code metrics.csv} from the full history each epoch (so a resumed run has every row once). */
final class MetricsCsvListener extends RunListener {

    static final String FILE = RunDirectory.METRICS;

    MetricsCsvListener(TrainingRun run) {
        super(run);
    }

    @Override
    public void onEpoch(Trainer trainer) {
        List<String> lines = new ArrayList<>();
        lines.add(EpochStats.CSV_HEADER);
        run.history().forEach(s -> lines.add(s.csvRow()));
        Path file = run.out().resolve(FILE);
        try {
            Files.createDirectories(run.out());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.write(tmp, lines);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
