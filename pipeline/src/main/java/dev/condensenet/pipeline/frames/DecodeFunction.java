package dev.condensenet.pipeline.frames;

import dev.condensenet.pipeline.wire.DeadLetter;
import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.Headers;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Kafka record → model input. Frames that cannot be classified go to the {@link #DEAD_LETTERS} side
 * output with a one-line reason; the job never fails because of a frame's content.
 *
 * <p>Reuses one {@link DecodedFrame} (and its pixel array) per subtask, see {@link DecodedFrame}.
 */
public class DecodeFunction extends ProcessFunction<FrameRecord, DecodedFrame> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final DecoderSettings settings;
    private transient FrameDecoder decoder;
    private transient DecodedFrame frame;
    private transient Counter framesIn;
    private transient Counter decoded;
    private transient Counter deadLettered;
    private transient byte[] lastKey;
    private transient String lastStream;

    public DecodeFunction(DecoderSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new FrameDecoder(settings);
        frame = new DecodedFrame();
        frame.pixels = new float[decoder.frameSize()];
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("condensenet");
        framesIn = g.counter("framesIn");
        decoded = g.counter("decoded");
        deadLettered = g.counter("deadLettered");
    }

    @Override
    public void processElement(FrameRecord record, Context ctx, Collector<DecodedFrame> out) {
        framesIn.inc();
        try {
            frame.frameId = frameId(record);
            frame.captureTs = captureTs(record);
            if (record.key != null && record.key.length > Headers.MAX_KEY_BYTES) {
                throw new BadFrameException(FrameError.BAD_HEADER, "record key has " + record.key.length
                        + " bytes, more than " + Headers.MAX_KEY_BYTES + ": use a short stream id as key");
            }
            decoder.decode(record.value, frame.pixels);
            frame.stream = stream(record.key);
        } catch (BadFrameException e) {
            deadLetter(record, e.getMessage(), e.error().name(), ctx);
            return;
        } catch (RuntimeException e) {
            // ImageIO plugins can fail in unexpected ways on hostile input; that is still the frame's fault.
            deadLetter(record, "decoder failed: " + e, FrameError.UNSUPPORTED.name(), ctx);
            return;
        }
        decoded.inc();
        out.collect(frame);
    }

    /** A camera sends many frames in a row: reuse the last key's string instead of decoding it again. */
    private String stream(byte[] key) {
        if (key == null) {
            return null;
        }
        if (!java.util.Arrays.equals(key, lastKey)) {
            lastKey = key;
            lastStream = new String(key, StandardCharsets.UTF_8);
        }
        return lastStream;
    }

    private void deadLetter(FrameRecord record, String reason, String errorClass, Context ctx) {
        deadLettered.inc();
        ctx.output(DEAD_LETTERS, new DeadLetter(record, reason, errorClass));
    }

    /** The {@code frame-id} header, or the record's coordinates: stable across replays either way. */
    static String frameId(FrameRecord r) throws BadFrameException {
        byte[] raw = r.header(Headers.FRAME_ID);
        if (raw != null && raw.length > Headers.MAX_FRAME_ID_BYTES) {
            throw new BadFrameException(FrameError.BAD_HEADER, "header frame-id has " + raw.length
                    + " bytes, more than " + Headers.MAX_FRAME_ID_BYTES + ": send a short id");
        }
        String id = raw == null ? null : new String(raw, StandardCharsets.UTF_8);
        return id == null || id.isBlank() ? r.coordinates() : id;
    }

    static long captureTs(FrameRecord r) throws BadFrameException {
        String ts = r.headerString(Headers.CAPTURE_TS);
        if (ts == null || ts.isBlank()) {
            return r.timestamp >= 0 ? r.timestamp : System.currentTimeMillis();
        }
        try {
            long v = Long.parseLong(ts.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            String shown = ts.length() > 40 ? ts.substring(0, 40) + "..." : ts;
            throw new BadFrameException(FrameError.BAD_HEADER,
                    "header capture-ts is not epoch milliseconds: '" + shown + "'");
        }
    }
}
