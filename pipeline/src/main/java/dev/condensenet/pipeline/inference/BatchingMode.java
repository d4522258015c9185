package dev.condensenet.pipeline.inference;

/** Who runs a subtask's micro-batches ({@code --batching}). */
public enum BatchingMode {
    /** Each subtask loads its own model and runs its batches on its own task thread. */
    PER_SUBTASK,
    /**
     * All subtasks of a TaskManager JVM that run the same model on the same device hand their batches to one
     * {@link SharedBatcher}, which merges what is queued into batches of up to {@code --max-batch} frames: a
     * GPU runs one large batch in about the time of one small one.
     */
    SHARED,
    /**
     * As {@link #PER_SUBTASK}, but the batch runs on an inference thread of the subtask while the task thread
     * decodes the next one: at most one batch in flight, predictions emitted in input order (see
     * {@link MicroBatchInferenceOperator}). Opt-in: on this project's 2-core CPU it lowered the latency at half
     * the peak, and its throughput gain was within the machine's noise (BENCHMARKS.md, "Decode and inference
     * overlapped").
     */
    OVERLAPPED;

    /** The flag's spelling: {@code per-subtask}, {@code shared} or {@code overlapped}. */
    public String flagValue() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException naming the flag and its values */
    public static BatchingMode parse(String value) {
        for (BatchingMode m : values()) {
            if (m.flagValue().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--batching must be per-subtask, shared or overlapped, not " + value);
    }
}
