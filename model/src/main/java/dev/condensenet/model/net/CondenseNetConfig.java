package dev.condensenet.model.net;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The architecture of a CondenseNet (docs/design.md §2; paper, "Architecture design" and Fig. 5): everything
 * needed to build the training form, the condensed form and to count parameters and FLOPs. Immutable; built
 * with {@link #builder()} (required {@code set*}, optional {@code opt*}) and validated on
 * {@link Builder#build()}, which throws {@link InvalidConfigException} for anything the network cannot realise
 * (docs/design.md §2.4).
 */
public final class CondenseNetConfig {

    private final int[] stages;
    private final int[] growth;
    private final int bottleneck;
    private final int groups;
    private final int condenseFactor;
    private final float dropout;
    private final int inChannels;
    private final int imageSize;
    private final int classes;
    private final int stemStride;

    private CondenseNetConfig(Builder b) {
        this.stages = b.stages.clone();
        this.growth = b.growth.clone();
        this.bottleneck = b.bottleneck;
        this.groups = b.groups;
        this.condenseFactor = b.condenseFactor;
        this.dropout = b.dropout;
        this.inChannels = b.inChannels;
        this.imageSize = b.imageSize;
        this.classes = b.classes;
        this.stemStride = b.stemStride;
    }

    /** A new, empty builder: stages, growth, input channels, image size and classes are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this config, to derive variants (e.g. another class count). */
    public Builder toBuilder() {
        return builder()
                .setStages(stages)
                .setGrowth(growth)
                .optBottleneck(bottleneck)
                .optGroups(groups)
                .optCondenseFactor(condenseFactor)
                .optDropout(dropout)
                .setInChannels(inChannels)
                .setImageSize(imageSize)
                .setClasses(classes)
                .optStemStride(stemStride);
    }

    /** Dense layers per block, e.g. {@code [14, 14, 14]} (a copy). */
    public int[] stages() {
        return stages.clone();
    }

    /** Dense layers in block {@code block} (0-based). */
    public int stage(int block) {
        return stages[block];
    }

    /** Growth rate k of each block: channels each of its layers adds (a copy). */
    public int[] growth() {
        return growth.clone();
    }

    /** Growth rate k of block {@code block} (0-based), in channels. */
    public int growth(int block) {
        return growth[block];
    }

    /** Number of dense blocks (transitions = blocks − 1). */
    public int blocks() {
        return stages.length;
    }

    /** B: the 1×1 learned group convolution outputs {@code B·k} channels. */
    public int bottleneck() {
        return bottleneck;
    }

    /** G: groups of the 1×1 learned group convolution and of the 3×3 group convolution. */
    public int groups() {
        return groups;
    }

    /** C: the condensation factor; each learned group keeps 1/C of its input channels. */
    public int condenseFactor() {
        return condenseFactor;
    }

    /** Dropout probability before each learned group convolution's 1×1 conv (training only), in [0, 1). */
    public float dropout() {
        return dropout;
    }

    /** Channels of the input image: 1 (gray) or 3 (RGB). */
    public int inChannels() {
        return inChannels;
    }

    /** Height = width of the input, in pixels. */
    public int imageSize() {
        return imageSize;
    }

    /** Number of classes = logits per image. */
    public int classes() {
        return classes;
    }

    /** Stride of the 3×3 stem convolution: 1 (CIFAR, Fashion-MNIST) or 2 (ImageNet). */
    public int stemStride() {
        return stemStride;
    }

    /** Stem output channels: twice the first growth rate (docs/design.md §2.3). */
    public int stemChannels() {
        return 2 * growth[0];
    }

    /** Spatial size in pixels after the stem (3×3 conv, padding 1): {@code (S + 2 − 3)/stride + 1}. */
    public int stemOutputSize() {
        return (imageSize + 2 - 3) / stemStride + 1;
    }

    /** Channels entering the classifier: stem channels + Σ stages·growth (e.g. 800 for CondenseNet-86). */
    public int finalChannels() {
        int c = stemChannels();
        for (int m = 0; m < stages.length; m++) {
            c += stages[m] * growth[m];
        }
        return c;
    }

    /** Number of dense layers (= number of learned group convolutions). */
    public int layers() {
        return Arrays.stream(stages).sum();
    }

    /** Depth as the paper names models: two convs per dense layer + stem + classifier. */
    public int depth() {
        return 2 * layers() + 2;
    }

    /** e.g. {@code 14-14-14}. */
    public static String dashed(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    @Override
    public String toString() {
        return "CondenseNet-" + depth() + "(stages " + dashed(stages) + ", growth " + dashed(growth)
                + ", B=" + bottleneck + ", G=" + groups + ", C=" + condenseFactor
                + ", input " + inChannels + "x" + imageSize + "x" + imageSize + ", classes " + classes
                + ", stem stride " + stemStride + (dropout > 0 ? ", dropout " + dropout : "") + ")";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CondenseNetConfig)) {
            return false;
        }
        CondenseNetConfig c = (CondenseNetConfig) o;
        return Arrays.equals(stages, c.stages) && Arrays.equals(growth, c.growth)
                && bottleneck == c.bottleneck && groups == c.groups
                && condenseFactor == c.condenseFactor && Float.compare(dropout, c.dropout) == 0
                && inChannels == c.inChannels && imageSize == c.imageSize && classes == c.classes
                && stemStride == c.stemStride;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(stages), Arrays.hashCode(growth), bottleneck, groups,
                condenseFactor, dropout, inChannels, imageSize, classes, stemStride);
    }

    /**
     * Builder; {@link #build()} refuses configurations the network cannot realise. Required: {@link #setStages},
     * {@link #setGrowth}, {@link #setInChannels}, {@link #setImageSize}, {@link #setClasses}. Defaults:
     * B = 4, G = 4, C = G, no dropout, stem stride 1.
     */
    public static final class Builder {
        private int[] stages;
        private int[] growth;
        private int bottleneck = 4;
        private int groups = 4;
        private int condenseFactor = -1;
        private float dropout;
        private int inChannels = -1;
        private int imageSize = -1;
        private int classes = -1;
        private int stemStride = 1;

        /** Dense layers per block, one value per block. */
        public Builder setStages(int... stages) {
            this.stages = stages.clone();
            return this;
        }

        /** Growth rate per block (same length as the stages), in channels; multiples of G. */
        public Builder setGrowth(int... growth) {
            this.growth = growth.clone();
            return this;
        }

        /** Input image channels (1 or 3). */
        public Builder setInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** Input height = width, in pixels. */
        public Builder setImageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /** Number of classes (at least 2). */
        public Builder setClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** B, default 4. */
        public Builder optBottleneck(int bottleneck) {
            this.bottleneck = bottleneck;
            return this;
        }

        /** G for the 1×1 learned group and the 3×3 group convolutions, default 4. */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Defaults to the number of groups, as in every published model. */
        public Builder optCondenseFactor(int condenseFactor) {
            this.condenseFactor = condenseFactor;
            return this;
        }

        /** Dropout probability in [0, 1), default 0. */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Stem stride, 1 (default) or 2. */
        public Builder optStemStride(int stemStride) {
            this.stemStride = stemStride;
            return this;
        }

        /**
         * Validates and builds (docs/design.md §2.4).
         *
         * @throws InvalidConfigException with a one-line message naming what to change, e.g. a layer input
         *     width not divisible by G or C
         */
        public CondenseNetConfig build() {
            if (stages == null || stages.length == 0) {
                throw invalid("stages are required, e.g. --stages 14-14-14");
            }
            if (growth == null || growth.length != stages.length) {
                throw invalid("need one growth rate per stage: " + (stages.length) + " stages but "
                        + (growth == null ? 0 : growth.length) + " growth rates");
            }
            require(inChannels > 0, "input channels must be positive (got " + inChannels + ")");
            require(imageSize > 0, "image size must be positive (got " + imageSize + ")");
            require(classes > 1, "need at least 2 classes (got " + classes + ")");
            require(bottleneck > 0, "bottleneck must be positive (got " + bottleneck + ")");
            require(groups > 0, "groups must be positive (got " + groups + ")");
            require(stemStride == 1 || stemStride == 2, "stem stride must be 1 or 2 (got " + stemStride + ")");
            require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1) (got " + dropout + ")");
            if (condenseFactor < 0) {
                condenseFactor = groups;
            }
            require(condenseFactor >= 1, "condense factor must be positive (got " + condenseFactor + ")");
            if (groups % condenseFactor != 0 && condenseFactor % groups != 0) {
                // R' = R·G/C must be a whole number of gathered channels per group.
                require(false, "groups " + groups + " and condense factor " + condenseFactor
                        + " must divide one another");
            }
            for (int m = 0; m < stages.length; m++) {
                require(stages[m] > 0, "stage " + (m + 1) + " needs at least one layer");
                require(growth[m] > 0, "growth rate of stage " + (m + 1) + " must be positive");
                require(growth[m] % groups == 0, "growth rate " + growth[m] + " of stage " + (m + 1)
                        + " is not divisible by groups " + groups);
                require((bottleneck * growth[m]) % groups == 0, "bottleneck width " + bottleneck * growth[m]
                        + " is not divisible by groups " + groups);
            }
            // Every learned group conv input width must split evenly into groups and condensed columns.
            int c = 2 * growth[0];
            for (int m = 0; m < stages.length; m++) {
                for (int l = 0; l < stages[m]; l++) {
                    require(c % groups == 0, "layer input width " + c + " (stage " + (m + 1) + ", layer "
                            + (l + 1) + ") is not divisible by groups " + groups);
                    require(c % condenseFactor == 0, "layer input width " + c + " (stage " + (m + 1)
                            + ", layer " + (l + 1) + ") is not divisible by condense factor " + condenseFactor);
                    c += growth[m];
                }
            }
            int size = (imageSize + 2 - 3) / stemStride + 1;
            for (int m = 1; m < stages.length; m++) {
                size /= 2;
            }
            require(size >= 1, "image size " + imageSize + " is too small for " + stages.length
                    + " blocks (each transition halves it)");
            return new CondenseNetConfig(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw invalid(message);
            }
        }

        private static InvalidConfigException invalid(String message) {
            return new InvalidConfigException("invalid CondenseNet config: " + message);
        }
    }
}
