/**
 * The streaming benchmark: model-only and end-to-end runs on a local broker and Flink, throughput per batch
 * size and latency at paced rates, its JSON report and plots (pipeline/README.md, "bench").
 *
 * <p>May import: {@code pipeline.job}, {@code pipeline.kafka}, {@code pipeline.inference},
 * {@code pipeline.frames}, {@code pipeline.wire}, {@code model.store}, {@code model.error}, Flink, Kafka clients,
 * Jackson, JFreeChart. Must not import {@code pipeline.cli} (the command that runs it) or
 * {@code pipeline.produce}; {@code PipelineArchitectureTest} enforces both.
 */
package dev.condensenet.pipeline.bench;
