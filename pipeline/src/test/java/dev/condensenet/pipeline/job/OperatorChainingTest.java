package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.MeanIntensityPredictor;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decode, batch, infer and the prediction sink run as one chain in one task: records pass between them by
 * reference, which the decoder's reused output frame and the operator's reused prediction rely on (see
 * {@link PipelineGraph}). A change that broke the chain (a keyBy, a rebalance, a different parallelism)
 * would make object reuse unsafe and ship image bytes over the network, so it fails here. Built with the
 * production Kafka source and sinks, which need no broker to build a graph.
 */
class OperatorChainingTest {

    @ParameterizedTest
    @EnumSource(value = DeliveryGuarantee.class, names = {"AT_LEAST_ONCE", "EXACTLY_ONCE"})
    void decodeBatchInferAndSinksChainIntoOneVertex(DeliveryGuarantee guarantee) {
        KafkaSettings kafka = new KafkaSettings("127.0.0.1:1", "in", "out", "dead", null, null, guarantee,
                new Properties(), 1024);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(3);
        MeanIntensityPredictor.Factory model = new MeanIntensityPredictor.Factory();
        PipelineGraph.build(env, KafkaWiring.source(kafka), KafkaWiring.predictionSink(kafka),
                KafkaWiring.deadLetterSink(kafka), model, model.spec().decoderSettings(FrameLimits.DEFAULT),
                BatchingSettings.DEFAULT, 3);
        List<String> operators = new ArrayList<>();
        for (StreamNode n : env.getStreamGraph(false).getStreamNodes()) {
            operators.add(n.getOperatorName());
        }
        JobGraph job = env.getStreamGraph().getJobGraph();
        List<JobVertex> vertices = new ArrayList<>();
        job.getVertices().forEach(vertices::add);
        assertEquals(1, vertices.size(), "one task per subtask, not " + names(vertices) + " for " + operators);
        JobVertex only = vertices.get(0);
        assertEquals(3, only.getParallelism());
        String name = only.getName();
        for (String stage : List.of("decode", "micro-batch-inference", "predictions", "dead-letters")) {
            assertTrue(name.contains(stage), stage + " in the chain " + name);
        }
        assertTrue(env.getConfig().isObjectReuseEnabled(), "chained operators pass records by reference");
    }

    private static List<String> names(List<JobVertex> vertices) {
        return vertices.stream().map(JobVertex::getName).toList();
    }
}
