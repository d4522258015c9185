package dev.condensenet.model.net;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A block with a fixed channel index chosen at conversion time. The index is structure, not a
 * weight: it is saved in the block's metadata (exact int values, no float round trip) and kept on
 * the device as an int64 array created once, not per forward.
 */
abstract class IndexedBlock extends AbstractBlock {

    private int[] index;
    private volatile NDArray deviceIndex;

    IndexedBlock(byte version, int length) {
        super(version);
        this.index = new int[length];
        for (int i = 0; i < length; i++) {
            index[i] = i;
        }
    }

    /** The gathered channel positions, in gather order. */
    public int[] index() {
        return index.clone();
    }

    /** Sets the gather order; used by the converter before the block's weights are copied. */
    public void setIndex(int[] newIndex, int bound) {
        if (newIndex.length != index.length) {
            throw new IllegalArgumentException("index length " + newIndex.length + ", expected " + index.length);
        }
        for (int v : newIndex) {
            if (v < 0 || v >= bound) {
                throw new IllegalArgumentException("index value " + v + " outside [0, " + bound + ")");
            }
        }
        this.index = newIndex.clone();
        this.deviceIndex = null;
    }

    /** The index as an int64 array on the device of {@code like}, created on first use. */
    protected NDArray deviceIndex(NDArray like, NDArray weightOnDevice) {
        NDArray idx = deviceIndex;
        if (idx == null || !idx.getDevice().equals(like.getDevice())) {
            synchronized (this) {
                idx = deviceIndex;
                if (idx == null || !idx.getDevice().equals(like.getDevice())) {
                    long[] values = new long[index.length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = index[i];
                    }
                    // Owned by the weight's (model-lifetime) manager so it lives as long as the model.
                    idx = weightOnDevice.getManager().create(values).toType(DataType.INT64, false);
                    deviceIndex = idx;
                }
            }
        }
        return idx;
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        os.writeInt(index.length);
        for (int v : index) {
            os.writeInt(v);
        }
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is)
            throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        int n = is.readInt();
        if (n != index.length) {
            throw new MalformedModelException("channel index of length " + n + " where the config expects "
                    + index.length);
        }
        int[] loaded = new int[n];
        for (int i = 0; i < n; i++) {
            loaded[i] = is.readInt();
        }
        this.index = loaded;
        this.deviceIndex = null;
    }
}
