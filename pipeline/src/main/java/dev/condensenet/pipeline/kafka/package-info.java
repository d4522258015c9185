/**
 * Kafka plumbing outside the job graph: an embedded KRaft broker for the demo, the broker command and tests,
 * admin helpers (topics, reachability) and the frame producer.
 *
 * <p>May import: Kafka (clients, server), {@code pipeline.wire}, {@code model.error}.
 */
package dev.condensenet.pipeline.kafka;
