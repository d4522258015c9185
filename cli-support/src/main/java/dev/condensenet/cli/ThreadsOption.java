package dev.condensenet.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --threads N}: libtorch's intra-op threads in this JVM (training, evaluation, inference), 0 for
 * one per core. Each command picks its default: one per core for the training jar, one for the streaming
 * job, where each subtask runs its own model and Kafka and Flink need the other cores.
 */
public final class ThreadsOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch intra-op threads in this JVM, 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    /** A mixin whose default is {@code defaultThreads} (0 = one per core). */
    public ThreadsOption(int defaultThreads) {
        this.threads = defaultThreads;
    }

    /** The training jar's default: one thread per core. */
    public ThreadsOption() {
        this(0);
    }

    /**
     * The thread count, 0 for one per core (what {@code TorchRuntime.init} takes).
     *
     * @throws ParameterException for a negative count
     */
    public int get() {
        if (threads < 0) {
            throw new ParameterException(spec.commandLine(), "--threads " + threads
                    + ": use 0 (one per core) or a positive number");
        }
        return threads;
    }
}
