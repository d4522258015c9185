/**
 * The streaming job: the graph Kafka source -> decode -> micro-batch inference -> Kafka sinks (predictions and
 * dead letters) with source and sinks injected ({@link dev.condensenet.pipeline.job.PipelineGraph}), its Kafka
 * wiring (exactly-once or at-least-once; docs/design.md §9.3), the small immutable settings records it takes,
 * and {@link dev.condensenet.pipeline.job.StreamingJob}'s builder, which runs every setup check before the
 * graph is built. The {@code flink run} entry class is {@code pipeline.cli.JobMain}.
 *
 * <p>May import: Flink, the Kafka connector and clients, {@code pipeline.frames}, {@code pipeline.inference},
 * {@code pipeline.kafka}, {@code pipeline.wire}, {@code model.*}. Must not import {@code pipeline.cli},
 * {@code pipeline.bench} or {@code pipeline.produce}, nor picocli ({@code PipelineArchitectureTest}).
 */
package dev.condensenet.pipeline.job;
