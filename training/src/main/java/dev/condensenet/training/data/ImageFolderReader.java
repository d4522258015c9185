package dev.condensenet.training.data;

import ai.djl.basicdataset.cv.classification.ImageFolder;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.transform.Resize;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Record;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder with one sub-folder per class (any format Java's ImageIO decodes), read through DJL's
 * {@link ImageFolder}, resized to the model's input and held in memory like the other datasets.
 */
public final class ImageFolderReader {

    private ImageFolderReader() {
    }

    /**
     * @param dir folder of class folders
     * @param channels 1 (decoded as gray) or 3 (RGB)
     * @param size output height and width
     * @param classNames the class order to use (e.g. the training split's), or {@code null} to take
     *     the folder's own (sorted) order
     */
    public static ImageSet read(Path dir, int channels, int size, List<String> classNames) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("image folder " + dir + " does not exist: pass --data-dir with one "
                    + "sub-folder per class (or train/ and test/ holding those)");
        }
        ImageFolder folder = ImageFolder.builder()
                .setRepositoryPath(dir)
                .optFlag(channels == 1 ? Image.Flag.GRAYSCALE : Image.Flag.COLOR)
                .setSampling(1, false)
                .build();
        // Record.get does not run the dataset pipeline, so the resize is applied here.
        Resize resize = new Resize(size, size);
        try (NDManager manager = NDManager.newBaseManager()) {
            folder.prepare();
            List<String> synset = folder.getSynset();
            if (synset.size() < 2) {
                throw new DataException("image folder " + dir + " has " + synset.size()
                        + " class folder(s); need at least 2");
            }
            List<String> names = classNames == null ? synset : classNames;
            int n = (int) folder.size();
            if (n == 0) {
                throw new DataException("image folder " + dir + " has no images");
            }
            int bytes = channels * size * size;
            byte[] pixels = new byte[n * bytes];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                try (NDManager one = manager.newSubManager()) {
                    Record r;
                    try {
                        r = folder.get(one, i);
                    } catch (IOException e) {
                        // DJL's message names the file ("Failed to read image from: <path>")
                        throw new DataException("cannot read image folder " + dir + ": " + e.getMessage()
                                + " (remove or replace that file)", e);
                    }
                    // HWC after Resize → CHW bytes.
                    NDArray hwc = resize.transform(r.getData().singletonOrThrow());
                    NDArray chw = hwc.transpose(2, 0, 1).round().clip(0, 255).toType(DataType.UINT8, false);
                    byte[] b = chw.toByteArray();
                    if (b.length != bytes) {
                        throw new DataException("image " + i + " in " + dir + " decoded to " + hwc.getShape()
                                + ", expected " + size + "x" + size + "x" + channels);
                    }
                    System.arraycopy(b, 0, pixels, i * bytes, bytes);
                    String className = synset.get((int) r.getLabels().singletonOrThrow().toType(DataType.INT32, false)
                            .getInt());
                    int label = names.indexOf(className);
                    if (label < 0) {
                        throw new DataException("class folder '" + className + "' in " + dir
                                + " is not among the training classes " + names);
                    }
                    labels[i] = label;
                }
            }
            return new ImageSet(channels, size, size, pixels, labels, names);
        } catch (IOException | TranslateException e) {
            throw new DataException("cannot read image folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
