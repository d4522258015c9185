package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * The reference initialisation of weights (spec §1.6): convolutions N(0, 2/(kh·kw·out)) — He fan-out,
 * not divided by groups — and linear layers U(−1/√in, 1/√in), PyTorch's default. Biases and batch
 * norm keep DJL's zeros/ones.
 */
public final class CondenseNetInitializer implements Initializer {

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        if (shape.dimension() == 4) {
            double sigma = Math.sqrt(2.0 / (shape.get(0) * shape.get(2) * shape.get(3)));
            return manager.randomNormal(0f, (float) sigma, shape, dataType);
        }
        if (shape.dimension() == 2) {
            float bound = (float) (1.0 / Math.sqrt(shape.get(1)));
            return manager.randomUniform(-bound, bound, shape, dataType);
        }
        throw new IllegalArgumentException("no CondenseNet initialisation for weight shape " + shape);
    }
}
