package dev.condensenet.training.train;

/**
 * Everything that determines a training run besides the architecture; stored in every checkpoint so
 * that {@code --resume} continues with exactly the same recipe (docs/design.md §6).
 *
 * @param name model name written to the model directory
 * @param dataset fashion-mnist, cifar10 or image-folder
 * @param dataDir absolute data directory
 * @param limit training images used (0 = all)
 * @param testLimit test images used (0 = all)
 * @param valSplit fraction of an image folder without test/ held out for testing
 * @param epochs total epochs
 * @param batchSize batch size
 * @param learningRate initial learning rate of the per-iteration cosine schedule
 * @param momentum SGD momentum
 * @param nesterov Nesterov momentum
 * @param weightDecay coupled weight decay on all parameters
 * @param groupLasso λ of the group-lasso term
 * @param augment random crop with 4-px padding + horizontal flip
 * @param seed seed of initialisation, shuffling, augmentation and dropout
 */
public record TrainSettings(String name, String dataset, String dataDir, int limit, int testLimit, double valSplit,
                            int epochs, int batchSize, float learningRate, float momentum, boolean nesterov,
                            float weightDecay, float groupLasso, boolean augment, long seed) {

    /** The same run with {@code n} epochs in all: the learning-rate cosine and the condensing schedule span them. */
    public TrainSettings withEpochs(int n) {
        return new TrainSettings(name, dataset, dataDir, limit, testLimit, valSplit, n, batchSize, learningRate,
                momentum, nesterov, weightDecay, groupLasso, augment, seed);
    }

    /** The same run writing its model under another name. */
    public TrainSettings withName(String newName) {
        return new TrainSettings(newName, dataset, dataDir, limit, testLimit, valSplit, epochs, batchSize,
                learningRate, momentum, nesterov, weightDecay, groupLasso, augment, seed);
    }

    /** The same run reading its data from {@code dir}. */
    public TrainSettings withDataDir(String dir) {
        return new TrainSettings(name, dataset, dir, limit, testLimit, valSplit, epochs, batchSize, learningRate,
                momentum, nesterov, weightDecay, groupLasso, augment, seed);
    }
}
