package io.jvirtd.rpc.server;

import io.jvirtd.rpc.message.RpcError;

import java.nio.ByteBuffer;

/**
 * Where a {@link ServerStream}'s bytes come from or go to: the program's end of the stream
 * (the daemon plugs the driver's stream in here). Called one method at a time, in order, on
 * worker threads, never the event loop, unless the io {@linkplain #neverBlocks never blocks};
 * methods may block on I/O. A failure the client should
 * see is a {@link Failure}; after one only {@link #abort} follows.
 */
public interface StreamIo {

    /**
     * The next bytes into {@code dst}; -1 at the end of the data; 0 when none are ready now (a
     * console with nothing to say): the stream then stops asking until
     * {@link ServerStream#wake} is called, so a read never needs to wait.
     */
    int read(ByteBuffer dst);

    /**
     * Takes {@code src} (a heap or a direct buffer: large packets arrive in pooled direct ones;
     * it is valid only during the call), all of it or, when the sink stalls, what it can without waiting: with
     * bytes left in {@code src} the stream offers nothing more (and the client's data waits
     * under the stream's flow control) until {@link ServerStream#writable} is called.
     */
    void write(ByteBuffer src);

    /**
     * Sparse streams: the length of the data at the current position (positive), of the hole
     * there (negative), or 0 at the end of the data.
     */
    long section();

    /** Sparse streams: skip a hole of {@code length} bytes. */
    void skip(long length);

    /** Everything was moved: flush and close. */
    void finish();

    /** Stop and drop what is unfinished; never throws. */
    void abort();

    /**
     * True when {@link #read} and {@link #write} only copy to or from buffers in memory and never
     * wait (a console, whose own threads do the blocking I/O): the stream then writes the
     * client's data where it arrives, on the event loop, and reads on the thread that wakes it
     * (the event loop too, when the io's data comes from a channel the loop watches), instead of
     * handing each packet to a worker (two thread hand-offs less per round trip).
     */
    default boolean neverBlocks() {
        return false;
    }

    /**
     * Bytes {@link #read} would give now without waiting, 0 for none (then the stream waits for
     * {@link ServerStream#wake} without reading), or -1 when unknown (a file: read and see). A
     * console answers it, so that a keystroke's echo is framed in a buffer of its size, not in a
     * 256 KiB one.
     */
    default int available() {
        return -1;
    }

    /** A failure to report to the client as the stream's error. */
    final class Failure extends RuntimeException {
        private final transient RpcError error;

        public Failure(RpcError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        public RpcError error() {
            return error;
        }
    }
}
