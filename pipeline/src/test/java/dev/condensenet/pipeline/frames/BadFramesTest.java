package dev.condensenet.pipeline.frames;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.wire.DeadLetter;
import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.Headers;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every kind in {@code testdata/bad-frames/} through the job's decode step (the real DecodeFunction in
 * Flink's operator harness): each gets exactly the documented outcome, with bounded memory and time,
 * and the good frame after it decodes exactly as before. The same rows go through Kafka and Flink in
 * {@code BadFramesPipelineTest}.
 */
@Timeout(120)
class BadFramesTest {
    /** Far below what decoding a refused image would take (a 30 MP raster alone is 30 MB). */
    static final long MAX_ALLOCATED_BYTES_PER_FRAME = 16L << 20;
    static final long MAX_MILLIS_PER_FRAME = 2000;

    @Test
    void theManifestDocumentsEveryFileAndAtLeastTwentyKinds() throws Exception {
        List<BadFrames.Row> rows = BadFrames.rows();
        assertTrue(rows.size() >= 20, rows.size() + " kinds");
        Set<String> listed = rows.stream().map(BadFrames.Row::file).collect(Collectors.toCollection(TreeSet::new));
        try (Stream<Path> files = Files.list(BadFrames.dir())) {
            Set<String> present = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("frames.csv") && !n.equals("README.md"))
                    .collect(Collectors.toCollection(TreeSet::new));
            listed.remove("(null)");
            assertEquals(present, listed, "files in testdata/bad-frames vs rows of frames.csv");
        }
        Set<String> outcomes = rows.stream().map(BadFrames.Row::expected).collect(Collectors.toSet());
        for (FrameError e : FrameError.values()) {
            assertTrue(outcomes.contains(e.name()), "a row for " + e);
        }
    }

    @Test
    void eachKindGetsItsOutcomeWithBoundedMemoryAndTime() throws Exception {
        DecoderSettings settings = new DecoderSettings(1, 28, 28, new float[] {0.29f}, new float[] {0.35f},
                DecoderSettings.DEFAULT_MAX_PIXELS, BadFrames.MAX_FRAME_BYTES);
        byte[] good = Files.readAllBytes(BadFrames.dir().resolve("good.png"));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (OneInputStreamOperatorTestHarness<FrameRecord, DecodedFrame> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction(settings))) {
            float[] reference = decodeGood(h, good, -1).clone();
            List<String> failures = new ArrayList<>();
            long offset = 0;
            long totalMs = 0;
            long maxAllocated = 0;
            for (BadFrames.Row row : BadFrames.rows()) {
                FrameRecord record = new FrameRecord(row.key(), row.value(), row.headerNames(), row.headerValues(),
                        "frames", 0, offset++, 1_700_000_000_000L);
                long bytes = threads.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                h.processElement(record, 0);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long allocated = threads.getCurrentThreadAllocatedBytes() - bytes;
                String outcome = outcome(h, row, record);
                if (!row.expected().equals(outcome)) {
                    failures.add(row.file() + " (" + row.kind() + "): expected " + row.expected() + ", got " + outcome);
                }
                assertTrue(allocated < MAX_ALLOCATED_BYTES_PER_FRAME, row.file() + " allocated " + allocated + " bytes");
                assertTrue(ms < MAX_MILLIS_PER_FRAME, row.file() + " took " + ms + " ms");
                totalMs += ms;
                maxAllocated = Math.max(maxAllocated, allocated);
                // A bad frame leaves nothing behind: the next good frame decodes exactly as the first one.
                assertArrayEquals(reference, decodeGood(h, good, offset++), "good frame after " + row.file());
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            System.out.printf("bad frames: %d kinds decoded in %d ms in all, at most %d KB allocated for one%n",
                    BadFrames.rows().size(), totalMs, maxAllocated / 1024);
        }
    }

    private static float[] decodeGood(OneInputStreamOperatorTestHarness<FrameRecord, DecodedFrame> h, byte[] png,
                                      long offset) throws Exception {
        h.processElement(new FrameRecord(null, png, new String[0], new byte[0][], "frames", 0, offset, 1L), 0);
        List<DecodedFrame> out = h.extractOutputValues();
        assertEquals(1, out.size());
        h.getOutput().clear();
        return out.get(0).pixels.clone();
    }

    /** A valid image with a huge frame-id or key is refused: both would be copied into its prediction. */
    @Test
    void overLongFrameIdOrKeyIsDeadLetteredAsBadHeader() throws Exception {
        DecoderSettings settings = new DecoderSettings(1, 28, 28, new float[] {0.29f}, new float[] {0.35f},
                DecoderSettings.DEFAULT_MAX_PIXELS, BadFrames.MAX_FRAME_BYTES);
        byte[] good = Files.readAllBytes(BadFrames.dir().resolve("good.png"));
        byte[] longId = new byte[Headers.MAX_FRAME_ID_BYTES + 1];
        byte[] longKey = new byte[Headers.MAX_KEY_BYTES + 1];
        java.util.Arrays.fill(longId, (byte) 'i');
        java.util.Arrays.fill(longKey, (byte) 'k');
        try (OneInputStreamOperatorTestHarness<FrameRecord, DecodedFrame> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction(settings))) {
            h.processElement(new FrameRecord(null, good, new String[] {Headers.FRAME_ID},
                    new byte[][] {longId}, "frames", 0, 0, 1L), 0);
            h.processElement(new FrameRecord(longKey, good, new String[0], new byte[0][], "frames", 0, 1, 1L), 0);
            h.processElement(new FrameRecord(java.util.Arrays.copyOf(longKey, Headers.MAX_KEY_BYTES), good,
                    new String[] {Headers.FRAME_ID},
                    new byte[][] {java.util.Arrays.copyOf(longId, Headers.MAX_FRAME_ID_BYTES)},
                    "frames", 0, 2, 1L), 0);
            assertEquals(1, h.extractOutputValues().size(), "the record at both limits is classified");
            List<DeadLetter> dead = h.getSideOutput(DecodeFunction.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).toList();
            assertEquals(2, dead.size());
            for (DeadLetter d : dead) {
                assertEquals(FrameError.BAD_HEADER.name(), d.errorClass, d.error);
            }
        }
    }

    /** "classified" (one decoded frame with the right id and stream) or the dead letter's error class. */
    private static String outcome(OneInputStreamOperatorTestHarness<FrameRecord, DecodedFrame> h, BadFrames.Row row,
                                  FrameRecord record) {
        List<DecodedFrame> out = h.extractOutputValues();
        var dead = h.getSideOutput(DecodeFunction.DEAD_LETTERS);
        List<DeadLetter> letters = dead == null ? List.of() : dead.stream().map(StreamRecord::getValue).toList();
        h.getOutput().clear();
        if (dead != null) {
            dead.clear();
        }
        if (out.size() + letters.size() != 1) {
            return out.size() + " outputs and " + letters.size() + " dead letters";
        }
        if (!out.isEmpty()) {
            DecodedFrame f = out.get(0);
            String id = row.frameId() != null ? row.frameId() : record.coordinates();
            assertEquals(id, f.frameId, row.file());
            assertEquals(row.key() == null ? null : new String(row.key(), java.nio.charset.StandardCharsets.UTF_8),
                    f.stream, row.file());
            for (float v : f.pixels) {
                assertFalse(Float.isNaN(v) || Float.isInfinite(v), row.file() + " decoded to a non-finite value");
            }
            return BadFrames.CLASSIFIED;
        }
        DeadLetter d = letters.get(0);
        assertEquals(record.offset, d.source.offset, "the dead letter carries the original record");
        assertArrayEquals(record.value, d.source.value, "with its original bytes");
        assertFalse(d.error.isBlank() || d.error.contains("\n"), row.file() + ": one-line reason: " + d.error);
        return d.errorClass;
    }
}
