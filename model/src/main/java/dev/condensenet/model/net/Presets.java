package dev.condensenet.model.net;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The published configurations plus the Fashion-MNIST variants (docs/design.md §2.5; their counts: §11). */
public final class Presets {

    private static final Map<String, CondenseNetConfig> PRESETS = new LinkedHashMap<>();

    static {
        cifar("cifar10-50", 10, 8, 8, 16, 32);
        cifar("cifar10-74", 10, 12, 8, 16, 32);
        cifar("cifar10-86", 10, 14, 8, 16, 32);
        cifar("cifar10-98", 10, 16, 8, 16, 32);
        cifar("cifar10-110", 10, 18, 8, 16, 32);
        cifar("cifar10-122", 10, 20, 8, 16, 32);
        cifar("cifar10-182", 10, 30, 12, 24, 48);
        cifar("cifar100-86", 100, 14, 8, 16, 32);
        imagenet("imagenet-74-c4", 4);
        imagenet("imagenet-74-c8", 8);
        fmnist("fmnist-26", 4);
        fmnist("fmnist-50", 8);
        fmnist("fmnist-86", 14);
    }

    private Presets() {
    }

    private static void cifar(String name, int classes, int layers, int... growth) {
        PRESETS.put(name, CondenseNetConfig.builder()
                .setStages(layers, layers, layers).setGrowth(growth)
                .setInChannels(3).setImageSize(32).setClasses(classes).build());
    }

    private static void imagenet(String name, int g) {
        PRESETS.put(name, CondenseNetConfig.builder()
                .setStages(4, 6, 8, 10, 8).setGrowth(8, 16, 32, 64, 128)
                .optGroups(g).optCondenseFactor(g)
                .setInChannels(3).setImageSize(224).setClasses(1000).optStemStride(2).build());
    }

    private static void fmnist(String name, int layers) {
        PRESETS.put(name, CondenseNetConfig.builder()
                .setStages(layers, layers, layers).setGrowth(8, 16, 32)
                .setInChannels(1).setImageSize(28).setClasses(10).build());
    }

    /** Preset names in a fixed order: CIFAR, ImageNet, Fashion-MNIST. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(PRESETS.keySet());
    }

    /**
     * The named preset.
     *
     * @throws InvalidConfigException for an unknown name, listing the known ones
     */
    public static CondenseNetConfig get(String name) {
        CondenseNetConfig config = PRESETS.get(name);
        if (config == null) {
            throw new InvalidConfigException("unknown preset '" + name + "': choose one of "
                    + String.join(", ", PRESETS.keySet()));
        }
        return config;
    }
}
