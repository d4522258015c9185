package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoftmaxTopKTest {

    @Test
    void scoresAreTheSoftmaxInDescendingOrder() {
        SoftmaxTopK s = new SoftmaxTopK(4, 3);
        s.apply(new float[] {1f, 3f, 0f, 2f}, 0);
        double z = Math.exp(1) + Math.exp(3) + Math.exp(0) + Math.exp(2);
        assertEquals(1, s.index(0));
        assertEquals(3, s.index(1));
        assertEquals(0, s.index(2));
        assertEquals(Math.exp(3) / z, s.score(0), 1e-6);
        assertEquals(Math.exp(2) / z, s.score(1), 1e-6);
        assertEquals(Math.exp(1) / z, s.score(2), 1e-6);
    }

    @Test
    void readsTheFrameAtTheOffset() {
        SoftmaxTopK s = new SoftmaxTopK(3, 1);
        float[] twoFrames = {9f, 0f, 0f, 0f, 0f, 9f};
        s.apply(twoFrames, 3);
        assertEquals(2, s.index(0));
        s.apply(twoFrames, 0);
        assertEquals(0, s.index(0));
    }

    @Test
    void largeLogitsDoNotOverflow() {
        SoftmaxTopK s = new SoftmaxTopK(3, 3);
        s.apply(new float[] {1e30f, 1e30f - 1e24f, -1e30f}, 0);
        assertEquals(0, s.index(0));
        assertEquals(1f, s.score(0), 0f, "the others are exp(-1e24) = 0 next to it");
        assertEquals(0f, s.score(1));
        s.apply(new float[] {88.7f, 88.7f, 0f}, 0); // exp(88.7) alone would overflow a float
        assertEquals(0.5f, s.score(0), 1e-6f);
        assertEquals(0.5f, s.score(1), 1e-6f);
    }

    @Test
    void tiesRankTheLowerClassFirst() {
        SoftmaxTopK s = new SoftmaxTopK(5, 5);
        s.apply(new float[] {0f, 2f, 2f, 0f, 2f}, 0);
        int[] expected = {1, 2, 4, 0, 3};
        for (int r = 0; r < 5; r++) {
            assertEquals(expected[r], s.index(r), "rank " + r);
        }
        assertEquals(s.score(0), s.score(2));
    }

    @Test
    void scoresSumToOneOverAllClasses() {
        SoftmaxTopK s = new SoftmaxTopK(10, 10);
        float[] logits = new float[10];
        for (int c = 0; c < 10; c++) {
            logits[c] = (float) Math.sin(c) * 20f;
        }
        s.apply(logits, 0);
        double sum = 0;
        for (int r = 0; r < 10; r++) {
            sum += s.score(r);
            assertTrue(r == 0 || s.score(r) <= s.score(r - 1));
        }
        assertEquals(1.0, sum, 1e-6);
    }

    @Test
    void kIsCappedAtTheClassCount() {
        SoftmaxTopK s = new SoftmaxTopK(2, 5);
        assertEquals(2, s.k());
        s.apply(new float[] {0f, 1f}, 0);
        assertEquals(1, s.index(0));
        assertEquals(0, s.index(1));
    }

    @Test
    void nonFiniteLogitsAreABrokenModel() {
        SoftmaxTopK s = new SoftmaxTopK(3, 1);
        assertThrows(IllegalStateException.class, () -> s.apply(new float[] {0f, Float.NaN, 1f}, 0));
        assertThrows(IllegalStateException.class, () -> s.apply(new float[] {0f, Float.POSITIVE_INFINITY, 1f}, 0));
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxTopK(0, 1));
    }
}
