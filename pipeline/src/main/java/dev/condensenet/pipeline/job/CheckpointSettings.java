package dev.condensenet.pipeline.job;

/**
 * Checkpointing and restarts of the job.
 *
 * @param intervalMs     checkpoint interval in milliseconds (>= 100); with exactly-once output, predictions
 *                       become visible once per checkpoint
 * @param directory      durable checkpoint location ({@code file:///...}, {@code s3://...}), or null for the
 *                       cluster's configuration (the JobManager's memory locally)
 * @param restartDelayMs pause before a restart after a failure, in milliseconds (>= 0)
 */
public record CheckpointSettings(long intervalMs, String directory, long restartDelayMs) {

    public static final CheckpointSettings DEFAULT = new CheckpointSettings(5000, null, 5000);

    /** @throws IllegalArgumentException naming the flag that is out of range */
    public CheckpointSettings {
        if (intervalMs < 100) {
            throw new IllegalArgumentException("--checkpoint-interval must be >= 100 ms, not " + intervalMs);
        }
        if (restartDelayMs < 0) {
            throw new IllegalArgumentException("--restart-delay-ms must be >= 0, not " + restartDelayMs);
        }
    }

    public CheckpointSettings withIntervalMs(long ms) {
        return new CheckpointSettings(ms, directory, restartDelayMs);
    }

    public CheckpointSettings withRestartDelayMs(long ms) {
        return new CheckpointSettings(intervalMs, directory, ms);
    }
}
