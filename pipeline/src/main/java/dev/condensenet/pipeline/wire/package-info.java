/**
 * The wire format between Kafka and the job (pipeline/README.md, "Wire format"): the input record, the
 * prediction and the dead letter as Flink POJOs, their Kafka (de)serializers, header names, limits and default
 * topic names.
 *
 * <p>May import: Kafka clients, the Flink connector's serialization interfaces, the JDK. The bottom of the
 * pipeline: it imports no other pipeline package.
 */
package dev.condensenet.pipeline.wire;
