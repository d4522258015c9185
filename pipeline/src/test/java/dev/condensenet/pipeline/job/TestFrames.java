package dev.condensenet.pipeline.job;

import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.kafka.FrameProducer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Frames for integration tests: the shipped Fashion-MNIST sample when it exists (with labels), else
 * generated images; plus malformed frames, each with the error class the job must give it.
 */
final class TestFrames {
    /** frame id → expected label (null when unknown). Insertion order = send order. */
    final Map<String, String> good = new LinkedHashMap<>();
    /** frame id (or source coordinates for frames without an id) → expected error class. */
    final Map<String, String> bad = new LinkedHashMap<>();
    private final List<Runnable> sends = new ArrayList<>();

    static TestFrames create(FrameProducer producer, int goodCount) throws IOException {
        TestFrames f = new TestFrames();
        var sample = Testdata.fashionMnistSample();
        Map<String, String> labels = sample.map(Testdata::labels).orElse(Map.of());
        int i = 0;
        if (!labels.isEmpty()) {
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (i == goodCount) {
                    break;
                }
                byte[] png = Files.readAllBytes(sample.get().resolve(e.getKey()));
                String id = "good-" + i++;
                f.good.put(id, e.getValue());
                f.sends.add(() -> producer.send("cam-" + (id.hashCode() & 1), id, System.currentTimeMillis(), png));
            }
        }
        Random r = new Random(42);
        String[] formats = {"png", "jpeg", "bmp", "gif"};
        while (i < goodCount) {
            int size = 20 + r.nextInt(30);
            int seed = r.nextInt();
            byte[] img = TestImages.encode(TestImages.gray(size, size, (x, y) -> (x * seed + y * 7) & 0xff),
                    formats[i % formats.length]);
            String id = "good-" + i++;
            f.good.put(id, null);
            f.sends.add(() -> producer.send("cam-" + (id.hashCode() & 1), id, System.currentTimeMillis(), img));
        }
        byte[] png = TestImages.encode(TestImages.gray(28, 28, (x, y) -> x * 9), "png");
        f.bad(producer, "bad-empty", "EMPTY", new byte[0]);
        f.bad(producer, "bad-null", "EMPTY", null);
        f.bad(producer, "bad-text", "UNKNOWN_FORMAT", "this is not an image".getBytes(StandardCharsets.UTF_8));
        byte[] noise = new byte[2000];
        r.nextBytes(noise);
        f.bad(producer, "bad-noise", "UNKNOWN_FORMAT", noise);
        f.bad(producer, "bad-truncated-png", "CORRUPT", Arrays.copyOf(png, png.length / 2));
        byte[] jpeg = TestImages.encode(TestImages.gray(28, 28, (x, y) -> y * 9), "jpeg");
        f.bad(producer, "bad-truncated-jpeg", "CORRUPT", Arrays.copyOf(jpeg, 40));
        f.bad(producer, "bad-bomb", "TOO_MANY_PIXELS", TestImages.pngHeaderOnly(60000, 60000));
        byte[] big = new byte[300_000]; // over the tests' --max-frame-bytes of 200000
        f.bad(producer, "bad-too-large", "TOO_LARGE", big);
        f.bad(producer, "bad-one-byte", "UNKNOWN_FORMAT", new byte[] {0x42});
        RecordHeaders h = new RecordHeaders();
        h.add("frame-id", "bad-capture-ts".getBytes(StandardCharsets.UTF_8));
        h.add("capture-ts", "yesterday".getBytes(StandardCharsets.UTF_8));
        f.bad.put("bad-capture-ts", "BAD_HEADER");
        f.sends.add(() -> producer.sendRaw("cam-x", png, h));
        // Spread the malformed frames among the good ones.
        List<Runnable> goodSends = new ArrayList<>(f.sends.subList(0, goodCount));
        List<Runnable> badSends = new ArrayList<>(f.sends.subList(goodCount, f.sends.size()));
        f.sends.clear();
        int step = Math.max(1, goodSends.size() / (badSends.size() + 1));
        for (int g = 0; g < goodSends.size(); g++) {
            f.sends.add(goodSends.get(g));
            if (g % step == step - 1 && !badSends.isEmpty()) {
                f.sends.add(badSends.remove(0));
            }
        }
        f.sends.addAll(badSends);
        return f;
    }

    private void bad(FrameProducer producer, String id, String errorClass, byte[] value) {
        bad.put(id, errorClass);
        sends.add(() -> producer.send("cam-x", id, System.currentTimeMillis(), value));
    }

    int total() {
        return good.size() + bad.size();
    }

    void sendAll(FrameProducer producer) {
        sends.forEach(Runnable::run);
        producer.flush();
    }

    /** Whether a prediction's label/index matches an expected label given as index or name. */
    static boolean matches(String expected, String label, int classIndex) {
        return expected.equals(label) || expected.equals(Integer.toString(classIndex));
    }

    /** The job's three topics on a test broker: frames (2 partitions), predictions, dead-letters. */
    static void createTopics(String bootstrapServers) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                     dev.condensenet.pipeline.kafka.KafkaClients.admin(bootstrapServers, new java.util.Properties())) {
            dev.condensenet.pipeline.kafka.KafkaClients.ensureTopics(admin,
                    Map.of("frames", 2, "predictions", 1, "dead-letters", 1), (short) 1);
        }
    }

    static Path modelOrUntrained(Path tmp) throws IOException {
        var trained = Testdata.model();
        if (trained.isPresent()) {
            return trained.get();
        }
        Path dir = tmp.resolve("untrained-fmnist-26");
        if (!Files.exists(dir.resolve("config.json"))) {
            dev.condensenet.model.store.ModelDirectory.writeUntrained(dir, "fmnist-26");
        }
        return dir;
    }
}
