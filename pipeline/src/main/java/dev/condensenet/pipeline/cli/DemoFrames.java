package dev.condensenet.pipeline.cli;

import dev.condensenet.pipeline.produce.HeaderOnlyPng;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The demo's input: the sample images, with a few malformed frames mixed in. */
final class DemoFrames {
    /**
     * @param rawHeaders headers to send as they are (malformed-header frames), else null for the
     *                   standard frame-id/capture-ts headers
     * @param name       where the frame came from (file name, or what is malformed), for messages
     */
    record Frame(byte[] bytes, String label, boolean malformed, RecordHeaders rawHeaders, String name) {}

    private DemoFrames() {}

    static List<Frame> load(Path dir, int limit) throws Exception {
        List<Path> files = ProduceCommand.imageFiles(dir);
        if (files.isEmpty()) {
            throw new dev.condensenet.model.error.UserError("--images " + dir + " holds no PNG/JPEG/BMP/GIF files");
        }
        Map<String, String> labels = dev.condensenet.pipeline.job.Testdata.labels(dir);
        List<Frame> good = new ArrayList<>();
        for (Path f : files) {
            if (limit > 0 && good.size() >= limit) {
                break;
            }
            good.add(new Frame(Files.readAllBytes(f), labels.get(f.getFileName().toString()), false, null,
                    f.getFileName().toString()));
        }
        List<Frame> bad = malformed(good.get(0).bytes());
        // Spread the malformed frames through the stream; the first frame stays a good one.
        List<Frame> all = new ArrayList<>(good);
        int step = Math.max(1, good.size() / (bad.size() + 1));
        for (int i = 0; i < bad.size(); i++) {
            all.add(Math.min(all.size(), (i + 1) * step + i), bad.get(i));
        }
        return all;
    }

    static List<Frame> malformed(byte[] sample) {
        List<Frame> bad = new ArrayList<>();
        bad.add(new Frame(new byte[0], null, true, null, "malformed: empty value"));
        bad.add(new Frame("not an image, just text".getBytes(StandardCharsets.UTF_8), null, true, null, "malformed: text"));
        bad.add(new Frame(Arrays.copyOf(sample, Math.max(1, sample.length / 2)), null, true, null, "malformed: truncated image"));
        byte[] noise = new byte[1024];
        new Random(7).nextBytes(noise);
        bad.add(new Frame(noise, null, true, null, "malformed: random bytes"));
        bad.add(new Frame(HeaderOnlyPng.of(60000, 60000), null, true, null, "malformed: 60000x60000 header"));
        RecordHeaders h = new RecordHeaders();
        h.add("capture-ts", "not-a-time".getBytes(StandardCharsets.UTF_8));
        bad.add(new Frame(sample, null, true, h, "malformed: capture-ts header"));
        return bad;
    }
}
