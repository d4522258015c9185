/**
 * The wire format between Kafka and the job (pipeline/README.md, "Wire format"): the input record
 * ({@link dev.condensenet.pipeline.wire.FrameRecord}), the prediction
 * ({@link dev.condensenet.pipeline.wire.Prediction}, JSON by {@link dev.condensenet.pipeline.wire.PredictionJson})
 * and the dead letter ({@link dev.condensenet.pipeline.wire.DeadLetter}) as Flink POJOs, their Kafka
 * (de)serializers, the header names and size limits ({@link dev.condensenet.pipeline.wire.Headers}) and the
 * default topic names ({@link dev.condensenet.pipeline.wire.Topics}). Why dead letters are bounded:
 * docs/design.md §9.3.
 *
 * <p>May import: Kafka clients, the Flink Kafka connector's (de)serialization schemas and Flink's type and
 * collector interfaces, {@code model.error} (its one-line helper), the JDK. The bottom of the pipeline: it
 * imports no other pipeline package ({@code PipelineArchitectureTest}).
 */
package dev.condensenet.pipeline.wire;
