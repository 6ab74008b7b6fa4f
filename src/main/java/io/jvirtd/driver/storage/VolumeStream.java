package io.jvirtd.driver.storage;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.stream.DataStream;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * A volume file opened for virStorageVolUpload or virStorageVolDownload (libvirt's
 * virFDStreamOpenBlockDevice on the volume's path): from {@code offset}, at most {@code length}
 * bytes when that is not 0. Writing past the length fails as libvirt's does ("cannot write to
 * stream: No space left on device"); reading stops there.
 *
 * <p>Sparse streams: an uploaded hole is skipped and the file cut there, as libvirt does
 * (lseek + ftruncate), so it reads back as zeros and takes no room. Downloading, the JDK has no
 * SEEK_DATA/SEEK_HOLE, so holes are found as runs of zero blocks ({@value #BLOCK} bytes): every
 * real hole is one, and so is a zero-filled stretch, which the receiver stores as a hole too.
 *
 * <p>One thread at a time (the stream's service job); blocking file I/O, never on the event loop.
 */
final class VolumeStream implements DataStream {

    /** Granularity of hole detection: a file system block. */
    static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];
    private static final int LOOKAHEAD = 1024 * 1024;

    private final RandomAccessFile file;
    private final FileChannel channel;
    private final String path;
    /** Last byte position + 1 this stream may touch, or Long.MAX_VALUE. */
    private final long end;
    private long pos;
    /** Download, sparse: bytes read ahead, ahead[aheadOff..aheadOff+aheadLen) from file position aheadStart. */
    private final byte[] ahead;
    private int aheadOff;
    private int aheadLen;
    private long aheadStart;
    private final Runnable onClose;
    private boolean closed;

    private VolumeStream(RandomAccessFile file, String path, long offset, long length, boolean lookahead,
                         Runnable onClose) {
        this.file = file;
        this.channel = file.getChannel();
        this.path = path;
        this.pos = offset;
        this.end = length == 0 ? Long.MAX_VALUE : offset + length;
        this.ahead = lookahead ? new byte[LOOKAHEAD] : null;
        this.aheadStart = offset;
        this.onClose = onClose;
    }

    /** Opens {@code path} to write (upload); it must exist. {@code onClose} runs once when done. */
    static VolumeStream upload(String path, long offset, long length, Runnable onClose) {
        return new VolumeStream(open(path, "rw"), path, offset, length, false, onClose);
    }

    /** Opens {@code path} to read (download). */
    static VolumeStream download(String path, long offset, long length, boolean sparse, Runnable onClose) {
        return new VolumeStream(open(path, "r"), path, offset, length, sparse, onClose);
    }

    private static RandomAccessFile open(String path, String mode) {
        try {
            if (!new java.io.File(path).exists()) {
                throw new java.io.FileNotFoundException();
            }
            return new RandomAccessFile(path, mode);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.STREAMS, 2, "Unable to open stream for '" + path + "'",
                    "No such file or directory");
        }
    }

    @Override
    public void write(ByteBuffer src) {
        if (src.remaining() > end - pos) {
            throw VirException.systemError(VirErrorDomain.STREAMS, 28, "cannot write to stream",
                    "No space left on device");
        }
        try {
            while (src.hasRemaining()) {
                pos += channel.write(src, pos);
            }
        } catch (IOException e) {
            throw ioError("cannot write to stream", e);
        }
    }

    @Override
    public void skip(long length) {
        long n = Math.min(length, end - pos);
        try {
            pos += n;
            if (ahead != null) {
                long behind = pos - aheadStart; // inData may have read past the hole already
                if (behind > 0) {
                    consume((int) Math.min(behind, aheadLen));
                    aheadStart = Math.max(aheadStart, pos);
                }
            } else {
                file.setLength(pos); // libvirt: lseek + ftruncate, so the skipped part is a hole
            }
        } catch (IOException e) {
            throw ioError("unable to truncate", e);
        }
    }

    @Override
    public int read(ByteBuffer dst) {
        int room = (int) Math.min(dst.remaining(), end - pos);
        if (room <= 0) {
            return -1;
        }
        try {
            if (aheadLen > 0) {
                int n = Math.min(room, aheadLen);
                dst.put(ahead, aheadOff, n);
                consume(n);
                pos += n;
                return n;
            }
            ByteBuffer view = dst.duplicate();
            view.limit(view.position() + room);
            int n = channel.read(view, pos);
            if (n > 0) {
                dst.position(view.position());
                pos += n;
            }
            aheadStart = pos;
            return n;
        } catch (IOException e) {
            throw ioError("cannot read from stream", e);
        }
    }

    /**
     * virFileInData from the current position: a run of zero blocks is a hole (its bytes are
     * consumed from the look-ahead; {@link #skip} then moves past it), else data up to the
     * next zero block within the look-ahead; at the end, a hole of length 0.
     */
    @Override
    public Section inData() {
        try {
            fillAhead();
            if (aheadLen == 0) {
                return new Section(false, 0);
            }
            if (isZeroBlock(0)) {
                long hole = 0;
                do {
                    int n = Math.min(BLOCK, aheadLen);
                    hole += n;
                    consume(n);
                    if (aheadLen == 0) {
                        fillAhead();
                    }
                } while (aheadLen > 0 && isZeroBlock(0));
                return new Section(false, hole);
            }
            int data = 0;
            while (data < aheadLen && (data == 0 || !isZeroBlock(data))) {
                data += Math.min(BLOCK, aheadLen - data);
            }
            return new Section(true, data);
        } catch (IOException e) {
            throw ioError("unable to seek", e);
        }
    }

    private void consume(int k) {
        aheadOff += k;
        aheadLen -= k;
        aheadStart += k;
        if (aheadLen == 0) {
            aheadOff = 0;
        }
    }

    private void fillAhead() throws IOException {
        if (aheadOff > 0) {
            System.arraycopy(ahead, aheadOff, ahead, 0, aheadLen);
            aheadOff = 0;
        }
        long want = Math.min(ahead.length - aheadLen, end - (aheadStart + aheadLen));
        while (want > 0) {
            int n = channel.read(ByteBuffer.wrap(ahead, aheadLen, (int) want), aheadStart + aheadLen);
            if (n <= 0) {
                break;
            }
            aheadLen += n;
            want -= n;
        }
    }

    private boolean isZeroBlock(int at) {
        int from = aheadOff + at;
        int n = Math.min(BLOCK, aheadLen - at);
        return Arrays.mismatch(ahead, from, from + n, ZEROS, 0, n) < 0;
    }

    @Override
    public void finish() {
        close();
    }

    @Override
    public void abort() {
        try {
            close();
        } catch (VirException e) {
            // abort never fails
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            file.close();
        } catch (IOException e) {
            throw ioError("Unable to close " + path, e);
        } finally {
            onClose.run();
        }
    }

    private static VirException ioError(String context, IOException e) {
        String reason = e.getMessage() == null ? "Input/output error" : e.getMessage();
        return VirException.systemError(VirErrorDomain.STREAMS, 5, context, reason);
    }
}
