package dev.condensenet.pipeline.inference;

import java.io.Serializable;

/**
 * How a job serving a model root ({@code --model-root}) follows it: how often each subtask looks for a new
 * version ({@code --model-poll-interval-s}), an optional pinned version ({@code --model-version}, 0 = follow
 * the highest), and whether a new version may change the class set or the input shape
 * ({@code --allow-label-change}).
 *
 * @param pollIntervalMs  between two looks at the root, ms, >= 1
 * @param pinnedVersion   serve only this version, or 0 for the highest complete one
 * @param allowLabelChange accept a version whose class names, class count or input (channels, size) differ:
 *                        predictions then carry its labels, and frames are mapped to its input
 *                        ({@link HotSwapPredictor})
 */
public record ModelSwapSettings(long pollIntervalMs, long pinnedVersion, boolean allowLabelChange)
        implements Serializable {
    /** Poll every 10 s, follow the highest version, same labels only. */
    public static final ModelSwapSettings DEFAULT = new ModelSwapSettings(10_000, 0, false);

    /** @throws IllegalArgumentException naming the flag for a value out of range */
    public ModelSwapSettings {
        if (pollIntervalMs < 1) {
            throw new IllegalArgumentException("--model-poll-interval-s must be > 0, not " + pollIntervalMs / 1000.0);
        }
        if (pinnedVersion < 0) {
            throw new IllegalArgumentException("--model-version must be >= 1, not " + pinnedVersion);
        }
    }
}
