package io.jvirtd.daemon.remote;

import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.server.ServerClient;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's server-to-client streams (virDomainScreenshot's, docs/protocol.md §11), as
 * libvirtd's daemonStreamHandleRead/Finish/Abort run them: after the call's REPLY, STREAM/CONTINUE
 * packets with the data in chunks of VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX, an empty STREAM/CONTINUE
 * for end of file; the client's finish (STREAM/OK) or abort (STREAM/ERROR) is confirmed with an
 * empty STREAM/OK. Packets for a stream that is not open are ignored, as libvirtd does.
 *
 * <p>Threads: {@link #start} and {@link #afterReply} on the worker serving the call,
 * {@link #packet} on the event loop; the set of open streams is concurrent.
 */
final class DownloadStreams {

    /** VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX: the data chunk both sides use. */
    static final int CHUNK = 262120;

    private final ServerClient client;
    /**
     * The data the call being served on this worker wants streamed after its reply. A worker
     * serves one call at a time and start/afterReply run on it for the same call, so one
     * thread-local serves every client.
     */
    private static final ThreadLocal<byte[]> PENDING = new ThreadLocal<>();
    /**
     * How many calls of this client have data pending: every reply passes through
     * {@link #afterReply}, and this keeps the common case (no stream) to one volatile read.
     */
    private final AtomicInteger pendingCount = new AtomicInteger();
    /** Streams whose finish or abort is still to come, by procedure and serial. */
    private final Set<Long> open = ConcurrentHashMap.newKeySet();

    DownloadStreams(ServerClient client) {
        this.client = client;
    }

    void start(byte[] data) {
        if (PENDING.get() == null) {
            pendingCount.incrementAndGet();
        }
        PENDING.set(data);
    }

    void afterReply(MessageHeader call, boolean succeeded) {
        if (pendingCount.get() == 0) {
            return;
        }
        byte[] data = PENDING.get();
        if (data == null) {
            return;
        }
        PENDING.remove();
        pendingCount.decrementAndGet();
        if (!succeeded) {
            return;
        }
        open.add(key(call));
        for (int off = 0; off < data.length; off += CHUNK) {
            client.sendMessage(frame(call, MessageHeader.STATUS_CONTINUE, data, off, Math.min(CHUNK, data.length - off)));
        }
        client.sendMessage(frame(call, MessageHeader.STATUS_CONTINUE, data, 0, 0));
    }

    void packet(MessageHeader h) {
        if (!open.remove(key(h))) {
            return;
        }
        client.sendMessage(frame(h, MessageHeader.STATUS_OK, new byte[0], 0, 0));
    }

    private static long key(MessageHeader h) {
        return (long) h.procedure() << 32 | (h.serial() & 0xffffffffL);
    }

    /** A STREAM packet of the stream {@code call} opened: its program, procedure and serial. */
    static ByteBuffer frame(MessageHeader call, int status, byte[] data, int off, int len) {
        int length = MessageHeader.LENGTH_WORD + MessageHeader.SIZE + len;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(length).putInt(call.program()).putInt(call.version()).putInt(call.procedure())
                .putInt(MessageHeader.TYPE_STREAM).putInt(call.serial()).putInt(status);
        b.put(data, off, len);
        return b.flip();
    }
}
