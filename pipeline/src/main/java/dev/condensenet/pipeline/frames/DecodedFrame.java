package dev.condensenet.pipeline.frames;

/**
 * A frame ready for the model: normalized CHW pixels plus what the prediction has to carry.
 *
 * <p>The decode step reuses one instance (and one pixel array) per subtask: downstream operators must
 * copy what they keep before {@code processElement} returns. The batching operator does exactly that,
 * into its preallocated batch buffer, so decoding allocates nothing per frame beyond the image itself.
 */
public class DecodedFrame {
    public String stream;
    public String frameId;
    public long captureTs;
    public float[] pixels;

    public DecodedFrame() {}

    public DecodedFrame(String stream, String frameId, long captureTs, float[] pixels) {
        this.stream = stream;
        this.frameId = frameId;
        this.captureTs = captureTs;
        this.pixels = pixels;
    }
}
