package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Channel gather and channel shuffle, the two data-movement ops of the condensed network (docs/design.md §4.1). */
public final class ChannelOps {

    private ChannelOps() {
    }

    /**
     * {@code x[:, index]}: picks (and may repeat) channels along axis 1, {@code (N, C, …)} →
     * {@code (N, len(index), …)}; {@code index} is a 1-D int64 array on {@code x}'s device. The result belongs
     * to {@code x}'s manager.
     */
    public static NDArray gather(NDArray x, NDArray index) {
        return x.get(new NDIndex(":, {}", index));
    }

    /**
     * ShuffleNet's channel shuffle: (N, O, …) → (N, G, O/G, …) → swap axes 1, 2 → (N, O, …). Output
     * channel {@code c} takes input channel {@code (c mod G)·(O/G) + c div G} (docs/design.md §4.2). O must be
     * divisible by {@code groups}.
     */
    public static NDArray shuffle(NDArray x, int groups) {
        long[] s = x.getShape().getShape();
        long channels = s[1];
        long[] split = new long[s.length + 1];
        split[0] = s[0];
        split[1] = groups;
        split[2] = channels / groups;
        System.arraycopy(s, 2, split, 3, s.length - 2);
        return x.reshape(split).swapAxes(1, 2).reshape(s);
    }
}
