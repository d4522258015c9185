package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;

/** One place sets the parallelism on a cluster (parallelism.default, from job.parallelism); the flag still wins. */
class ParallelismTest {
    @Test
    void clusterDefaultWinsOverPartitionsAndTheFlagWinsOverBoth() {
        Configuration cluster = new Configuration();
        assertEquals(4, StreamingJob.parallelism(null, cluster, 4), "no setting: one subtask per partition");
        cluster.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        assertEquals(2, StreamingJob.parallelism(null, cluster, 4), "the operator's job.parallelism");
        assertEquals(3, StreamingJob.parallelism(3, cluster, 4), "--parallelism");
    }
}
