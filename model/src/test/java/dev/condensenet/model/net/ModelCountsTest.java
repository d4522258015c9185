package dev.condensenet.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** docs/design.md §11, checks 2–4 and 6–11: the counts the authors' code gives, from the config alone. */
class ModelCountsTest {

    private static ModelCounts counts(String preset) {
        return ModelCounts.of(Presets.get(preset));
    }

    @Test
    void cifar10CondenseNet86() {
        ModelCounts c = counts("cifar10-86");
        assertEquals(1_451_594, c.trainParams());
        assertEquals(520_202, c.trainParamsOfficial());
        assertEquals(65_816_394, c.trainFlops());
        assertEquals(516_202, c.convertedParams());
        assertEquals(65_812_394, c.convertedFlops());
    }

    @Test
    void cifar100CondenseNet86() {
        ModelCounts c = counts("cifar100-86");
        assertEquals(592_292, c.trainParamsOfficial());
        assertEquals(65_888_484, c.trainFlops());
        assertEquals(552_292, c.convertedParams());
    }

    @Test
    void cifar10CondenseNet50() {
        ModelCounts c = counts("cifar10-50");
        assertEquals(522_938, c.trainParams());
        assertEquals(214_186, c.convertedParams());
        assertEquals(28_639_514, c.convertedFlops());
        assertEquals(216_506, c.trainParamsOfficial());
        assertEquals(28_641_834, c.trainFlops());
    }

    @Test
    void cifar10CondenseNet182() {
        ModelCounts c = counts("cifar10-182");
        assertEquals(13_792_906, c.trainParams());
        assertEquals(4_209_226, c.convertedParams());
        assertEquals(512_658_874, c.convertedFlops());
    }

    @Test
    void imagenetCondenseNet74() {
        ModelCounts c4 = counts("imagenet-74-c4");
        assertEquals(11_922_680, c4.trainParams());
        assertEquals(4_773_944, c4.convertedParams());
        assertEquals(529_328_264, c4.convertedFlops());
        ModelCounts c8 = counts("imagenet-74-c8");
        assertEquals(11_103_608, c8.trainParams());
        assertEquals(2_935_416, c8.convertedParams());
        assertEquals(274_233_480, c8.convertedFlops());
    }

    @Test
    void fashionMnistVariants() {
        ModelCounts c86 = counts("fmnist-86");
        assertEquals(1_451_306, c86.trainParams());
        assertEquals(515_914, c86.convertedParams());
        assertEquals(50_162_762, c86.convertedFlops());
        ModelCounts c50 = counts("fmnist-50");
        assertEquals(522_650, c50.trainParams());
        assertEquals(213_898, c50.convertedParams());
        assertEquals(21_701_882, c50.convertedFlops());
        ModelCounts c26 = counts("fmnist-26");
        assertEquals(159_226, c26.trainParams());
        assertEquals(80_074, c26.convertedParams());
        CondenseNetConfig c38 = Presets.get("fmnist-26").toBuilder().setStages(6, 6, 6).build();
        assertEquals(315_370, ModelCounts.of(c38).trainParams());
        assertEquals(140_234, ModelCounts.of(c38).convertedParams());
    }

    @Test
    void channelBookkeeping() {
        CondenseNetConfig c = Presets.get("cifar10-86");
        assertEquals(800, c.finalChannels());
        assertEquals(42, c.layers());
        assertEquals(86, c.depth());
        assertEquals(2064, Presets.get("imagenet-74-c4").finalChannels());
        assertEquals(112, Presets.get("imagenet-74-c4").stemOutputSize());
    }
}
