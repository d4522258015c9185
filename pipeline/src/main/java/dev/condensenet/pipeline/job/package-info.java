/**
 * The streaming job: the graph Kafka source -> decode -> micro-batch inference -> Kafka sinks (predictions and
 * dead letters), its Kafka wiring (exactly-once or at-least-once), and the {@code flink run} entry point.
 *
 * <p>May import: Flink, the Kafka connector, {@code pipeline.frames}, {@code pipeline.inference},
 * {@code pipeline.kafka}, {@code pipeline.wire}, {@code model.*}.
 */
package dev.condensenet.pipeline.job;
