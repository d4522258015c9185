package dev.condensenet.pipeline.frames;

import dev.condensenet.pipeline.wire.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code testdata/bad-frames/frames.csv}: one row per kind of bad (or odd) record, with the file holding
 * its value, its key and headers, and the outcome the job must give it ({@code classified} or an
 * {@link FrameError} name). Shared by the decoder test and the Kafka/Flink test.
 */
public final class BadFrames {
    /** The byte limit the expectations assume ({@code over-size-limit.png} is above it). */
    public static final int MAX_FRAME_BYTES = 200_000;
    public static final String CLASSIFIED = "classified";

    /**
     * One record to send. {@code frameId} is null when the row sends no frame-id header; {@code label} is
     * the class the shipped model must give a {@code classified} row written {@code classified:Label}
     * (a frame a viewer shows as that sample), else null.
     */
    public record Row(String file, byte[] key, byte[] value, List<String[]> headers, String expected, String kind,
                      String frameId, String label) {
        public RecordHeaders kafkaHeaders() {
            RecordHeaders h = new RecordHeaders();
            headers.forEach(kv -> h.add(kv[0], kv[1].getBytes(StandardCharsets.UTF_8)));
            return h;
        }

        public String[] headerNames() {
            return headers.stream().map(kv -> kv[0]).toArray(String[]::new);
        }

        public byte[][] headerValues() {
            return headers.stream().map(kv -> kv[1].getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        }
    }

    private BadFrames() {}

    public static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("testdata").resolve("bad-frames");
            if (Files.isRegularFile(d.resolve("frames.csv"))) {
                return d;
            }
        }
        throw new IllegalStateException("testdata/bad-frames/frames.csv not found above " + Path.of("").toAbsolutePath());
    }

    public static List<Row> rows() throws IOException {
        Path dir = dir();
        List<String> lines = Files.readAllLines(dir.resolve("frames.csv"), StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split(",", 5);
            byte[] value = c[0].equals("(null)") ? null : Files.readAllBytes(dir.resolve(c[0]));
            byte[] key = c[1].equals("(none)") ? null : c[1].getBytes(StandardCharsets.UTF_8);
            List<String[]> headers = new ArrayList<>();
            String frameId = null;
            if (!c[2].equals("(none)") && !c[2].isBlank()) {
                for (String h : c[2].split(" ")) {
                    String[] kv = h.split("=", 2);
                    headers.add(kv);
                    if (kv[0].equals(Headers.FRAME_ID)) {
                        frameId = kv[1]; // Kafka keeps repeats; the last one counts
                    }
                }
            }
            String[] outcome = c[3].split(":", 2);
            rows.add(new Row(c[0], key, value, headers, outcome[0], c[4], frameId, outcome.length > 1 ? outcome[1] : null));
        }
        return rows;
    }
}
