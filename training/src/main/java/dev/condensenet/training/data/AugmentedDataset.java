package dev.condensenet.training.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.util.Progress;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * A DJL {@link RandomAccessDataset} over an {@link ImageSet}: normalises pixels and, for training,
 * applies the CIFAR-style augmentation (random crop with 4-pixel zero padding + horizontal flip).
 *
 * <p>Shuffling and augmentation are pure functions of (seed, epoch, index), so a run resumed from a
 * checkpoint sees exactly the batches an uninterrupted run would.
 */
public final class AugmentedDataset extends RandomAccessDataset {

    private static final int PAD = 4;

    private final ImageSet images;
    private final float[] scale;
    private final float[] shift;
    private final boolean augment;
    private final long seed;
    private volatile int epoch;

    private AugmentedDataset(Builder b) {
        super(b);
        this.images = b.images;
        this.augment = b.augment;
        this.seed = b.seed;
        int c = images.channels();
        this.scale = new float[c];
        this.shift = new float[c];
        for (int i = 0; i < c; i++) {
            // (v/255 − mean)/std folded into one multiply-add per pixel.
            scale[i] = 1f / (255f * b.std[i]);
            shift[i] = -b.mean[i] / b.std[i];
        }
    }

    /**
     * @param images the data
     * @param mean per-channel mean of [0, 1] pixels
     * @param std per-channel std
     * @param batchSize batch size
     * @param train shuffle (per epoch, seeded) and augment if {@code augment}; the last batch may be partial
     * @param augment crop + flip (training only)
     * @param seed base seed
     */
    public static AugmentedDataset of(ImageSet images, float[] mean, float[] std, int batchSize, boolean train,
                                      boolean augment, long seed) {
        Builder b = new Builder();
        b.images = images;
        b.mean = mean;
        b.std = std;
        b.augment = train && augment;
        b.seed = seed;
        b.setSampling(new BatchSampler(train ? new EpochShuffle() : new InOrder(), batchSize, false));
        return new AugmentedDataset(b);
    }

    /** Selects the epoch whose shuffle order and augmentations {@code getData} produces next. */
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    public ImageSet images() {
        return images;
    }

    /** Number of batches per epoch. */
    public long batchesPerEpoch() {
        int bs = ((BatchSampler) sampler).getBatchSize();
        return (size() + bs - 1) / bs;
    }

    @Override
    public Record get(NDManager manager, long index) {
        int i = (int) index;
        int c = images.channels();
        int h = images.height();
        int w = images.width();
        byte[] px = images.pixels();
        int base = i * images.imageBytes();
        float[] out = new float[c * h * w];
        int dy = 0;
        int dx = 0;
        boolean flip = false;
        if (augment) {
            SplittableRandom r = new SplittableRandom(mix(seed, epoch, index));
            dy = r.nextInt(2 * PAD + 1) - PAD;
            dx = r.nextInt(2 * PAD + 1) - PAD;
            flip = r.nextBoolean();
        }
        for (int ch = 0; ch < c; ch++) {
            float zero = shift[ch]; // a padded (black) pixel after normalisation
            int plane = base + ch * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    float v = zero;
                    if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                        v = (px[plane + sy * w + sx] & 0xff) * scale[ch] + shift[ch];
                    }
                    out[(ch * h + y) * w + x] = v;
                }
            }
        }
        NDList data = new NDList(manager.create(out, new Shape(c, h, w)));
        NDList label = new NDList(manager.create((long) images.label(i)));
        return new Record(data, label);
    }

    @Override
    protected long availableSize() {
        return images.size();
    }

    @Override
    public void prepare(Progress progress) {
        // Everything is in memory already.
    }

    static long mix(long seed, int epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A fresh permutation per epoch from (seed, epoch): reproducible across resumes. */
    private static final class EpochShuffle implements Sampler.SubSampler {
        @Override
        public Iterator<Long> sample(RandomAccessDataset dataset) {
            AugmentedDataset d = (AugmentedDataset) dataset;
            int n = (int) d.size();
            long[] order = LongStream.range(0, n).toArray();
            SplittableRandom r = new SplittableRandom(mix(d.seed, d.epoch, -1));
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                long t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            return LongStream.of(order).iterator();
        }
    }

    private static final class InOrder implements Sampler.SubSampler {
        @Override
        public Iterator<Long> sample(RandomAccessDataset dataset) {
            return LongStream.range(0, dataset.size()).iterator();
        }
    }

    private static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {
        ImageSet images;
        float[] mean;
        float[] std;
        boolean augment;
        long seed;

        @Override
        protected Builder self() {
            return this;
        }
    }
}
