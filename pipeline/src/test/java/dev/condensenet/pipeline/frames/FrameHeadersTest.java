package dev.condensenet.pipeline.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the decode function reads the input headers: defaults, parsing and the length limits. */
class FrameHeadersTest {

    @Test
    void headerDefaults() throws Exception {
        FrameRecord bare = new FrameRecord(null, new byte[1], new String[0], new byte[0][], "frames", 0, 7, 1234);
        assertEquals("frames-0-7", DecodeFunction.frameId(bare));
        assertEquals(1234, DecodeFunction.captureTs(bare));
        FrameRecord withHeaders = new FrameRecord(null, new byte[1], new String[] {"frame-id", "capture-ts"},
                new byte[][] {"abc".getBytes(StandardCharsets.UTF_8), " 99 ".getBytes(StandardCharsets.UTF_8)},
                "frames", 0, 7, 1234);
        assertEquals("abc", DecodeFunction.frameId(withHeaders));
        assertEquals(99, DecodeFunction.captureTs(withHeaders));
        FrameRecord badTs = new FrameRecord(null, new byte[1], new String[] {"capture-ts"},
                new byte[][] {"-5".getBytes(StandardCharsets.UTF_8)}, "frames", 0, 7, 1234);
        assertEquals(FrameError.BAD_HEADER,
                assertThrows(BadFrameException.class, () -> DecodeFunction.captureTs(badTs)).error());
        byte[] longId = new byte[Headers.MAX_FRAME_ID_BYTES + 1];
        java.util.Arrays.fill(longId, (byte) 'x');
        FrameRecord hugeId = new FrameRecord(null, new byte[1], new String[] {"frame-id"}, new byte[][] {longId},
                "frames", 0, 7, 1234);
        assertEquals(FrameError.BAD_HEADER,
                assertThrows(BadFrameException.class, () -> DecodeFunction.frameId(hugeId)).error());
        FrameRecord maxId = new FrameRecord(null, new byte[1], new String[] {"frame-id"},
                new byte[][] {java.util.Arrays.copyOf(longId, Headers.MAX_FRAME_ID_BYTES)}, "frames", 0, 7, 1234);
        assertEquals(Headers.MAX_FRAME_ID_BYTES, DecodeFunction.frameId(maxId).length());
    }
}
