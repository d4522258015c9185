package dev.condensenet.pipeline.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.pipeline.frames.FrameError;
import dev.condensenet.pipeline.wire.DeadLetter;
import dev.condensenet.pipeline.wire.DeadLetterSerializer;
import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.Prediction;
import dev.condensenet.pipeline.wire.PredictionSerializer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** Serialization of predictions and dead letters, and the input headers' defaults. */
class WireFormatTest {
    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static Prediction prediction(String stream) {
        Prediction p = new Prediction();
        p.stream = stream;
        p.frameId = "f-1";
        p.label = "Ankle boot";
        p.classIndex = 9;
        p.score = 0.75f;
        p.topKLabels = new String[] {"Ankle boot", "Sneaker"};
        p.topKScores = new float[] {0.75f, 1.0e-5f};
        p.model = "m";
        p.modelVersion = 3;
        p.captureTs = 1000;
        p.inferenceTs = 1017;
        p.latencyMs = 17;
        p.batchSize = 4;
        return p;
    }

    @Test
    void predictionIsValidJsonEvenWithAwkwardStreamNames() throws Exception {
        PredictionSerializer ser = new PredictionSerializer("predictions");
        String stream = "cam \"7\"\\\n\t\u0001é";
        for (int i = 0; i < 2; i++) { // the builder is reused: the second record must not carry the first
            ProducerRecord<byte[], byte[]> r = ser.serialize(prediction(stream), null, null);
            assertEquals("predictions", r.topic());
            assertEquals(stream, str(r.key()));
            assertEquals("f-1", str(r.headers().lastHeader("frame-id").value()));
            JsonNode j = new ObjectMapper().readTree(r.value());
            assertEquals(stream, j.get("stream").asText());
            assertEquals(9, j.get("classIndex").asInt());
            assertEquals(0.75, j.get("score").asDouble(), 1e-9);
            assertEquals(1.0e-5, j.get("topK").get(1).get("score").asDouble(), 1e-12);
            assertEquals("Sneaker", j.get("topK").get(1).get("label").asText());
            assertEquals(17, j.get("latencyMs").asLong());
            assertEquals(4, j.get("batchSize").asInt());
            assertEquals(3, j.get("modelVersion").asLong());
            assertEquals("3", str(r.headers().lastHeader("model-version").value()));
            assertEquals(12, j.size());
        }
        ProducerRecord<byte[], byte[]> noKey = ser.serialize(prediction(null), null, null);
        assertEquals(null, noKey.key());
        assertEquals(true, new ObjectMapper().readTree(noKey.value()).get("stream").isNull());
    }

    @Test
    void deadLetterKeepsTheRecordAndAddsTheReason() {
        FrameRecord src = new FrameRecord("cam".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2},
                new String[] {"frame-id", "x-custom"}, new byte[][] {"f9".getBytes(StandardCharsets.UTF_8), {7}},
                "frames", 1, 42, 5);
        DeadLetter d = new DeadLetter(src, "bad\nthing   here", FrameError.CORRUPT.name());
        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq").serialize(d, null, null);
        assertEquals("dlq", r.topic());
        assertArrayEquals(src.key, r.key());
        assertArrayEquals(src.value, r.value());
        Header[] h = r.headers().toArray();
        assertEquals(7, h.length);
        assertEquals("f9", str(r.headers().lastHeader("frame-id").value()));
        assertArrayEquals(new byte[] {7}, r.headers().lastHeader("x-custom").value());
        assertEquals("bad thing here", str(r.headers().lastHeader("error").value()));
        assertEquals("CORRUPT", str(r.headers().lastHeader("error-class").value()));
        assertEquals("frames", str(r.headers().lastHeader("source-topic").value()));
        assertEquals("1", str(r.headers().lastHeader("source-partition").value()));
        assertEquals("42", str(r.headers().lastHeader("source-offset").value()));
    }

    @Test
    void deadLetterOverItsLimitKeepsABoundedPrefixWithSizeAndHash() {
        byte[] value = new byte[5000];
        new java.util.Random(1).nextBytes(value);
        FrameRecord src = new FrameRecord(new byte[300], value, new String[] {"frame-id", "x-big", "x-small"},
                new byte[][] {"f1".getBytes(StandardCharsets.UTF_8), new byte[2000], {9}}, "frames", 0, 3, 5);
        DeadLetter d = new DeadLetter(src, "too big", FrameError.TOO_LARGE.name());
        // 1000 bytes: key 300, frame-id 8+2+10, x-big dropped, x-small 7+1+10, value the remaining 662.
        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq", 1000).serialize(d, null, null);
        assertArrayEquals(src.key, r.key());
        assertArrayEquals(java.util.Arrays.copyOf(value, 662), r.value());
        assertEquals("f1", str(r.headers().lastHeader("frame-id").value()));
        assertEquals(null, r.headers().lastHeader("x-big"));
        assertArrayEquals(new byte[] {9}, r.headers().lastHeader("x-small").value());
        assertEquals("value,headers", str(r.headers().lastHeader("truncated").value()));
        assertEquals("5000", str(r.headers().lastHeader("original-size").value()));
        assertEquals(java.util.HexFormat.of().formatHex(sha256(value)),
                str(r.headers().lastHeader("original-sha256").value()));
        assertEquals("TOO_LARGE", str(r.headers().lastHeader("error-class").value()));
        assertEquals("3", str(r.headers().lastHeader("source-offset").value()));

        // A key over the limit: cut too, nothing else of the original fits.
        ProducerRecord<byte[], byte[]> k = new DeadLetterSerializer("dlq", 100).serialize(d, null, null);
        assertEquals(100, k.key().length);
        assertEquals(0, k.value().length);
        assertEquals("value,headers,key", str(k.headers().lastHeader("truncated").value()));
        assertEquals(null, k.headers().lastHeader("frame-id"));
        assertEquals("5000", str(k.headers().lastHeader("original-size").value()));

        // Exactly at the limit: unchanged, no extra headers.
        FrameRecord fits = new FrameRecord(null, java.util.Arrays.copyOf(value, 1000 - 20), new String[] {"frame-id"},
                new byte[][] {"f1".getBytes(StandardCharsets.UTF_8)}, "frames", 0, 3, 5);
        ProducerRecord<byte[], byte[]> f = new DeadLetterSerializer("dlq", 1000)
                .serialize(new DeadLetter(fits, "x", "CORRUPT"), null, null);
        assertArrayEquals(fits.value, f.value());
        assertEquals(6, f.headers().toArray().length);
        assertEquals(null, f.headers().lastHeader("truncated"));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
