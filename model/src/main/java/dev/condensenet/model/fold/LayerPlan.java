package dev.condensenet.model.fold;

import java.util.Locale;

/**
 * How one condensed dense layer is executed. All plans compute the same function (up to float
 * rounding); they trade FLOPs against memory passes, and which wins depends on the layer's shape and
 * the machine, so the compiled network ({@code model.compiled}) can time them per layer and the ONNX export
 * ({@code model.onnx}) writes the one it is given.
 */
public enum LayerPlan {
    /** gather R' → BN → ReLU → grouped 1×1 (+folded BN) → ReLU → shuffle → grouped 3×3. */
    GATHER_SHUFFLE,
    /** gather R' → BN → ReLU → grouped 1×1 (+folded BN) → ReLU → dense 3×3 that absorbs the shuffle. */
    GATHER_DENSE3,
    /** BN over the R prefix → ReLU → dense 1×1 that absorbs gather and shuffle → ReLU → grouped 3×3. */
    DENSE1_GROUPED3,
    /** BN over the R prefix → ReLU → dense 1×1 → ReLU → dense 3×3. */
    DENSE1_DENSE3;

    /** Whether the layer gathers its R' input channels first (else a dense 1×1 over the R prefix absorbs it). */
    public boolean gathers() {
        return this == GATHER_SHUFFLE || this == GATHER_DENSE3;
    }

    /** Whether the 3×3 conv is dense (absorbing the shuffle) rather than grouped. */
    public boolean dense3x3() {
        return this == GATHER_DENSE3 || this == DENSE1_DENSE3;
    }

    /**
     * A plan by its CLI name ({@code gather-shuffle}, {@code gather-dense3}, {@code dense1-grouped3},
     * {@code dense1-dense3}) or enum name, case-insensitive.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static LayerPlan parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown layer plan '" + s + "': use gather-shuffle, gather-dense3, "
                    + "dense1-grouped3 or dense1-dense3");
        }
    }
}
