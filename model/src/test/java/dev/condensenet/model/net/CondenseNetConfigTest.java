package dev.condensenet.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CondenseNetConfigTest {

    private static CondenseNetConfig.Builder cifar() {
        return CondenseNetConfig.builder().setStages(2, 2, 2).setGrowth(8, 16, 32)
                .setInChannels(3).setImageSize(32).setClasses(10);
    }

    @Test
    void everyPresetBuilds() {
        assertEquals(13, Presets.names().size());
        for (String name : Presets.names()) {
            CondenseNetConfig c = Presets.get(name);
            assertEquals(c.groups(), c.condenseFactor(), name);
        }
        assertEquals(Presets.get("cifar10-86"), Presets.get("cifar10-86").toBuilder().build());
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Presets.get("resnet"));
        assertTrue(e.getMessage().contains("fmnist-26"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void growthNotDivisibleByGroupsIsRefused() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> cifar().setGrowth(6, 12, 24).build());
        assertTrue(e.getMessage().contains("growth rate 6"), e.getMessage());
    }

    @Test
    void channelsNotDivisibleByCondenseFactorAreRefused() {
        // Stem 2·8 = 16 inputs, then 16 + 8 = 24: fine for 8 groups? 24 % 16 != 0 for C = 16.
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> cifar().optGroups(8).optCondenseFactor(16).build());
        assertTrue(e.getMessage().contains("condense factor 16"), e.getMessage());
        assertThrows(InvalidConfigException.class, () -> cifar().optGroups(3).optCondenseFactor(3).build());
    }

    @Test
    void mismatchedListsAndBadNumbersAreRefused() {
        assertThrows(InvalidConfigException.class, () -> cifar().setGrowth(8, 16).build());
        assertThrows(InvalidConfigException.class, () -> cifar().setClasses(1).build());
        assertThrows(InvalidConfigException.class, () -> cifar().setImageSize(0).build());
        assertThrows(InvalidConfigException.class, () -> cifar().optDropout(1.5f).build());
        assertThrows(InvalidConfigException.class, () -> cifar().optStemStride(3).build());
        assertThrows(InvalidConfigException.class, () -> cifar().setImageSize(1).setStages(1, 1, 1, 1, 1, 1)
                .setGrowth(8, 8, 8, 8, 8, 8).build());
    }
}
