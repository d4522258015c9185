package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.ExitCodes;
import dev.condensenet.cli.Flags;
import dev.condensenet.model.error.UserError;
import dev.condensenet.pipeline.job.Testdata;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.SendResults;
import dev.condensenet.pipeline.produce.IdxImages;
import dev.condensenet.pipeline.produce.MjpegSplitter;
import dev.condensenet.pipeline.wire.Headers;
import dev.condensenet.pipeline.wire.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Publishes frames to the input topic in the pipeline's wire format. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish frames: image files, an IDX file (MNIST format) or an MJPEG stream",
            "(e.g. ffmpeg -i clip.mp4 -f mjpeg - | ... produce --mjpeg -)."})
public final class ProduceCommand implements Callable<Integer> {
    static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers = "127.0.0.1:9092";

    @Option(names = "--topic", description = "Input topic of the job (default: ${DEFAULT-VALUE})")
    String topic = Topics.FRAMES;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", description = "Directory of PNG/JPEG/BMP/GIF files (sorted by name); a "
                + "labels.csv (file,label) adds a 'label' header")
        Path images;

        @Option(names = "--idx", description = "IDX image file, plain or .gz (e.g. t10k-images-idx3-ubyte.gz)")
        Path idx;

        @Option(names = "--mjpeg", description = "MJPEG byte stream: a file, or - for stdin")
        String mjpeg;
    }

    @Mixin
    FpsOption rate;

    @Option(names = "--stream-id", description = "Record key: the stream/camera id (default: ${DEFAULT-VALUE})")
    String streamId = "cam-1";

    @Option(names = "--loop", description = "Start over at the end (not for --mjpeg -)")
    boolean loop;

    @Option(names = "--limit", description = "Stop after this many frames; 0: no limit (default: ${DEFAULT-VALUE})")
    long limit = 0;

    @Option(names = "--kafka-properties", description = "Properties file with client settings (TLS, SASL, ...)")
    Path kafkaProperties;

    @Mixin
    MaxFrameBytesOption frameBytes;

    private static final String IDX_HINT = "give an IDX image file such as t10k-images-idx3-ubyte.gz";

    /** Failures listed one by one; beyond, only counted. */
    static final int SHOWN_FAILURES = 20;

    /** One frame from a source: bytes, the optional label, and where it came from (file name, index). */
    record Frame(byte[] bytes, String label, String source) {}

    /** A restartable sequence of frames. */
    interface FrameSource extends AutoCloseable {
        Frame next() throws IOException;

        /** Total frames per pass, or -1 if unknown. */
        long size();

        @Override
        void close() throws IOException;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        frameBytes.get();
        rate.get();
        Flags.require(limit >= 0, spec, "--limit", "must be >= 0 (0 = no limit)");
        Flags.require(!(loop && "-".equals(source.mjpeg)), spec, "--loop", "cannot replay stdin (--mjpeg -)");
        Properties client = KafkaClients.load(kafkaProperties);
        // The frames are checked before the broker: a missing or wrong file is one line, without a broker.
        FrameSource first = open();
        OptionalLong topicLimit;
        try (Admin admin = KafkaClients.admin(bootstrapServers, client)) {
            KafkaClients.partitionCount(admin, topic, Duration.ofSeconds(15));
            topicLimit = KafkaClients.maxMessageBytes(admin, topic, Duration.ofSeconds(15));
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        long sent = 0;
        Progress progress = new Progress(System.err);
        long t0 = System.nanoTime();
        SendResults results = new SendResults();
        int reported = 0;
        long maxRequestSize;
        try (FrameProducer producer = new FrameProducer(bootstrapServers, client, topic, frameBytes.get())) {
            maxRequestSize = producer.maxRequestSize();
            FrameSource next = first;
            do {
                try (FrameSource frames = next != null ? next : open()) {
                    next = null;
                    long total = limit > 0 ? (frames.size() < 0 || loop ? limit : Math.min(limit, frames.size()))
                            : (loop ? -1 : frames.size());
                    for (Frame f = frames.next(); f != null && (limit == 0 || sent < limit); f = frames.next()) {
                        pace(t0, sent);
                        String frameId = streamId + "-" + sent;
                        RecordHeaders h = new RecordHeaders();
                        h.add(Headers.FRAME_ID, frameId.getBytes(StandardCharsets.UTF_8));
                        h.add(Headers.CAPTURE_TS, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
                        if (f.label() != null) {
                            h.add("label", f.label().getBytes(StandardCharsets.UTF_8));
                        }
                        producer.sendRaw(streamId, f.bytes(), h, results.callback(frameId, f.source(), f.bytes().length));
                        sent++;
                        progress.update(sent, total, t0);
                        reported = report(results, reported, topicLimit, maxRequestSize); // as they happen
                    }
                }
            } while (loop && (limit == 0 || sent < limit));
            producer.flush();
        }
        reported = report(results, reported, topicLimit, maxRequestSize);
        progress.done(results.acknowledged(), t0);
        List<SendResults.Failure> failed = results.failures();
        if (failed.isEmpty()) {
            return 0;
        }
        System.err.println("error: " + failed.size() + " of " + sent + " frames were not written to " + topic
                + (reported < failed.size() ? " (" + reported + " listed above)" : " (listed above)"));
        return results.allSetupErrors() ? ExitCodes.USAGE : ExitCodes.FAILED;
    }

    /** Prints failures not printed yet, up to {@link #SHOWN_FAILURES} in all; returns how many are printed. */
    private int report(SendResults results, int reported, OptionalLong topicLimit, long maxRequestSize) {
        List<SendResults.Failure> failed = results.failures();
        for (int i = reported; i < failed.size() && i < SHOWN_FAILURES; i++) {
            System.err.println("error: " + SendResults.describe(failed.get(i), topic, topicLimit, maxRequestSize));
        }
        return Math.min(failed.size(), SHOWN_FAILURES);
    }

    private void pace(long t0, long sent) throws InterruptedException {
        if (rate.get() <= 0) {
            return;
        }
        long due = t0 + (long) (sent * 1e9 / rate.get());
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** {@code file} exists as a readable file; otherwise one line naming the flag. */
    private static Path readable(Path file, String flag) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(flag + " " + file + (Files.isDirectory(file) ? " is a directory" : " does not exist")
                    + ": give a file");
        }
        if (!Files.isReadable(file)) {
            throw new UserError(flag + " " + file + " is not readable");
        }
        return file;
    }

    private FrameSource open() throws IOException {
        if (source.images != null) {
            return images(source.images);
        }
        if (source.idx != null) {
            IdxImages idx;
            try {
                idx = new IdxImages(readable(source.idx, "--idx"));
            } catch (EOFException e) {
                throw new UserError("--idx " + source.idx + " is shorter than an IDX header: " + IDX_HINT);
            } catch (IOException e) { // not IDX (IdxImages names the file and the magic), or not gzip
                String m = String.valueOf(e.getMessage());
                throw new UserError((m.startsWith(source.idx.toString()) ? "--idx " + m
                        : "--idx " + source.idx + " cannot be read (" + m + ")") + ": " + IDX_HINT);
            }
            return new FrameSource() {
                int n;

                public Frame next() throws IOException {
                    BufferedImage img;
                    try {
                        img = idx.next();
                    } catch (EOFException e) {
                        throw new UserError("--idx " + source.idx + " is truncated: image " + n + " of "
                                + idx.count() + " is incomplete", e);
                    }
                    return img == null ? null : new Frame(png(img), null, source.idx.getFileName() + " #" + (n++));
                }

                public long size() {
                    return idx.count();
                }

                public void close() throws IOException {
                    idx.close();
                }
            };
        }
        boolean stdin = source.mjpeg.equals("-");
        InputStream in = stdin ? System.in : Files.newInputStream(readable(Path.of(source.mjpeg), "--mjpeg"));
        MjpegSplitter splitter = new MjpegSplitter(in, frameBytes.get());
        // read ahead one frame: a file that holds none (e.g. a PNG) is refused before anything is sent
        byte[] head;
        try {
            head = splitter.next();
        } catch (IOException e) {
            in.close();
            throw mjpegError(e, 0);
        }
        if (head == null) {
            if (!stdin) {
                in.close();
            }
            throw new UserError("--mjpeg " + source.mjpeg + " holds no JPEG frame: give an MJPEG stream (JPEG "
                    + "images back to back, e.g. ffmpeg -i clip.mp4 -f mjpeg -), or --images for image files");
        }
        return new FrameSource() {
            int n;

            public Frame next() throws IOException {
                byte[] jpeg;
                try {
                    jpeg = n == 0 ? head : splitter.next();
                } catch (IOException e) {
                    throw mjpegError(e, n);
                }
                return jpeg == null ? null : new Frame(jpeg, null, "MJPEG frame " + (n++));
            }

            public long size() {
                return -1;
            }

            public void close() throws IOException {
                if (in != System.in) {
                    in.close();
                }
            }
        };
    }

    /** A damaged MJPEG stream, or a frame over --max-frame-bytes, after {@code frames} good frames. */
    private UserError mjpegError(IOException e, int frames) {
        String m = String.valueOf(e.getMessage());
        return new UserError("--mjpeg " + source.mjpeg + ", after " + frames + " frame(s): " + m
                + (m.contains("larger than") ? " (raise --max-frame-bytes to send it)" : ""), e);
    }

    static FrameSource images(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new UserError("--images " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + ": pass a directory of PNG/JPEG/BMP/GIF files");
        }
        List<Path> files = imageFiles(dir);
        if (files.isEmpty()) {
            throw new UserError("--images " + dir + " holds no PNG/JPEG/BMP/GIF files");
        }
        Map<String, String> labels = Testdata.labels(dir);
        return new FrameSource() {
            int i;

            public Frame next() throws IOException {
                if (i >= files.size()) {
                    return null;
                }
                Path f = files.get(i++);
                return new Frame(Files.readAllBytes(f), labels.get(f.getFileName().toString()), f.getFileName().toString());
            }

            public long size() {
                return files.size();
            }

            public void close() {}
        };
    }

    static List<Path> imageFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> IMAGE_EXTENSIONS.stream()
                            .anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
                    .sorted().toList();
        }
    }

    static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
