package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A wire-level libvirt RPC client for tests that need to send what no stock client sends.
 *
 * <p>Messages are framed as on the wire: a 4-byte big-endian length counting itself, a 24-byte
 * header (program, version, procedure, type, serial, status) and an XDR body. Bodies are
 * encoded by hand with {@link Xdr}. Every blocking step has a deadline: the channel is
 * non-blocking and waits in a {@link Selector}, so a silent daemon fails the test instead of
 * hanging it. Not thread-safe: one thread per client.
 */
public final class RawClient implements AutoCloseable {

    public static final int REMOTE_PROGRAM = 0x20008086;
    public static final int KEEPALIVE_PROGRAM = 0x6b656570;
    public static final int ADMIN_PROGRAM = 0x06900690;

    public static final int CALL = 0;
    public static final int REPLY = 1;
    public static final int MESSAGE = 2;

    public static final int OK = 0;
    public static final int ERROR = 1;

    public static final int PROC_CONNECT_OPEN = 1;
    public static final int PROC_CONNECT_CLOSE = 2;
    public static final int PROC_CONNECT_GET_HOSTNAME = 59;
    public static final int PROC_CONNECT_SUPPORTS_FEATURE = 60;
    public static final int PROC_AUTH_LIST = 66;
    public static final int PROC_CONNECT_GET_LIB_VERSION = 157;

    public static final int KEEPALIVE_PING = 1;
    public static final int KEEPALIVE_PONG = 2;

    public static final int FEATURE_PROGRAM_KEEPALIVE = 10;

    public static final int HEADER_LEN = 28;
    private static final int MAX_FRAME = 32 * 1024 * 1024 + 4;
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(10);

    private final SocketChannel ch;
    private Selector selector; // opened on first wait: idle clients hold just their socket
    private final String peer;
    private ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private int nextSerial;
    private boolean eof;

    private RawClient(SocketChannel ch, String peer) throws IOException {
        this.ch = ch;
        this.peer = peer;
        ch.configureBlocking(false);
        in.flip();
    }

    /** Connects over TCP. */
    public static RawClient tcp(InetSocketAddress addr) throws IOException {
        return connect(SocketChannel.open(StandardProtocolFamily.INET), addr, "tcp " + addr);
    }

    /** Connects to a unix socket. */
    public static RawClient unix(Path socket) throws IOException {
        return connect(SocketChannel.open(StandardProtocolFamily.UNIX), UnixDomainSocketAddress.of(socket),
                "unix " + socket);
    }

