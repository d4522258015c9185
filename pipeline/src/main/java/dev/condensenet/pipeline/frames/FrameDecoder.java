package dev.condensenet.pipeline.frames;

import dev.condensenet.model.error.UserError;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Turns encoded image bytes into the model's normalized CHW input, with bounded work: the byte size
 * and the pixel count declared in the image header are checked before any pixel is decoded, so a tiny
 * file claiming 60000×60000 pixels costs nothing.
 *
 * <p>The pixels are the image as a viewer shows it, with PIL's rendering
 * ({@code ImageOps.exif_transpose(Image.open(f)).convert(...)}) as the reference:
 * <ul>
 *   <li>the EXIF orientation (JPEG APP1, PNG {@code eXIf}; all eight values) is applied before resizing;</li>
 *   <li>a GIF's first frame is drawn at its offset on the logical screen, transparent around it;</li>
 *   <li>a BMP's alpha channel counts only where the format gives it a meaning: not with BI_RGB (whose
 *       fourth byte is padding), nor when every alpha value is 0 (what writers put in an unused channel;
 *       Windows and browsers then show the image opaque);</li>
 *   <li>embedded ICC profiles are not applied (as PIL does), and damaged metadata (ICC, EXIF,
 *       comments) is ignored;</li>
 *   <li>damage the format can detect is refused as {@link FrameError#CORRUPT}: a JPEG whose decoder
 *       warns of missing or undecodable data (libjpeg would fill the rest with grey), a PNG critical chunk
 *       with a wrong CRC, image data that ends early in any format.</li>
 * </ul>
 * Pixels are read from the raster, not through Java2D colour management (see {@link RasterPlanes});
 * alpha is composited over black (the background of the Fashion-MNIST style data). One instance per
 * subtask: not thread-safe, and it keeps scratch buffers between frames.
 */
public final class FrameDecoder {
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp", "gif");
    private static final String GIF_STREAM = "javax_imageio_gif_stream_1.0";
    private static final String GIF_IMAGE = "javax_imageio_gif_image_1.0";

    private final DecoderSettings settings;
    private final int channels;
    private final int height;
    private final int width;
    private final RasterPlanes raster = new RasterPlanes();
    private final JpegSegments jpeg = new JpegSegments();
    private final PngChunks png = new PngChunks();
    private final DamageListener damage = new DamageListener();
    private float[] rowScratch = new float[0];
    private Resampler xs;
    private Resampler ys;
    // What the container says about the frame being decoded (set by read()).
    private Orientation orientation;
    private boolean ignoreAlpha;
    private long canvasW;
    private long canvasH;
    private int left;
    private int top;

    public FrameDecoder(DecoderSettings settings) {
        this.settings = settings;
        this.channels = settings.channels;
        this.height = settings.height;
        this.width = settings.width;
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("model input must have 1 or 3 channels, not " + channels);
        }
    }

    /** Pixels per frame the model expects: channels × height × width. */
    public int frameSize() {
        return channels * height * width;
    }

    /**
     * Decodes {@code bytes} into {@code out} (length {@link #frameSize()}), normalized with mean/std.
     *
     * @throws BadFrameException with the {@link FrameError} and a one-line reason for a frame that cannot
     *                           be classified
     */
    public void decode(byte[] bytes, float[] out) throws BadFrameException {
        if (bytes == null || bytes.length == 0) {
            throw new BadFrameException(FrameError.EMPTY, "empty record value (no image bytes)");
        }
        if (bytes.length > settings.maxBytes) {
            throw new BadFrameException(FrameError.TOO_LARGE, "record value is " + bytes.length
                    + " bytes, over the limit of " + settings.maxBytes);
        }
        BufferedImage image = read(bytes);
        int srcChannels = raster.extract(image, orientation, (int) canvasW, (int) canvasH, left, top, ignoreAlpha);
        resizeAndNormalize(srcChannels, raster.planes, raster.width, raster.height, out);
    }

    private BufferedImage read(byte[] bytes) throws BadFrameException {
        orientation = Orientation.NORMAL;
        ignoreAlpha = false;
        damage.first = null;
        left = 0;
        top = 0;
        // A memory-backed stream: ImageIO's default may create a temp-file cache per image.
        try (ImageInputStream probe = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = pickReader(probe, bytes);
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                String name = format.toUpperCase(Locale.ROOT);
                ImageInputStream in = containerFacts(format, bytes, probe);
                try {
                    // Metadata is skipped except a GIF's: the first frame's place on its screen lives there.
                    reader.setInput(in, true, !format.equals("gif"));
                    reader.addIIOReadWarningListener(damage);
                    return readPixels(reader, format, name);
                } finally {
                    if (in != probe) {
                        in.close();
                    }
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new BadFrameException(FrameError.CORRUPT, "cannot read image: " + message(e));
        }
    }

    /**
     * Reads what the container says before any pixel: PNG chunk CRCs and EXIF, JPEG EXIF (and the copy
     * without ICC profile), the BMP compression. Returns the stream to decode from.
     */
    private ImageInputStream containerFacts(String format, byte[] bytes, ImageInputStream probe)
            throws BadFrameException {
        switch (format) {
            case "png" -> {
                png.check(bytes);
                orientation = Orientation.readExif(bytes, png.exifFrom, png.exifTo);
            }
            case "jpeg" -> {
                jpeg.scan(bytes);
                orientation = Orientation.readExif(bytes, jpeg.exifFrom, jpeg.exifTo);
                if (jpeg.image != bytes) {
                    return new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg.image, 0, jpeg.imageLength));
                }
            }
            case "bmp" -> {
                // BITMAPINFOHEADER and its successors (header size >= 40) hold the compression at byte 30:
                // 0 = BI_RGB, where a 32-bit pixel's fourth byte is padding, never alpha.
                int headerSize = bytes.length >= 18 ? littleEndianInt(bytes, 14) : 0;
                int compression = headerSize >= 40 && bytes.length >= 34 ? littleEndianInt(bytes, 30) : -1;
                ignoreAlpha = compression == 0;
                if (compression == 6) { // BI_ALPHABITFIELDS (Windows CE): valid, but Java's reader (and PIL) lack it
                    throw new BadFrameException(FrameError.UNSUPPORTED,
                            "BMP compression 6 (BI_ALPHABITFIELDS) is not supported: convert the image to PNG");
                }
                if (compression == 0 || compression == 3) {
                    checkBmpPixelData(bytes);
                }
            }
            default -> { }
        }
        return probe;
    }

    private BufferedImage readPixels(ImageReader reader, String format, String name) throws BadFrameException {
        long w;
        long h;
        try {
            w = reader.getWidth(0);
            h = reader.getHeight(0);
            canvasW = w;
            canvasH = h;
            if (format.equals("gif")) {
                gifCanvas(reader, w, h);
            }
        } catch (IOException | RuntimeException e) {
            throw new BadFrameException(FrameError.CORRUPT, name + " header unreadable: " + message(e));
        }
        if (w <= 0 || h <= 0) {
            throw new BadFrameException(FrameError.CORRUPT, name + " header declares " + w + "x" + h);
        }
        for (long[] size : new long[][] {{w, h}, {canvasW, canvasH}}) {
            if (size[0] * size[1] > settings.maxPixels) {
                throw new BadFrameException(FrameError.TOO_MANY_PIXELS, name + " declares " + size[0] + "x"
                        + size[1] + " = " + (size[0] * size[1]) + " pixels, over the limit of " + settings.maxPixels);
            }
        }
        try {
            // Far larger than the model input: let the decoder skip pixels (bounded memory and time); keep
            // >= 2x the target so the antialiased resize still has data to average. Per axis, so an extreme
            // aspect ratio cannot defeat it; the stored x axis is the upright y axis when the EXIF
            // orientation turns the image.
            ImageReadParam param = reader.getDefaultReadParam();
            boolean turned = orientation.swapsAxes();
            int stepX = (int) Math.max(1, canvasW / (turned ? height : width) / 2);
            int stepY = (int) Math.max(1, canvasH / (turned ? width : height) / 2);
            if (stepX > 1 || stepY > 1) {
                param.setSourceSubsampling(stepX, stepY, 0, 0);
                canvasW = (canvasW + stepX - 1) / stepX;
                canvasH = (canvasH + stepY - 1) / stepY;
                left /= stepX;
                top /= stepY;
            }
            BufferedImage image = reader.read(0, param);
            if (image == null) {
                throw new BadFrameException(FrameError.CORRUPT, name + " decoded to nothing");
            }
            if (damage.first != null) {
                throw new BadFrameException(FrameError.CORRUPT, name + " image data is cut short or damaged"
                        + " (decoder warning: " + damage.first + ")");
            }
            if (format.equals("bmp") && !ignoreAlpha && image.getColorModel().hasAlpha()) {
                ignoreAlpha = raster.alphaAllZero(image);
            }
            // A GIF frame larger than its logical screen grows the canvas (as PIL does).
            canvasW = Math.max(canvasW, left + image.getWidth());
            canvasH = Math.max(canvasH, top + image.getHeight());
            return image;
        } catch (IIOException e) {
            String m = message(e);
            FrameError kind = m.toLowerCase(Locale.ROOT).contains("unsupported")
                    ? FrameError.UNSUPPORTED : FrameError.CORRUPT;
            throw new BadFrameException(kind, name + " cannot be decoded: " + m);
        } catch (IOException | RuntimeException e) {
            throw new BadFrameException(FrameError.CORRUPT, name + " cannot be decoded: " + message(e));
        }
    }

    /**
     * A GIF's first frame sits at (left, top) of the logical screen (GIF89a §18, §20); PIL and browsers
     * draw it there. The canvas is the screen, grown to hold the frame.
     */
    private void gifCanvas(ImageReader reader, long w, long h) throws IOException {
        Node screen = child(reader.getStreamMetadata(), GIF_STREAM, "LogicalScreenDescriptor");
        Node frame = child(reader.getImageMetadata(0), GIF_IMAGE, "ImageDescriptor");
        left = intAttribute(frame, "imageLeftPosition");
        top = intAttribute(frame, "imageTopPosition");
        canvasW = Math.max(intAttribute(screen, "logicalScreenWidth"), left + w);
        canvasH = Math.max(intAttribute(screen, "logicalScreenHeight"), top + h);
    }

    private static Node child(IIOMetadata metadata, String format, String name) {
        if (metadata == null) {
            return null;
        }
        for (Node n = metadata.getAsTree(format).getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static int intAttribute(Node node, String name) {
        NamedNodeMap attributes = node == null ? null : node.getAttributes();
        Node a = attributes == null ? null : attributes.getNamedItem(name);
        try {
            return a == null ? 0 : Math.max(0, Integer.parseInt(a.getNodeValue()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * An uncompressed BMP must hold {@code rows × stride} bytes of pixels after the offset its file header
     * gives (rows padded to 4 bytes; BITMAPINFOHEADER fields at bytes 18–29). Java's reader notices
     * missing rows only when it reads every row: with subsampling it skips past the end and returns the
     * rest black.
     */
    private static void checkBmpPixelData(byte[] b) throws BadFrameException {
        if (b.length < 30) {
            return; // the reader reports the cut header
        }
        long offset = littleEndianInt(b, 10) & 0xffffffffL;
        long width = littleEndianInt(b, 18);
        long height = Math.abs((long) littleEndianInt(b, 22));
        int bitsPerPixel = (b[28] & 0xff) | ((b[29] & 0xff) << 8);
        if (width <= 0 || bitsPerPixel <= 0) {
            return;
        }
        long needed = offset + (width * bitsPerPixel + 31) / 32 * 4 * height;
        if (needed > b.length) {
            throw new BadFrameException(FrameError.CORRUPT, "BMP image data ends early: " + width + "x" + height
                    + " at " + bitsPerPixel + " bits needs " + needed + " bytes, the record has " + b.length);
        }
    }

    private static int littleEndianInt(byte[] b, int p) {
        return (b[p] & 0xff) | ((b[p + 1] & 0xff) << 8) | ((b[p + 2] & 0xff) << 16) | ((b[p + 3] & 0xff) << 24);
    }

    private static ImageReader pickReader(ImageInputStream in, byte[] bytes) throws BadFrameException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            String name;
            try {
                name = r.getFormatName().toLowerCase(Locale.ROOT);
            } catch (IOException e) {
                name = "";
            }
            if (FORMATS.contains(name)) {
                return r;
            }
            r.dispose();
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            head.append(String.format("%02x", bytes[i] & 0xff));
        }
        throw new BadFrameException(FrameError.UNKNOWN_FORMAT,
                "not a PNG, JPEG, BMP or GIF image (" + bytes.length + " bytes starting 0x" + head + ")");
    }

    /** Keeps the first decoder warning that means image data is missing or undecodable. */
    private static final class DamageListener implements IIOReadWarningListener {
        String first;

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            if (first == null && warning != null && JpegSegments.damagesPixels(warning)) {
                first = warning;
            }
        }
    }

    private void resizeAndNormalize(int srcChannels, float[] planes, int w, int h, float[] out) {
        int n = w * h;
        if (srcChannels == 3 && channels == 1) {
            for (int i = 0; i < n; i++) { // ITU-R BT.601 luma, as PIL's convert("L")
                planes[i] = 0.299f * planes[i] + 0.587f * planes[n + i] + 0.114f * planes[2 * n + i];
            }
            srcChannels = 1;
        }
        if (xs == null || !xs.matches(w, width)) {
            xs = new Resampler(w, width);
        }
        if (ys == null || !ys.matches(h, height)) {
            ys = new Resampler(h, height);
        }
        if (rowScratch.length < h * width) {
            rowScratch = new float[h * width];
        }
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            int src = srcChannels == 1 ? 0 : c; // gray input feeds every channel of an RGB model
            xs.rows(planes, src * n, h, rowScratch);
            ys.columns(rowScratch, width, out, c * plane);
            float mean = settings.mean[c];
            float inv = 1f / settings.std[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                out[i] = (out[i] - mean) * inv;
            }
        }
    }

    /** The exception's message and, where it has one, its cause's: e.g. "Error reading PNG image data: ...". */
    private static String message(Throwable e) {
        String m = own(e);
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            m = m + ": " + own(cause);
        }
        return UserError.oneLine(m);
    }

    private static String own(Throwable e) {
        if (e instanceof EOFException && (e.getMessage() == null || e.getMessage().isBlank())) {
            return "image data ends early (EOFException)";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
