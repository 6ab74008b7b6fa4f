package io.jvirtd.rpc.server;

import io.jvirtd.rpc.message.DirectFramePool;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.message.StreamFrames;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.xdr.XdrException;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One data stream of a client (libvirt's daemonClientStream, remote_daemon_stream.c): the
 * packets of the stream a call opened, both ways, moved to and from the program's
 * {@link StreamIo}.
 * <ul>
 * <li>Client to server: STREAM/CONTINUE data and, on sparse streams, STREAM_HOLE packets are
 *     written to the io in order; STREAM/OK (finish) flushes it and is confirmed with STREAM/OK;
 *     STREAM/ERROR (abort) aborts it and is confirmed with STREAM/OK. A hole on a stream not
 *     opened sparse closes the client, as libvirtd does ("Unexpected stream hole").
 * <li>Server to client (a stream that {@linkplain #sends sends}): data in chunks of
 *     {@link StreamFrames#CHUNK}, holes as STREAM_HOLE on sparse streams, an empty
 *     STREAM/CONTINUE at the end; then the client's finish or abort as above.
 * <li>A failure of the io ends the stream with STREAM/ERROR and the error struct; the client
 *     sees it on its next stream call. Packets for an ended stream are ignored.
 * </ul>
 *
 * <p>Flow control, per stream: data from the client waits here until the io took it, charged
 * to the {@link ClientMemoryBudget} like a large call; beyond {@link #RX_LIMIT} bytes the
 * client's next packets are not dispatched (and so its socket not read) until the io catches
 * up. An io whose sink stalls (a paused guest's console) takes part of a packet and says when
 * it has room again ({@link #writable}); until then the rest of the packet and what follows it
 * wait here, and no worker waits for the sink. The client's abort does not wait behind data
 * the sink does not take: it drops that data. Data to the client is read from the io only while less than {@link #TX_WINDOW} bytes of
 * it are unwritten, so a slow reader holds back its own stream and nothing else; what waits in
 * the client's transmit queue is charged to the budget there.
 *
 * <p>Threads: {@link #accept}, {@link #holdsBack}, {@link #written} and {@link #drop} run on
 * the event loop. All io calls run in the stream's one <em>service</em> job on the worker pool
 * (never two at once: {@code scheduled} hands the job over), which may block on I/O without
 * holding anything else back. The queue and the byte counts between the two are lock-free.
 * An io that {@linkplain StreamIo#neverBlocks never blocks} (a console) is served where the
 * work appears instead, when no service job runs: a data packet is written on the loop as it
 * arrives, and a {@link #wake} or {@link #writable} runs the service on the calling thread; on
 * the loop (a console whose pty the loop watches) only its sending part, so an echo is read,
 * framed and queued for the socket in one turn. A keystroke and its echo cross no worker.
 */
public final class ServerStream {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.rpc.server");
    /** Data sent to the client and not yet written to its socket, at most (four chunks, ~1 MiB). */
    static final long TX_WINDOW = 4L * (StreamFrames.CHUNK + StreamFrames.OVERHEAD);
    /** Data from the client not yet taken by the io, beyond which the client is not read. */
    static final long RX_LIMIT = 4L * (StreamFrames.CHUNK + MessageHeader.SIZE);
    /** Data frames of at least this many bytes are read into a pooled direct buffer (see produce). */
    private static final int POOLED_MIN = 16 * 1024;
    /** Packets one service job handles before it yields its worker to other jobs. */
    private static final int BATCH = 16;

    private final ServerClient client;
    private final MessageHeader call;
    /** The length word and header of this stream's data frames (StreamFrames#dataHeader). */
    private final byte[] dataHeader;
    private final StreamIo io;
    private final boolean sends;
    private final boolean sparse;
    /** The io never blocks: served inline (see the class comment). */
    private final boolean inline;

    private final ConcurrentLinkedQueue<Message> rx = new ConcurrentLinkedQueue<>();
    /** Bytes of the frames in rx (each charged to the budget until the service releases it). */
    private final AtomicLong rxBytes = new AtomicLong();
    /** Bytes of frames handed to the client and not written to its socket yet. */
    private final AtomicLong txUnwritten = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable service = this::serve;
    /** The call's reply went out: data may follow it. */
    private volatile boolean started;
    /** Finished, aborted or failed: no more io calls but the closing one. */
    private volatile boolean ended;
    /** The io was finished or aborted. Service-confined (volatile for hasWork's peek). */
    private volatile boolean ioClosed;
    /** The empty end-of-data packet was sent. Service-confined. */
    private volatile boolean eofSent;
    /** The io had no data ready at its last read: no more reads until {@link #wake}. */
    private volatile boolean waitingForData;
    /** Counts wake calls, so one that comes while a read finds nothing is not lost. */
    private final AtomicLong wakes = new AtomicLong();
    /** The io took only part of the packet {@link #unwritten}: no writes until {@link #writable}. */
    private volatile boolean waitingForRoom;
    /** Counts writable calls, as {@link #wakes} for reads. */
    private final AtomicLong writables = new AtomicLong();
    /** A packet the io took part of, and the rest of its data. Service-confined. */
    private Message unwrittenPacket;
    private ByteBuffer unwritten;
    /** The client's abort arrived: it goes ahead of data that waits for the io. */
    private volatile boolean abortQueued;
    /** Sparse sending: data bytes left in the current data section. Service-confined. */
    private long dataLeft;
    /**
     * Loop-confined: a data packet waits in rx without a service job because the client's next
     * one was being read (see {@link #accept} and {@link #startDeferred}).
     */
    private boolean deferred;

    ServerStream(ServerClient client, MessageHeader call, StreamIo io, boolean sends, boolean sparse) {
        this.client = client;
        this.call = new MessageHeader(call.program(), call.version(), call.procedure(), MessageHeader.TYPE_STREAM,
                call.serial(), MessageHeader.STATUS_CONTINUE);
        this.dataHeader = StreamFrames.dataHeader(this.call);
        this.io = io;
        this.sends = sends;
        this.sparse = sparse;
        this.inline = io.neverBlocks();
    }

    /** Whether this stream carries the packet {@code h} (program, version, procedure, serial). */
    boolean matches(MessageHeader h) {
        return h.serial() == call.serial() && h.procedure() == call.procedure() && h.program() == call.program()
                && h.version() == call.version();
    }

    /** Procedure and serial, the stream's key among its client's streams. */
    long key() {
        return key(call);
    }

    static long key(MessageHeader h) {
        return (long) h.procedure() << 32 | (h.serial() & 0xffffffffL);
    }

    /**
     * The reply to the opening call was handed to the client: a sending stream starts sending.
     * Any thread; call it after {@link ServerClient#sendReply}, so the data follows the reply.
     */
    public void start() {
        started = true;
        schedule();
    }

    /** The io has data again after a read that found none. Any thread. */
    public void wake() {
        wakes.incrementAndGet();
        waitingForData = false;
        scheduleHere();
    }

    /** The io has room again after a write it took only part of. Any thread. */
    public void writable() {
        writables.incrementAndGet();
        waitingForRoom = false;
        scheduleHere();
    }

    /**
     * A non-blocking io's service runs on this thread unless a job runs: on the loop only the
     * sending part ({@link #produceHere}), elsewhere all of it.
     */
    private void scheduleHere() {
        if (inline && scheduled.compareAndSet(false, true)) {
            if (client.onLoop()) {
                produceHere();
            } else {
                serve();
            }
        } else {
            schedule();
        }
    }

    /**
     * The opening call failed after the stream was opened: forget it and abort the io, without a
     * word to the client (it saw the error reply). Any thread.
     */
    public void cancel() {
        ended = true;
        client.streams().remove(this);
        schedule();
    }

    /** For tests: a service job (or an inline service) runs now. */
    boolean serviceRunning() {
        return scheduled.get();
    }

    // ---- event loop ----

    /** Loop: a packet of this stream from the client; it waits for the service, charged. */
    void accept(Message m) {
        if (ended) {
            m.release();
            return; // as libvirtd: packets for a stream that is over are dropped
        }
        int len = m.memory();
        rxBytes.addAndGet(len);
        client.server().memoryBudget().enterPool(len);
        MessageHeader h = m.header();
        if (inline && h.type() == MessageHeader.TYPE_STREAM && h.status() == MessageHeader.STATUS_CONTINUE
                && scheduled.compareAndSet(false, true)) {
            writeHere(m);
            return;
        }
        rx.add(m);
        if (h.type() == MessageHeader.TYPE_STREAM && h.status() == MessageHeader.STATUS_ERROR) {
            abortQueued = true;
        }
        if (!deferred && !inline && m.isDirect() && h.status() == MessageHeader.STATUS_CONTINUE && !scheduled.get()
                && !holdsBack()) {
            // an upload's packet with no service job running: it waits for the end of the loop's
            // turn (startDeferred), and if the client's next packet is being read by then, for
            // that one, so that a worker is woken once per two packets rather than per packet
            deferred = true;
            return;
        }
        deferred = false;
        schedule();
    }

    /**
     * Loop, at the end of each turn on the client: a packet {@link #accept} held back gets its
     * service job now, unless the client's next data packet is half read ({@code nextUnderWay}):
     * then it goes to the worker with that one, when it is complete (or the client is dropped,
     * which ends the stream). So no packet waits for anything but the rest of the packet after
     * it, which the client has begun to send; memory stays bounded as before (both are charged
     * and count against {@link #RX_LIMIT}). A worker's wake-up and sleep cost more than its
     * write of a 256 KiB packet into the page cache on a small host (docs/performance.md,
     * issue 13, helper upload4).
     */
    void startDeferred(boolean nextUnderWay) {
        if (deferred && (!nextUnderWay || holdsBack())) { // held back, the next one would never come
            deferred = false;
            schedule();
        }
    }

    /**
     * Loop, holding the service ({@code scheduled}): a data packet for a non-blocking io is
     * written at once when nothing is ahead of it; else it queues for the service.
     */
    private void writeHere(Message m) {
        try {
            if (ended || waitingForRoom || unwrittenPacket != null || !rx.isEmpty()) {
                rx.add(m);
                return;
            }
            if (write(m)) {
                release(m);
            } else {
                unwrittenPacket = m;
            }
        } finally {
            scheduled.set(false);
            if (hasWork()) {
                schedule();
            }
        }
    }

    /**
     * Loop, holding the service ({@code scheduled}): a non-blocking io that woke the stream on
     * the loop (a console whose pty the loop reads) has its data framed and queued for the
     * socket here, in the same turn, as libvirtd's loop does; anything else (the client's
     * packets, closing the io) goes to a worker as usual.
     */
    private void produceHere() {
        try {
            for (int i = 0; i < BATCH && !abortQueued && canSend() && txUnwritten.get() < TX_WINDOW; i++) {
                produce();
            }
        } catch (RuntimeException e) {
            failUnexpectedly(e);
        } finally {
            scheduled.set(false);
            if (hasWork()) {
                schedule();
            }
        }
    }

    /**
     * A bug in the io or the stream (an exception that is not a {@link StreamIo.Failure}): the
     * stream ends with libvirt's internal error naming a log reference, as a failed call does
     * ({@link UnexpectedFailures}); the client never sees Java's exception text.
     */
    private void failUnexpectedly(RuntimeException e) {
        fail(UnexpectedFailures.answer(client, "the stream of procedure " + call.procedure(), e));
    }

    /** Loop: too much of this stream's data waits; the client's next packets must wait. */
    boolean holdsBack() {
        return rxBytes.get() > RX_LIMIT;
    }

    /** Loop: a frame of this stream, {@code size} bytes, was written to the socket. */
    void written(int size) {
        if (txUnwritten.addAndGet(-size) < TX_WINDOW && canSend()) {
            schedule();
        }
    }

    /** Loop: the client is gone; the stream ends without a word and its data is released. */
    void drop() {
        ended = true;
        schedule();
    }

    // ---- the service, on a worker ----

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            client.server().pool().submit(service, false);
        } catch (RejectedExecutionException e) {
            scheduled.set(false); // the daemon is exiting: close the io here, nothing else will
            if (ended && !ioClosed) {
                ioClosed = true;
                releaseAll();
                io.abort();
            }
        }
    }

    private void serve() {
        boolean ranDry = false;
        try {
            int i = 0;
            while (i < BATCH && step()) {
                i++; // one packet or chunk per step
            }
            ranDry = i < BATCH;
        } catch (RuntimeException e) {
            failUnexpectedly(e);
        } finally {
            scheduled.set(false);
            if (hasWork()) {
                schedule();
            } else if (ranDry && !sends && !ended) {
                // the next packet comes when the loop has read it, at the client's pace: this
                // worker sleeps rather than spin for it (WorkerPool#sleepWhenIdle)
                WorkerPool.sleepWhenIdle();
            }
        }
    }

    private boolean hasWork() {
        if (ended) {
            return !ioClosed || !rx.isEmpty() || unwrittenPacket != null;
        }
        return abortQueued || (!waitingForRoom && (unwrittenPacket != null || !rx.isEmpty()))
                || (canSend() && txUnwritten.get() < TX_WINDOW);
    }

    private boolean canSend() {
        return sends && started && !eofSent && !ended && !waitingForData;
    }

    /** One packet from the client, or one chunk to it; false when there is nothing to do. */
    private boolean step() {
        if (ended) {
            releaseAll();
            if (!ioClosed) {
                ioClosed = true;
                io.abort();
            }
            return false;
        }
        if (abortQueued && unwrittenPacket != null) {
            dropUnwritten(); // the abort is queued behind: the data it drops need not wait for the io
            for (Message m; (m = rx.peek()) != null && m.header().status() != MessageHeader.STATUS_ERROR; ) {
                release(rx.poll());
            }
        }
        if (!waitingForRoom) {
            Message m = unwrittenPacket != null ? unwrittenPacket : rx.poll();
            if (m != null) {
                unwrittenPacket = null;
                boolean done = false;
                try {
                    done = handle(m);
                } finally {
                    if (done) {
                        release(m);
                    } else {
                        unwrittenPacket = m;
                    }
                }
                return true;
            }
        }
        if (canSend() && txUnwritten.get() < TX_WINDOW) {
            produce();
            return true;
        }
        return false;
    }

    /** One packet from the client; false when the io took only part of its data (the rest waits). */
    private boolean handle(Message m) {
        MessageHeader h = m.header();
        if (h.type() == MessageHeader.TYPE_STREAM_HOLE) {
            hole(m);
            return true;
        }
        switch (h.status()) {
            case MessageHeader.STATUS_CONTINUE -> {
                return write(m);
            }
            case MessageHeader.STATUS_OK -> finish();
            case MessageHeader.STATUS_ERROR -> end(null);
            default -> end(RpcError.rpc("stream aborted with unexpected status " + h.status()));
        }
        return true;
    }

    private boolean write(Message m) {
        ByteBuffer data = unwritten != null ? unwritten : m.body();
        unwritten = null;
        long writablesBefore = writables.get();
        try {
            io.write(data);
        } catch (StreamIo.Failure f) {
            fail(f.error());
            return true;
        }
        if (!data.hasRemaining()) {
            return true;
        }
        unwritten = data;
        waitingForRoom = true;
        if (writables.get() != writablesBefore) {
            waitingForRoom = false; // room came while writing: write again
        }
        return false;
    }

    private void dropUnwritten() {
        Message m = unwrittenPacket;
        unwrittenPacket = null;
        unwritten = null;
        waitingForRoom = false;
        if (m != null) {
            release(m);
        }
    }

    /** A client's hole: skipped on a sparse stream; elsewhere libvirtd drops the client. */
    private void hole(Message m) {
        long length;
        try {
            if (!sparse) {
                throw new XdrException("Unexpected stream hole");
            }
            length = StreamFrames.holeLength(m);
        } catch (XdrException e) {
            LOG.log(Level.INFO, "client {0}: {1}; closing it", client.id(), e.getMessage());
            ended = true;
            client.streams().remove(this);
            client.requestClose(e.getMessage());
            return;
        }
        try {
            io.skip(length);
        } catch (StreamIo.Failure f) {
            fail(f.error());
        }
    }

    /** The client's finish: flush the io, then confirm (or report why not). */
    private void finish() {
        ended = true;
        client.streams().remove(this);
        ioClosed = true;
        try {
            io.finish();
        } catch (StreamIo.Failure f) {
            io.abort();
            send(StreamFrames.error(call, f.error()));
            return;
        }
        send(StreamFrames.ok(call));
    }

    /** The client's abort (error null: confirmed with STREAM/OK), or an abort with another status. */
    private void end(RpcError error) {
        ended = true;
        client.streams().remove(this);
        ioClosed = true;
        io.abort();
        send(error == null ? StreamFrames.ok(call) : StreamFrames.error(call, error));
    }

    /** The io failed: the stream ends with the error. */
    private void fail(RpcError error) {
        ended = true;
        client.streams().remove(this);
        if (!ioClosed && !client.onLoop()) { // on the loop (writeHere) the next service job closes it
            ioClosed = true;
            io.abort();
        }
        send(StreamFrames.error(call, error));
    }

    /** One chunk (or hole, or the end) of a sending stream. */
    private void produce() {
        try {
            if (sparse && dataLeft == 0) {
                long section = io.section();
                if (section < 0) {
                    send(StreamFrames.hole(call, -section));
                    io.skip(-section);
                    return;
                }
                if (section == 0) {
                    sendEnd();
                    return;
                }
                dataLeft = section;
            }
            int room = sparse ? (int) Math.min(StreamFrames.CHUNK, dataLeft) : StreamFrames.CHUNK;
            long wakesBefore = wakes.get();
            int ready = io.available();
            if (ready == 0) {
                waitingForData = true;
                if (wakes.get() != wakesBefore) {
                    waitingForData = false; // woken while asking: ask again
                }
                return;
            }
            if (ready > 0) {
                room = Math.min(room, ready); // a console's echo: a frame of its size
            }
            // a file's chunks in a pooled direct buffer: read into it by the kernel, written to the
            // socket from it, no copy of ours or the JDK's and no zeroed array per chunk; a
            // console's short echoes keep their small heap frames
            DirectFramePool pool = client.server().framePool();
            boolean pooled = !inline && room >= POOLED_MIN && StreamFrames.OVERHEAD + room <= DirectFramePool.MAX_FRAME;
            ByteBuffer frame = pooled ? StreamFrames.newData(call, room, pool) : StreamFrames.newData(dataHeader, room);
            frame.position(StreamFrames.OVERHEAD);
            int n;
            try {
                n = io.read(frame);
            } finally {
                if (pooled && frame.position() == StreamFrames.OVERHEAD) { // nothing read, or the read threw
                    pool.give(frame);
                    pooled = false;
                    frame = null;
                }
            }
            if (n < 0) {
                sendEnd();
                return;
            }
            if (n == 0) {
                waitingForData = true;
                if (wakes.get() != wakesBefore) {
                    waitingForData = false; // woken while reading: read again
                }
                return;
            }
            if (sparse) {
                dataLeft -= n;
            }
            send(StreamFrames.sealData(frame, n), pooled);
        } catch (StreamIo.Failure f) {
            fail(f.error());
        }
    }

    private void sendEnd() {
        eofSent = true;
        send(StreamFrames.data(call, new byte[0], 0, 0));
    }

    private void send(ByteBuffer frame) {
        send(frame, false);
    }

    private void send(ByteBuffer frame, boolean pooled) {
        txUnwritten.addAndGet(frame.remaining());
        client.sendStreamFrame(frame, this, pooled);
    }

    /** Worker: a packet was handled; its bytes leave the budget and may let the client be read again. */
    private void release(Message m) {
        int len = m.memory();
        m.release();
        long after = rxBytes.addAndGet(-len);
        client.server().memoryBudget().leavePool(len);
        if (after <= RX_LIMIT && after + len > RX_LIMIT) {
            client.streamDrained();
        }
    }

    private void releaseAll() {
        dropUnwritten();
        for (Message m; (m = rx.poll()) != null; ) {
            release(m);
        }
    }
}