    private static RawClient connect(SocketChannel ch, SocketAddress addr, String peer) throws IOException {
        try {
            ch.connect(addr); // blocking connect: loopback / local socket, completes at once
            return new RawClient(ch, peer);
        } catch (IOException e) {
            ch.close();
            throw new IOException("connect " + peer + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ frames

    /** One message as read from the wire. */
    public record Frame(int prog, int vers, int proc, int type, int serial, int status, byte[] body) {
        /** A reader over the body. */
        public XdrReader reader() {
            return new XdrReader(body);
        }

        /** True for a keepalive PING. */
        public boolean isPing() {
            return prog == KEEPALIVE_PROGRAM && proc == KEEPALIVE_PING && type == MESSAGE;
        }

        /** True for a keepalive message of either kind. */
        public boolean isKeepalive() {
            return prog == KEEPALIVE_PROGRAM;
        }

        /** The error struct of a REPLY/ERROR; fails when this is not one. */
        public RpcError error() {
            if (type != REPLY || status != ERROR) {
                fail("expected REPLY/ERROR, got " + this);
            }
            return RpcError.decode(reader());
        }

        @Override
        public String toString() {
            return String.format("Frame[prog=0x%08x vers=%d proc=%d type=%d serial=%d status=%d body=%d bytes]",
                    prog, vers, proc, type, serial, status, body.length);
        }
    }

    /** libvirt's error struct (remote_error / virNetMessageError). */
    public record RpcError(int code, int domain, String message, int level, String str1, String str2,
            String str3, int int1, int int2) {
        static RpcError decode(XdrReader r) {
            int code = r.i32();
            int domain = r.i32();
            String message = r.optString();
            int level = r.i32();
            if (r.i32() != 0) { // dom: remote_nonnull_domain {name, uuid[16], id}
                r.string();
                r.skip(16);
                r.i32();
            }
            String str1 = r.optString();
            String str2 = r.optString();
            String str3 = r.optString();
            int int1 = r.i32();
            int int2 = r.i32();
            return new RpcError(code, domain, message, level, str1, str2, str3, int1, int2);
        }
    }

    /** Encodes a complete message (length word included). */
    public static byte[] frame(int prog, int vers, int proc, int type, int serial, int status, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LEN + body.length);
        b.putInt(HEADER_LEN + body.length).putInt(prog).putInt(vers).putInt(proc).putInt(type)
                .putInt(serial).putInt(status).put(body);
        return b.array();
    }

    /** Encodes a REMOTE program CALL. */
    public static byte[] remoteCall(int proc, int serial, byte[] body) {
        return frame(REMOTE_PROGRAM, 1, proc, CALL, serial, OK, body);
    }

    /** The next serial this client would use (serials start at 0 as libvirt's client does). */
    public int takeSerial() {
        return nextSerial++;
    }

    /** Sends raw bytes; fails when they cannot all be written before the deadline. */
    public void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long n = trySend(b, IO_TIMEOUT);
        if (b.hasRemaining()) {
            fail("could not write " + bytes.length + " bytes to " + peer + " within " + IO_TIMEOUT
                    + " (wrote " + n + ")");
        }
    }

    /**
     * Writes as much of {@code b} as the peer accepts before the deadline; returns the number of
     * bytes written. A peer that stops reading makes this return early with bytes remaining.
     */
    public long trySend(ByteBuffer b, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long written = 0;
        while (b.hasRemaining()) {
            int n = ch.write(b);
            written += n;
            if (n > 0) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            SelectionKey key = ch.register(selector(), SelectionKey.OP_WRITE);
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            key.interestOps(0);
        }
        return written;
    }

    /** Sends a REMOTE CALL with the next serial; returns that serial. */
    public int call(int proc, byte[] body) throws IOException {
        int serial = takeSerial();
        send(remoteCall(proc, serial, body));
        return serial;
    }

    /** Sends a keepalive PONG. */
    public void pong() throws IOException {
        send(frame(KEEPALIVE_PROGRAM, 1, KEEPALIVE_PONG, MESSAGE, 0, OK, new byte[0]));
    }

    /**
     * Reads one message, waiting at most {@code timeout}; fails on timeout and throws
     * {@link EOFException} when the daemon closed the connection.
     */
    public Frame read(Duration timeout) throws IOException {
        Frame f = readOrNull(timeout);
        if (f == null) {
            fail("no message from " + peer + " within " + timeout);
        }
        return f;
    }

    /** Like {@link #read} but returns null at the deadline. */
    public Frame readOrNull(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame f = parseBuffered();
            if (f != null) {
                return f;
            }
            if (eof) {
                throw new EOFException(peer + " closed by the daemon");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            fill(left);
        }
    }

    private Frame parseBuffered() {
        if (in.remaining() < 4) {
            return null;
        }
        int len = in.getInt(in.position());
        if (len < HEADER_LEN || len > MAX_FRAME) {
            fail(peer + ": daemon sent an impossible length word " + len);
        }
        if (in.remaining() < len) {
            return null;
        }
        in.getInt();
        int prog = in.getInt();
        int vers = in.getInt();
        int proc = in.getInt();
        int type = in.getInt();
        int serial = in.getInt();
        int status = in.getInt();
        byte[] body = new byte[len - HEADER_LEN];
        in.get(body);
        return new Frame(prog, vers, proc, type, serial, status, body);
    }

    private void fill(long nanosLeft) throws IOException {
        in.compact();
        try {
            if (!in.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            int n = readSome();
            if (n == 0) {
                SelectionKey key = ch.register(selector(), SelectionKey.OP_READ);
                selector.select(Math.max(1, nanosLeft / 1_000_000));
                selector.selectedKeys().clear();
                key.interestOps(0);
                n = readSome();
            }
            if (n < 0) {
                eof = true;
            }
        } finally {
            in.flip();
        }
    }

    private int readSome() throws IOException {
        try {
            return ch.read(in);
        } catch (IOException e) {
            // "Connection reset by peer": the daemon closed with unread data pending
            return -1;
        }
    }

    /**
     * Reads until the REPLY with {@code serial} arrives. Keepalive PINGs on the way are answered
     * with PONG when {@code answerPings}; any other message fails the test.
     */
    public Frame awaitReply(int serial, Duration timeout, boolean answerPings) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame f = left > 0 ? readOrNull(Duration.ofNanos(left)) : null;
            if (f == null) {
                fail("no reply to serial " + serial + " from " + peer + " within " + timeout);
            }
            if (f.isKeepalive()) {
                if (f.isPing() && answerPings) {
                    pong();
                }
                continue;
            }
            if (f.type() == REPLY && f.serial() == serial) {
                return f;
            }
            fail("unexpected message while waiting for serial " + serial + ": " + f);
        }
    }

