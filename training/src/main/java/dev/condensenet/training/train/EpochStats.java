package dev.condensenet.training.train;

/**
 * One epoch's results: a row of {@code metrics.csv} and a point of {@code curves.png}.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean training loss (cross-entropy + λ·lasso)
 * @param trainAccuracy training accuracy (augmented batches, training mode)
 * @param testAccuracy test accuracy of the masked training form in eval mode
 * @param learningRate learning rate of the epoch's last iteration
 * @param stage condensing stage at the end of the epoch
 * @param sparsity fraction of learned-group-conv weights masked out
 * @param seconds wall time of the epoch's training iterations
 * @param imagesPerSecond training throughput
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double learningRate,
                         int stage, double sparsity, double seconds, double imagesPerSecond) {

    public static final String CSV_HEADER =
            "epoch,train_loss,train_accuracy,test_accuracy,lr,stage,sparsity,seconds,images_per_sec";

    public String csvRow() {
        return String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.8f,%d,%.4f,%.1f,%.1f", epoch, trainLoss,
                trainAccuracy, testAccuracy, learningRate, stage, sparsity, seconds, imagesPerSecond);
    }
}
