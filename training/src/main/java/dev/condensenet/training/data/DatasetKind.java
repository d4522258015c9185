package dev.condensenet.training.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The datasets the CLI reads, and how each finds its train and test split. */
public enum DatasetKind {
    FASHION_MNIST("fashion-mnist"),
    CIFAR10("cifar10"),
    IMAGE_FOLDER("image-folder");

    private final String cliName;

    DatasetKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static DatasetKind parse(String name) {
        for (DatasetKind k : values()) {
            if (k.cliName.equals(name)) {
                return k;
            }
        }
        throw new DataException("unknown dataset '" + name + "': use fashion-mnist, cifar10 or image-folder");
    }

    /** The default data directory, or {@code null} if the dataset has none. */
    public Path defaultDir() {
        return this == FASHION_MNIST ? IdxReader.DEFAULT_FASHION_MNIST_DIR : null;
    }

    /**
     * Reads a split. For image folders, {@code dir/train} and {@code dir/test} are the splits when they
     * exist; otherwise the folder itself is the whole dataset (split later with --val-split).
     */
    public ImageSet read(Path dir, boolean train, int channels, int size, List<String> classNames) {
        if (dir == null) {
            throw new DataException("--data-dir is required for " + cliName);
        }
        switch (this) {
            case FASHION_MNIST:
                return IdxReader.fashionMnist(dir, train);
            case CIFAR10:
                return Cifar10Reader.read(dir, train);
            default:
                Path split = dir.resolve(train ? "train" : "test");
                return ImageFolderReader.read(Files.isDirectory(split) ? split : dir, channels, size, classNames);
        }
    }

    /** Whether an image folder has its own test split. */
    public static boolean hasTestSplit(Path dir) {
        return Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"));
    }
}
