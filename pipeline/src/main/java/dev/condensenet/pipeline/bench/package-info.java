/**
 * The streaming benchmark: model-only and end-to-end runs on a local broker and Flink, throughput per batch
 * size and latency at paced rates, its JSON report and plots.
 *
 * <p>May import: everything below {@code pipeline.cli}. Must not import {@code pipeline.cli}.
 */
package dev.condensenet.pipeline.bench;
