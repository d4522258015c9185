package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.model.BadModels;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a {@code flink run} client cannot see (it reads config.json only, without libtorch): damaged
 * parameters fail the job in the TaskManager at once, with the one-line reason as root cause and no
 * restart, although the job's restart strategy would allow five.
 */
@Timeout(180)
class BadModelJobTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    /** Longer than the wait below: a job that restarted even once could not have failed in time. */
    static final long RESTART_DELAY_MS = 120_000;

    @TempDir
    static Path tmp;
    static Path good;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void setUp() throws Exception {
        good = tmp.resolve("good");
        ModelDirectory.writeUntrained(good, "fmnist-26");
        kafka = EmbeddedKafka.start();
        try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
            KafkaClients.ensureTopics(admin, Map.of("frames", 1, "predictions", 1, "dead-letters", 1), (short) 1);
        }
    }

    @AfterAll
    static void tearDown() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = BadModels.class, names = {"TRUNCATED_PARAMETERS", "CONFIG_PARAMETER_MISMATCH", "WRONG_INPUT_CHANNELS"})
    void damagedParametersFailTheJobFastWithoutRestarts(BadModels kind) throws Exception {
        // As under flink run: flags, config.json and topics are checked, the parameters are not loaded.
        StreamingJob.Prepared job = StreamingJob.builder()
                .setKafka(KafkaSettings.of(kafka.bootstrapServers()))
                .setModel(kind.create(good, tmp))
                .optDevice(DeviceSpec.CPU)
                .optCheckpoints(CheckpointSettings.DEFAULT.withRestartDelayMs(RESTART_DELAY_MS))
                .prepare();
        long t0 = System.nanoTime();
        JobClient client = job.env().executeAsync("bad-model-" + kind);
        final ExecutionException failure;
        failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> client.getJobExecutionResult().get(60, TimeUnit.SECONDS), kind + ": the job ran");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class).isPresent(),
                kind + ": restarts suppressed: " + ExceptionUtils.stringifyException(failure));
        String reason = ExceptionUtils.findThrowable(failure, ModelDirectoryException.class)
                .map(Throwable::getMessage).orElseThrow(() -> new AssertionError(kind + ": no model error in "
                        + ExceptionUtils.stringifyException(failure)));
        assertTrue(reason.contains(kind.message) && !reason.contains("\n"), kind + ": one-line reason: " + reason);
        assertEquals(reason, UserError.oneLine(failure), "what the run command prints");
        System.out.printf("%s: job failed after %d s without restarts: %s%n", kind, seconds, reason);
    }
}
