package dev.condensenet.training.cli;

import dev.condensenet.training.data.DataException;
import dev.condensenet.training.data.ImageSet;
import java.util.SplittableRandom;

/** A seeded random train/test split of one image set. */
final class Splits {

    private Splits() {
    }

    static ImageSet[] split(ImageSet all, double testFraction, long seed) {
        int n = all.size();
        int testSize = (int) Math.round(n * testFraction);
        if (testSize < 1 || testSize >= n) {
            throw new DataException("--val-split " + testFraction + " leaves no training or no test images of " + n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] test = java.util.Arrays.copyOfRange(order, 0, testSize);
        int[] train = java.util.Arrays.copyOfRange(order, testSize, n);
        java.util.Arrays.sort(test);
        java.util.Arrays.sort(train);
        return new ImageSet[] {all.select(train), all.select(test)};
    }
}
