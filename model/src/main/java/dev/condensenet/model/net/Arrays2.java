package dev.condensenet.model.net;

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
            put(dst, tmp);
        }
    }

    /** {@code dst[:] = src}, across managers and devices. */
    static void assign(NDArray dst, NDArray src) {
        if (!dst.getShape().equals(src.getShape())) {
            throw new IllegalStateException("shape " + src.getShape() + " cannot be copied into " + dst.getShape());
        }
        try (NDArray tmp = src.toDevice(dst.getDevice(), true)) {
            put(dst, tmp);
        }
    }

    /**
     * libtorch's grad mode is per thread and on by default, so on a thread where DJL did not start the
     * engine an in-place write into a parameter that requires grad is refused ("a leaf Variable that
     * requires grad is being used in an in-place operation"). The write is not part of any graph:
     * drop the flag around it.
     */
    private static void put(NDArray dst, NDArray value) {
        boolean grad = dst.hasGradient();
        if (grad) {
            dst.setRequiresGradient(false);
        }
        try {
            dst.set(ALL, value);
        } finally {
            if (grad) {
                dst.setRequiresGradient(true);
            }
        }
    }
}
