package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * The initialisation of the authors' code (docs/design.md §2.6): convolution weights {@code (out, in/groups,
 * kh, kw)} from N(0, 2/(kh·kw·out)) — He fan-out, not divided by groups — and linear weights {@code (out, in)}
 * from U(−1/√in, 1/√in), PyTorch's default. Biases and batch norm keep DJL's zeros/ones. Throws
 * {@link IllegalArgumentException} for a weight that is neither 4-D nor 2-D.
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
