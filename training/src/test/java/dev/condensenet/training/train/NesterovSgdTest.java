package dev.condensenet.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import dev.condensenet.model.engine.TorchRuntime;
import org.junit.jupiter.api.Test;

/** The optimizer against its formula, and the learning-rate schedule (docs/design.md §11, check 18). */
class NesterovSgdTest {

    @Test
    void followsTheNesterovFormulaOnAToyProblem() {
        TorchRuntime.init();
        float lr = 0.1f;
        float mu = 0.9f;
        float wd = 0.01f;
        NesterovSgd opt = NesterovSgd.builder().setLearningRate(Tracker.fixed(lr)).optMomentum(mu)
                .optWeightDecays(wd).build();
        try (NDManager m = NDManager.newBaseManager()) {
            // f(w) = ½·Σ a_i·w_i², gradient a·w.
            float[] a = {1f, 3f};
            NDArray w = m.create(new float[] {2f, -1f});
            double[] ref = {2, -1};
            double[] v = {0, 0};
            for (int step = 0; step < 5; step++) {
                NDArray grad = w.mul(m.create(a));
                opt.update("w", w, grad);
                for (int i = 0; i < 2; i++) {
                    double d = a[i] * ref[i] + wd * ref[i];
                    v[i] = step == 0 ? d : mu * v[i] + d;
                    ref[i] -= lr * (d + mu * v[i]);
                }
                float[] got = w.toFloatArray();
                assertEquals(ref[0], got[0], 1e-5, "step " + step);
                assertEquals(ref[1], got[1], 1e-5, "step " + step);
            }
        }
    }

    @Test
    void cosineScheduleGoesFromPointOneToZero() {
        int total = 1000;
        Tracker t = CosineTracker.builder().setBaseValue(0.1f).optFinalValue(0f).setMaxUpdates(total).build();
        assertEquals(0.1, t.getNewValue(0), 1e-7);
        assertEquals(0.05, t.getNewValue(total / 2), 1e-7);
        assertEquals(0.0, t.getNewValue(total), 1e-7);
        for (int i : new int[] {1, 123, 777}) {
            assertEquals(0.05 * (1 + Math.cos(Math.PI * i / total)), t.getNewValue(i), 1e-6);
        }
    }
}
