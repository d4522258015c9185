package dev.condensenet.model.net;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * Builds CondenseNet block trees (docs/design.md §2; paper, Fig. 5) in either form. Input: a float32 NCHW
 * batch {@code (N, inChannels, imageSize, imageSize)}, normalised; output: logits {@code (N, classes)}.
 *
 * <pre>
 * root = Sequential[ features = Sequential[stem, dense layers with 2×2 avg-pool transitions,
 *                                          BN, ReLU, global avg pool, flatten],
 *                    classifier ]
 * </pre>
 *
 * In the {@link Form#TRAINING training} form each dense layer's bottleneck is a {@link LearnedGroupConv}
 * and the classifier a {@link Linear}; in the {@link Form#CONDENSED condensed} form they are
 * {@link CondensedConv} and {@link CondensedLinear}. The two trees have the same shape so the
 * {@link Converter} can walk them side by side.
 */
public final class CondenseNet {

    /** Which network to build. */
    public enum Form {
        /** Learned group convolutions with masks and the full classifier (docs/design.md §2–§3). */
        TRAINING,
        /** Gather + grouped 1×1 + shuffle and the half-width classifier (docs/design.md §4). */
        CONDENSED
    }

    private CondenseNet() {
    }

    /** A builder; {@link Builder#setConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The NCHW input shape for a batch of {@code batch} images. */
    public static Shape inputShape(CondenseNetConfig config, long batch) {
        return new Shape(batch, config.inChannels(), config.imageSize(), config.imageSize());
    }

    /**
     * The feature extractor (everything before the classifier) of a tree built here: NCHW batch →
     * {@code (N, finalChannels)} after global pooling and flattening.
     */
    public static SequentialBlock features(Block root) {
        return (SequentialBlock) root.getChildren().get(0).getValue();
    }

    /** The classifier of a tree built here: {@code (N, finalChannels)} → logits {@code (N, classes)}. */
    public static Block classifier(Block root) {
        return root.getChildren().get(1).getValue();
    }

    /** Builder: {@link #setConfig} is required; the form defaults to training. */
    public static final class Builder {
        private CondenseNetConfig config;
        private Form form = Form.TRAINING;

        /** The architecture to build (required). */
        public Builder setConfig(CondenseNetConfig config) {
            this.config = config;
            return this;
        }

        /** {@link Form#TRAINING} (default) or {@link Form#CONDENSED}. */
        public Builder optForm(Form form) {
            this.form = form;
            return this;
        }

        /**
         * Builds the uninitialised tree; weights get {@link CondenseNetInitializer} when the block is
         * initialised (docs/design.md §2.6).
         *
         * @throws IllegalStateException if no config was set
         */
        public SequentialBlock build() {
            if (config == null) {
                throw new IllegalStateException("CondenseNet.builder() needs setConfig(...)");
            }
            SequentialBlock features = new SequentialBlock();
            features.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(config.stemChannels())
                    .optStride(new Shape(config.stemStride(), config.stemStride()))
                    .optPadding(new Shape(1, 1)).optBias(false).build());
            int channels = config.stemChannels();
            for (int m = 0; m < config.blocks(); m++) {
                if (m > 0) {
                    // Transition: pooling only; later layers still see every earlier feature (FDC).
                    features.add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
                }
                int k = config.growth(m);
                for (int l = 0; l < config.stage(m); l++) {
                    features.add(new DenseLayer(bottleneck(channels, config.bottleneck() * k), channels, k,
                            config.groups()));
                    channels += k;
                }
            }
            features.add(BatchNorms.create());
            features.add(Activation.reluBlock());
            features.add(Pool.globalAvgPool2dBlock());
            features.add(Blocks.batchFlattenBlock());

            Block classifier = form == Form.TRAINING
                    ? Linear.builder().setUnits(config.classes()).build()
                    : new CondensedLinear(channels, config.classes());
            SequentialBlock root = new SequentialBlock();
            root.add(features);
            root.add(classifier);
            root.setInitializer(new CondenseNetInitializer(), Parameter.Type.WEIGHT);
            return root;
        }

        private Block bottleneck(int in, int out) {
            if (form == Form.TRAINING) {
                return LearnedGroupConv.builder().setInChannels(in).setOutChannels(out)
                        .optGroups(config.groups()).optCondenseFactor(config.condenseFactor())
                        .optDropout(config.dropout()).build();
            }
            return new CondensedConv(in, out, config.groups(), config.condenseFactor());
        }
    }
}
