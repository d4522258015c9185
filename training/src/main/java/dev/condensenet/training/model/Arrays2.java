package dev.condensenet.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * In-place assignment into parameter arrays. DJL's {@code NDArray.set(Buffer)} and {@code copyTo}
 * go through libtorch's deprecated AutoNonVariableTypeMode, which prints a multi-line warning to
 * stderr; an index-put ({@code x[:] = y}) does the same copy quietly.
 */
final class Arrays2 {

    private static final NDIndex ALL = new NDIndex(":");

    private Arrays2() {
    }

    /** {@code dst[:] = values} (row-major, same number of elements). */
    static void assign(NDArray dst, float[] values) {
        try (NDArray tmp = dst.getManager().create(values, dst.getShape())) {
            dst.set(ALL, tmp);
        }
    }

    /** {@code dst[:] = src}, across managers and devices. */
    static void assign(NDArray dst, NDArray src) {
        if (!dst.getShape().equals(src.getShape())) {
            throw new IllegalStateException("shape " + src.getShape() + " cannot be copied into " + dst.getShape());
        }
        try (NDArray tmp = src.toDevice(dst.getDevice(), true)) {
            dst.set(ALL, tmp);
        }
    }
}
