package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirException;
import io.jvirtd.model.stream.DataStream;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerStream;
import io.jvirtd.rpc.server.StreamIo;

import java.nio.ByteBuffer;

/**
 * The data streams the remote program's calls open (virStorageVolUpload and Download,
 * virDomainScreenshot, virDomainOpenConsole): the call's binding hands the driver's {@link DataStream} to
 * {@link #open}; {@link RemoteProgram} registers it with the client just before the call's
 * reply goes out (so no packet of it is missed) and starts it right after (so its data follows
 * the reply), or aborts it when the call failed. The packets and the flow control are the rpc
 * layer's ({@link ServerStream}); this class only adapts the driver's stream to it, turning its
 * {@link VirException}s into the stream's error.
 *
 * <p>Threads: {@link #open}, {@link #register} and {@link #started} on the worker serving the
 * call, in that order; one thread-local carries the stream between them, as a worker serves
 * one call at a time.
 */
final class RemoteStreams {

    private static final ThreadLocal<Pending> PENDING = new ThreadLocal<>();

    private record Pending(DataStream stream, boolean sends, boolean sparse) {
    }

    private RemoteStreams() {
    }

    /** The call being served opens {@code stream}: it sends data (a download) or takes it. */
    static void open(DataStream stream, boolean sends, boolean sparse) {
        Pending old = PENDING.get();
        if (old != null) {
            old.stream.abort();
        }
        PENDING.set(new Pending(stream, sends, sparse));
    }

    /**
     * Before the reply to {@code call}: registers the stream the call opened, if it succeeded;
     * aborts it if it failed. Null when the call opened none (the usual case: one thread-local read).
     */
    static ServerStream register(ServerClient client, MessageHeader call, boolean succeeded) {
        Pending p = PENDING.get();
        if (p == null) {
            return null;
        }
        PENDING.remove();
        if (!succeeded) {
            p.stream.abort();
            return null;
        }
        ServerStream s = client.openStream(call, new Io(p.stream), p.sends, p.sparse);
        if (s != null) {
            p.stream.onReadable(s::wake);
            p.stream.onWritable(s::writable);
        }
        return s;
    }

    /** After the reply was sent: the stream may start sending. */
    static void started(ServerStream s) {
        if (s != null) {
            s.start();
        }
    }

    /** The driver's stream as the rpc layer calls it. */
    private record Io(DataStream stream) implements StreamIo {

        @Override
        public int read(ByteBuffer dst) {
            try {
                return stream.read(dst);
            } catch (VirException e) {
                throw failure(e);
            }
        }

        @Override
        public void write(ByteBuffer src) {
            try {
                stream.write(src);
            } catch (VirException e) {
                throw failure(e);
            }
        }

        @Override
        public long section() {
            try {
                DataStream.Section s = stream.inData();
                return s.data() ? Math.max(1, s.length()) : -s.length();
            } catch (VirException e) {
                throw failure(e);
            }
        }

        @Override
        public void skip(long length) {
            try {
                stream.skip(length);
            } catch (VirException e) {
                throw failure(e);
            }
        }

        @Override
        public void finish() {
            try {
                stream.finish();
            } catch (VirException e) {
                throw failure(e);
            }
        }

        @Override
        public void abort() {
            stream.abort();
        }

        @Override
        public boolean neverBlocks() {
            return stream.neverBlocks();
        }

        @Override
        public int available() {
            return stream.available();
        }

        private static Failure failure(VirException e) {
            return new Failure(RemoteProgram.toWire(e));
        }
    }
}
