package dev.condensenet.training.cli;

import dev.condensenet.cli.Flags;
import dev.condensenet.training.data.DatasetKind;
import dev.condensenet.training.data.ImageSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code samples}: export dataset images as PNG files plus labels.csv, e.g. frames for the streaming demo. */
@Command(name = "samples", mixinStandardHelpOptions = true,
        description = "Write the first N images of a dataset split as PNG files with labels.csv (file,label as "
                + "class index), e.g. testdata/fashion-mnist-sample.")
final class SamplesCommand implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist or cifar10 (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (fashion-mnist default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--split", defaultValue = "test", description = "train or test (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--count", defaultValue = "500", description = "Number of images (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--force", description = "Replace the samples (labels.csv, NNNNN.png) already in --out.")
    boolean force;

    @Spec
    CommandSpec spec;

    static final String LABELS = "labels.csv";
    static final String IMAGE_GLOB = "[0-9][0-9][0-9][0-9][0-9].png";

    @Override
    public Integer call() throws IOException {
        DatasetKind kind = TrainingData.kind(spec, dataset);
        Flags.require(kind != DatasetKind.IMAGE_FOLDER, spec, "--dataset", "already is a folder of images; "
                + "use fashion-mnist or cifar10");
        Flags.require(split.equals("train") || split.equals("test"), spec, "--split", "use train or test");
        Flags.require(count >= 1, spec, "--count", "must be at least 1");
        List<Path> earlier = OutputGuard.samplesDirectory(out, force, LABELS, IMAGE_GLOB);
        Path dir = dataDir != null ? dataDir : kind.defaultDir();
        ImageSet images = kind.read(dir, split.equals("train"), 0, 0, null).limit(count);
        OutputGuard.remove(earlier); // only now: a data set that cannot be read leaves the earlier samples
        Files.createDirectories(out);
        List<String> csv = new ArrayList<>();
        csv.add("file,label");
        for (int i = 0; i < images.size(); i++) {
            String name = String.format("%05d.png", i);
            ImageIO.write(toImage(images, i), "png", out.resolve(name).toFile());
            csv.add(name + "," + images.label(i));
        }
        Files.write(out.resolve(LABELS), csv);
        System.out.printf("wrote %d images and labels.csv to %s (labels: %s)%n", images.size(), out,
                String.join(", ", images.classNames()));
        return 0;
    }

    private static BufferedImage toImage(ImageSet set, int i) {
        int h = set.height();
        int w = set.width();
        byte[] px = set.pixels();
        int base = i * set.imageBytes();
        boolean gray = set.channels() == 1;
        BufferedImage img = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                if (gray) {
                    int v = px[base + p] & 0xff;
                    img.getRaster().setSample(x, y, 0, v);
                } else {
                    int r = px[base + p] & 0xff;
                    int g = px[base + h * w + p] & 0xff;
                    int b = px[base + 2 * h * w + p] & 0xff;
                    img.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
        }
        return img;
    }
}