    /** Calls a REMOTE procedure and returns its reply (answering PINGs meanwhile). */
    public Frame callAndWait(int proc, byte[] body) throws IOException {
        int serial = call(proc, body);
        Frame f = awaitReply(serial, IO_TIMEOUT, true);
        assertEquals(REMOTE_PROGRAM, f.prog(), "reply program");
        assertEquals(proc, f.proc(), "reply procedure");
        return f;
    }

    /** Calls a REMOTE procedure and fails unless the reply is REPLY/OK. */
    public XdrReader callOk(int proc, byte[] body) throws IOException {
        Frame f = callAndWait(proc, body);
        if (f.status() != OK) {
            RpcError e = f.error();
            fail("procedure " + proc + " failed on " + peer + ": " + e);
        }
        return f.reader();
    }

    /**
     * The handshake of a stock client: AUTH_LIST, CONNECT_SUPPORTS_FEATURE(10 keepalive) and
     * CONNECT_OPEN(uri, flags 0), each checked to succeed.
     */
    public RawClient handshake(String uri) throws IOException {
        XdrReader auth = callOk(PROC_AUTH_LIST, new byte[0]);
        int n = auth.i32();
        if (n < 1 || auth.i32() != 0) {
            fail("AUTH_LIST did not offer auth none (" + n + " types)");
        }
        assertEquals(1, callOk(PROC_CONNECT_SUPPORTS_FEATURE, new Xdr().i32(FEATURE_PROGRAM_KEEPALIVE).bytes()).i32(),
                "keepalive feature supported");
        callOk(PROC_CONNECT_OPEN, new Xdr().optString(uri).i32(0).bytes());
        return this;
    }

    /** CONNECT_GET_LIB_VERSION on an open connection. */
    public long libVersion() throws IOException {
        return callOk(PROC_CONNECT_GET_LIB_VERSION, new byte[0]).i64();
    }

    /**
     * Waits for the daemon to close the connection; returns the messages received before that.
     * Fails when the connection is still open at the deadline.
     */
    public List<Frame> awaitClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Frame> got = new ArrayList<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Frame f = left > 0 ? readOrNull(Duration.ofNanos(left)) : null;
                if (f == null) {
                    fail(peer + " still open after " + timeout + "; received " + got);
                }
                got.add(f);
            }
        } catch (EOFException closed) {
            return got;
        }
    }

    /** True once the daemon closed the connection (as seen by a read). */
    public boolean isClosed() {
        return eof;
    }

    private Selector selector() throws IOException {
        if (selector == null) {
            selector = Selector.open();
        }
        return selector;
    }

    @Override
    public void close() throws IOException {
        try {
            if (selector != null) {
                selector.close();
            }
        } finally {
            ch.close();
        }
    }

    @Override
    public String toString() {
        return "RawClient[" + peer + "]";
    }

    // ------------------------------------------------------------------ XDR

    /** A tiny XDR encoder for hand-built bodies. */
    public static final class Xdr {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Xdr i32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        public Xdr i64(long v) {
            return i32((int) (v >>> 32)).i32((int) v);
        }

        public Xdr string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            return raw(b).pad(b.length);
        }

        /** An optional string: present flag then the string, or flag 0 for null. */
        public Xdr optString(String s) {
            return s == null ? i32(0) : i32(1).string(s);
        }

        public Xdr raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        private Xdr pad(int len) {
            for (int i = len; i % 4 != 0; i++) {
                out.write(0);
            }
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A tiny XDR decoder over a message body. */
    public static final class XdrReader {
        private final ByteBuffer b;

        XdrReader(byte[] body) {
            this.b = ByteBuffer.wrap(body);
        }

        public int i32() {
            return b.getInt();
        }

        public long i64() {
            return b.getLong();
        }

        public String string() {
            int n = b.getInt();
            byte[] s = new byte[n];
            b.get(s);
            skip((4 - n % 4) % 4);
            return new String(s, StandardCharsets.UTF_8);
        }

        public String optString() {
            return b.getInt() == 0 ? null : string();
        }

        public void skip(int n) {
            b.position(b.position() + n);
        }

        public int remaining() {
            return b.remaining();
        }
    }
}
