package dev.condensenet.model.store;

import java.util.List;

/** Fashion-MNIST's ten labels in class-index order (zalando's README). */
public final class FashionMnistClasses {

    /** The labels, index = class (unmodifiable). */
    public static final List<String> NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnistClasses() {
    }
}
