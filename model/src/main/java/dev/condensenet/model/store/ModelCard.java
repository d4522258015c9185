package dev.condensenet.model.store;

import dev.condensenet.model.net.CondenseNetConfig;
import java.util.List;

/**
 * What a model directory says about its model besides the weights: architecture, preprocessing,
 * labels and, when known, how well it does.
 *
 * @param name model name (shown in predictions)
 * @param config the architecture
 * @param mean per-channel normalisation mean applied to pixels scaled to [0, 1]
 * @param std per-channel normalisation standard deviation
 * @param classNames one label per class, in class-index order
 * @param dataset what it was trained on (free text, e.g. {@code fashion-mnist})
 * @param accuracy test accuracy of the condensed model in [0, 1], or {@code null} if not measured
 * @param testSamples number of test images behind {@code accuracy}, or 0
 */
public record ModelCard(String name, CondenseNetConfig config, float[] mean, float[] std,
                        List<String> classNames, String dataset, Double accuracy, int testSamples) {

    /**
     * Validates the card and copies its arrays and list.
     *
     * @throws IllegalArgumentException if there is not one mean and one positive std per input channel, or
     *     not one class name per class
     */
    public ModelCard {
        if (mean.length != config.inChannels() || std.length != config.inChannels()) {
            throw new IllegalArgumentException("normalisation needs one mean and std per input channel ("
                    + config.inChannels() + ")");
        }
        if (classNames.size() != config.classes()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + config.classes()
                    + " classes");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("normalisation std must be positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
        classNames = List.copyOf(classNames);
    }

    /** The same card with a measured accuracy. */
    public ModelCard withAccuracy(double newAccuracy, int samples) {
        return new ModelCard(name, config, mean, std, classNames, dataset, newAccuracy, samples);
    }
}
