package dev.condensenet.training.cli;

import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.training.data.DataException;
import dev.condensenet.training.data.DatasetKind;
import dev.condensenet.training.data.ImageSet;
import dev.condensenet.training.train.TrainSettings;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Loads the train and test split a run uses. */
final class TrainingData {
    private TrainingData() {
    }

    /** {@code --dataset NAME}, refused as a usage error of {@code spec}'s command. */
    static DatasetKind kind(CommandSpec spec, String dataset) {
        try {
            return DatasetKind.parse(dataset);
        } catch (DataException e) {
            throw new ParameterException(spec.commandLine(), "--dataset " + dataset + ": use "
                    + String.join(", ", java.util.Arrays.stream(DatasetKind.values()).map(DatasetKind::cliName).toList()));
        }
    }

    static ImageSet[] load(TrainSettings s, CondenseNetConfig config) {
        return load(s, config, false);
    }

    /**
     * @param trained the split is for a trained model ({@code condense}): advice names no architecture flags
     */
    static ImageSet[] load(TrainSettings s, CondenseNetConfig config, boolean trained) {
        DatasetKind kind = DatasetKind.parse(s.dataset());
        Path dir = Path.of(s.dataDir());
        ImageSet train;
        ImageSet test;
        if (kind == DatasetKind.IMAGE_FOLDER && !DatasetKind.hasTestSplit(dir)) {
            ImageSet all = kind.read(dir, true, config.inChannels(), config.imageSize(), null);
            ImageSet[] split = Splits.split(all, s.valSplit(), s.seed());
            train = split[0];
            test = split[1];
        } else {
            train = kind.read(dir, true, config.inChannels(), config.imageSize(), null);
            test = kind.read(dir, false, config.inChannels(), config.imageSize(), train.classNames());
        }
        if (trained) {
            checkForModel(train, config, s.dataset());
        } else {
            check(train, config, s.dataset());
        }
        return new ImageSet[] {train.limit(s.limit()), test.limit(s.testLimit())};
    }

    /** A training set for an architecture: what to change is the architecture's flags. */
    static void check(ImageSet data, CondenseNetConfig config, String dataset) {
        check(data, config, dataset, "the architecture expects", "choose a matching preset or set "
                + "--in-channels/--image-size", "set --classes " + data.classNames().size());
    }

    /** A test set for a trained model: the data must be of the kind the model was trained on. */
    static void checkForModel(ImageSet data, CondenseNetConfig config, String dataset) {
        check(data, config, dataset, "the model takes", "evaluate it on the kind of data it was trained on",
                "evaluate it on the data set it was trained on");
    }

    private static void check(ImageSet data, CondenseNetConfig config, String dataset, String expects,
                              String shapeAdvice, String classAdvice) {
        if (data.channels() != config.inChannels() || data.height() != config.imageSize()
                || data.width() != config.imageSize()) {
            throw new DataException(dataset + " images are " + data.channels() + "x" + data.height() + "x"
                    + data.width() + " but " + expects + " " + config.inChannels() + "x" + config.imageSize()
                    + "x" + config.imageSize() + ": " + shapeAdvice);
        }
        if (data.classNames().size() != config.classes()) {
            throw new DataException(dataset + " has " + data.classNames().size() + " classes but "
                    + expects.replace("expects", "has").replace("takes", "has") + " " + config.classes() + ": "
                    + classAdvice);
        }
    }
}
