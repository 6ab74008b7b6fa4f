package io.jvirtd.model.stream;

import io.jvirtd.model.VirException;

import java.nio.ByteBuffer;

/**
 * One open data stream as a driver serves it (libvirt's virStreamDriver: recv, send, inData,
 * sendHole, finish, abort). The daemon calls one method at a time, in order, from worker
 * threads (never the event loop, except {@link #read}, {@link #write} and {@link #available} of a
 * stream that {@linkplain #neverBlocks never blocks}), so implementations may block on file I/O
 * and need no lock of their own. Every failure a client should see is a {@link VirException}; after one the daemon
 * calls {@link #abort} and nothing else.
 */
public interface DataStream {

    /**
     * virStreamRecv: the next bytes into {@code dst} (at most its remaining room).
     *
     * @return the bytes read, -1 at the end of the data, or 0 when none are ready yet (see
     *         {@link #onReadable})
     */
    default int read(ByteBuffer dst) {
        throw VirException.internalError(io.jvirtd.model.VirErrorDomain.STREAMS, "stream is not readable");
    }

    /**
     * virStreamSend: takes the bytes of {@code src}. A stream whose sink can stall (a console
     * whose guest does not read) takes only what it can without waiting and leaves the rest in
     * {@code src}; the daemon then offers nothing more until the stream calls the wake given to
     * {@link #onWritable}, and then offers the rest again. Streams that never stall take it all.
     */
    default void write(ByteBuffer src) {
        throw VirException.internalError(io.jvirtd.model.VirErrorDomain.STREAMS, "stream is not writable");
    }

    /**
     * virStreamInData, for sparse streams: what lies at the current position, data or a hole,
     * and how long it is; a hole of length 0 at the end of the data.
     */
    default Section inData() {
        return new Section(true, Long.MAX_VALUE);
    }

    /** virStreamSendHole: the next {@code length} bytes are a hole (seek past them). */
    default void skip(long length) {
        throw VirException.internalError(io.jvirtd.model.VirErrorDomain.STREAMS, "stream does not support holes");
    }

    /**
     * A stream whose {@link #read} may find nothing yet (a console) returns 0 then; the daemon
     * calls this once, before the first read, with what makes it read again: the stream calls
     * {@code wake} from any thread when data (or its end, or a failure) has come.
     */
    default void onReadable(Runnable wake) {
        // streams that never return 0 need no wake-up
    }

    /**
     * A stream whose {@link #write} may take less than it was given calls {@code wake} from any
     * thread when it has room again (or has ended: the next write then fails). Called once,
     * before the first write.
     */
    default void onWritable(Runnable wake) {
        // streams that always take everything need no wake-up
    }

    /**
     * True when {@link #read} and {@link #write} never wait (they only copy to or from buffers
     * the stream's own threads serve): the daemon may then call them on the thread that
     * delivers the client's data or calls the wake, for the lowest latency (a console).
     */
    default boolean neverBlocks() {
        return false;
    }

    /**
     * Bytes {@link #read} would return now, 0 for none, -1 when unknown or when the end or a
     * failure is what the next read reports (a file answers -1; a console what its reader
     * thread has buffered, so the daemon frames an echo in a buffer of its size).
     */
    default int available() {
        return -1;
    }

    /** virStreamFinish: all data was moved; flush and close. */
    void finish();

    /** virStreamAbort: stop and drop what is unfinished; never throws. */
    void abort();

    /** What {@link #inData} found: data or a hole, of {@code length} bytes. */
    record Section(boolean data, long length) {
    }
}
