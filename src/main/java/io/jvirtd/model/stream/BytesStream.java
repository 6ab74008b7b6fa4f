package io.jvirtd.model.stream;

import java.nio.ByteBuffer;

/**
 * A stream that sends bytes already in memory (a screenshot's picture). Used by one thread at a
 * time, as every {@link DataStream}.
 */
public final class BytesStream implements DataStream {

    private final byte[] data;
    private int pos;

    public BytesStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (pos == data.length) {
            return -1;
        }
        int n = Math.min(dst.remaining(), data.length - pos);
        dst.put(data, pos, n);
        pos += n;
        return n;
    }

    @Override
    public void finish() {
        // nothing to flush
    }

    @Override
    public void abort() {
        // nothing to release
    }
}
