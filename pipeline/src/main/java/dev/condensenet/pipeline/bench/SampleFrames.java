package dev.condensenet.pipeline.bench;

import dev.condensenet.pipeline.frames.BadFrameException;
import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.FrameDecoder;
import dev.condensenet.pipeline.job.StreamingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The benchmark's input: real encoded images read once (what is sent through Kafka), and the same
 * images decoded by the job's own {@link FrameDecoder} (what model-only inference is fed).
 */
public final class SampleFrames {
    private final List<byte[]> encoded;
    private final List<float[]> decoded;

    private SampleFrames(List<byte[]> encoded, List<float[]> decoded) {
        this.encoded = encoded;
        this.decoded = decoded;
    }

    /** Reads the PNG/JPEG/BMP/GIF files of {@code dir} (sorted) and decodes each with the job's settings. */
    public static SampleFrames load(Path dir, DecoderSettings settings) throws StreamingJob.SetupException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(SampleFrames::isImage).sorted().toList();
        } catch (IOException e) {
            throw new StreamingJob.SetupException("cannot read images from " + dir + ": " + e.getMessage());
        }
        FrameDecoder decoder = new FrameDecoder(settings);
        List<byte[]> encoded = new ArrayList<>();
        List<float[]> decoded = new ArrayList<>();
        for (Path f : files) {
            try {
                byte[] bytes = Files.readAllBytes(f);
                float[] pixels = new float[decoder.frameSize()];
                decoder.decode(bytes, pixels);
                encoded.add(bytes);
                decoded.add(pixels);
            } catch (IOException | BadFrameException e) {
                throw new StreamingJob.SetupException("sample image " + f + " cannot be used: " + e.getMessage());
            }
        }
        if (encoded.isEmpty()) {
            throw new StreamingJob.SetupException("no PNG/JPEG/BMP/GIF images in " + dir);
        }
        return new SampleFrames(encoded, decoded);
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp")
                || n.endsWith(".gif");
    }

    public int size() {
        return encoded.size();
    }

    /** The i-th frame to send, cycling through the samples. */
    public byte[] encoded(long i) {
        return encoded.get((int) (i % encoded.size()));
    }

    /** The i-th decoded frame, cycling through the samples. */
    public float[] decoded(long i) {
        return decoded.get((int) (i % decoded.size()));
    }
}
