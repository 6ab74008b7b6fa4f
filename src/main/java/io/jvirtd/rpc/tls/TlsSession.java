package io.jvirtd.rpc.tls;

import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One TLS connection as a byte transformer over the JDK's {@link SSLEngine}: the
 * owner feeds it ciphertext read from the socket and gets plaintext back ({@link #unwrap}),
 * hands it plaintext and gets ciphertext to write ({@link #wrap}, {@link #output}). It holds
 * no channel, so two sessions can be wired back to back in memory.
 *
 * <p><b>Never blocking the loop.</b> Handshake work the engine delegates ({@code NEED_TASK}:
 * key exchange, signatures, the peer certificate check of the trust manager) runs on the
 * {@code tasks} executor; meanwhile the session neither reads nor writes, and when the tasks
 * are done it hops back with {@code loop.execute} and calls {@code onResume}, on the loop.
 * After the handshake, the peer check of the owner ({@code verifier}, libvirt's
 * virNetTLSContextCheckCertificate) runs the same way, and records are exchanged only once it
 * accepted the peer. The owner then calls {@link #unwrap} with no new bytes (input may be
 * buffered), writes {@link #output}, and recomputes its interest from {@link #wantsRead} and
 * {@link #wantsWrite}, which depend on this session's state only.
 *
 * <p><b>Memory.</b> Ciphertext the engine could not use yet (a partial record) is kept in a
 * buffer of exactly that size, and pending output in a buffer released once written, so an
 * idle session holds no I/O buffers.
 *
 * <p><b>Threads.</b> Loop-confined: every method runs on the owner's event-loop thread
 * ({@code inLoop} is asserted), except the delegated tasks and the verifier, which touch only
 * the engine (thread-safe) and hand their outcome back through {@code loop}.
 */
public final class TlsSession {

    /** What the owner's check of the peer concluded. */
    public record Verdict(boolean accepted, String peerDn, String reason) {
        public static Verdict accept(String peerDn) {
            return new Verdict(true, peerDn, null);
        }

        public static Verdict reject(String peerDn, String reason) {
            return new Verdict(false, peerDn, reason);
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Output encrypted ahead of the socket, per session; more waits as plaintext. */
    private static final int MAX_PENDING_OUTPUT = 64 * 1024;

    private final SSLEngine engine;
    private final Executor tasks;
    private final Executor loop;
    private final BooleanSupplier inLoop;
    private final Runnable onResume;
    private final Function<Certificate[], Verdict> verifier;

    // Loop-confined.
    /** Ciphertext received but not yet consumed by the engine (read mode); null when none. */
    private ByteBuffer pendingIn;
    /** True when the engine stopped on a full plaintext buffer with whole records left. */
    private boolean moreInput;
    /** Ciphertext to send (read mode); null when none. */
    private ByteBuffer out;
    private boolean taskRunning;
    private boolean handshakeDone;
    private boolean verifying;
    private Verdict verdict;
    private boolean inboundDone;
    /** Set by a delegated task that threw; reported at the next step. */
    private volatile Throwable taskFailure;

    /**
     * @param engine   a configured engine (client or server mode); the handshake starts here
     * @param tasks    runs delegated tasks and the verifier, off the loop
     * @param loop     run-on-loop of the owner
     * @param inLoop   true on the owner's loop thread (for assertions)
     * @param onResume called on the loop after tasks or the verifier finished
     * @param verifier decides on the peer after the handshake (its certificate chain, null if
     *                 it sent none); null accepts every peer the engine accepted
     */
    public TlsSession(SSLEngine engine, Executor tasks, Executor loop, BooleanSupplier inLoop, Runnable onResume,
                      Function<Certificate[], Verdict> verifier) throws SSLException {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.inLoop = Objects.requireNonNull(inLoop, "inLoop");
        this.onResume = Objects.requireNonNull(onResume, "onResume");
        this.verifier = verifier;
        engine.beginHandshake();
    }

    // ---- state ----

    /** Handshake done and the peer accepted: application data flows. */
    public boolean isEstablished() {
        return handshakeDone && verdict != null && verdict.accepted();
    }

    /** The verifier rejected the peer: the owner closes the connection (no close_notify, as libvirtd). */
    public boolean isRejected() {
        return verdict != null && !verdict.accepted();
    }

    /** The verdict once the peer was checked, else null. */
    public Verdict verdict() {
        return verdict;
    }

    /** The peer sent close_notify. */
    public boolean isInboundDone() {
        return inboundDone;
    }

    /** A delegated task or the verifier is running; nothing moves until it hops back. */
    public boolean isBusy() {
        return taskRunning || verifying;
    }

    /** The negotiated session (protocol, cipher suite), valid once established. */
    public SSLSession session() {
        return engine.getSession();
    }

    /** True when {@link #unwrap} should be called again without new bytes (plaintext buffer was full). */
    public boolean hasBufferedInput() {
        return moreInput;
    }

    /**
     * Whether the owner should watch the socket for reading. During the handshake that is the
     * engine's wish; afterwards it is {@code appWantsRead} (the owner's flow control).
     */
    public boolean wantsRead(boolean appWantsRead) {
        assert inLoop.getAsBoolean();
        if (isBusy() || inboundDone || isRejected()) {
            return false;
        }
        if (!isEstablished()) {
            return engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP;
        }
        return appWantsRead;
    }

    /** Whether the owner should watch the socket for writing: ciphertext waits, or plaintext can go. */
    public boolean wantsWrite(boolean appHasOutput) {
        assert inLoop.getAsBoolean();
        if (hasOutput()) {
            return true;
        }
        return isEstablished() && !isBusy() && appHasOutput;
    }

    /** Ciphertext waits to be written. */
    public boolean hasOutput() {
        return out != null && out.hasRemaining();
    }

    /**
     * The ciphertext to write (read mode), or an empty buffer. The owner writes from it and
     * calls {@link #outputWritten()} afterwards.
     */
    public ByteBuffer output() {
        assert inLoop.getAsBoolean();
        return out != null ? out : EMPTY;
    }

    /** Releases the output buffer once everything in it was written. */
    public void outputWritten() {
        if (out != null && !out.hasRemaining()) {
            out = null;
        }
    }

    // ---- inbound ----

    /**
     * Consumes all of {@code src} (ciphertext; a partial record is kept for later) and writes
     * the plaintext it carries into {@code dst}, driving the handshake on the way (which may
     * produce {@link #output}). Call with an empty {@code src} after {@code onResume} or when
     * {@link #hasBufferedInput}. Returns the plaintext bytes produced.
     *
     * <p>{@code dst} should have room for as many bytes as {@code src} holds plus one record
     * (plaintext is never longer than its ciphertext); with less the session keeps whole
     * records and sets {@link #hasBufferedInput}.
     *
     * @throws SSLException the peer broke the protocol or the handshake failed; close the connection
     */
    public int unwrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        assert inLoop.getAsBoolean();
        throwTaskFailure();
        ByteBuffer in = input(src);
        int produced = 0;
        try {
            produced = process(in, dst);
        } finally {
            keepRemainder(in);
        }
        return produced;
    }

    /** The buffer to unwrap from: src itself when nothing is pending, else pending plus src. */
    private ByteBuffer input(ByteBuffer src) {
        if (pendingIn == null || !pendingIn.hasRemaining()) {
            pendingIn = null;
            return src;
        }
        if (src.hasRemaining()) {
            ByteBuffer joined = ByteBuffer.allocate(pendingIn.remaining() + src.remaining());
            joined.put(pendingIn).put(src).flip();
            pendingIn = joined;
        }
        return pendingIn;
    }

    private void keepRemainder(ByteBuffer in) {
        if (!in.hasRemaining()) {
            pendingIn = null;
        } else if (in != pendingIn) {
            ByteBuffer copy = ByteBuffer.allocate(in.remaining());
            copy.put(in).flip();
            pendingIn = copy;
        }
    }

    /** The state machine: run the engine until it needs bytes we lack, a task, or the verifier. */
    private int process(ByteBuffer in, ByteBuffer dst) throws SSLException {
        int produced = 0;
        moreInput = false;
        while (!isBusy() && !inboundDone && !isRejected()) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (handshakeDone && hs != HandshakeStatus.NOT_HANDSHAKING && renegotiating()) {
                // A TLS 1.2 client asking for a new handshake could swap the certificate we
                // checked; libvirt's clients never renegotiate, so refuse it.
                throw new SSLException("TLS renegotiation refused");
            }
            if (hs == HandshakeStatus.NEED_TASK) {
                startTasks();
                break;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = wrapInto(EMPTY);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED
                        || (r.bytesProduced() == 0 && engine.getHandshakeStatus() == hs)) {
                    break;
                }
                continue;
            }
            if (noteHandshakeState(hs)) {
                break; // verifier started
            }
            if (!handshakeDone || isEstablished()) {
                if (!in.hasRemaining()) {
                    break;
                }
                SSLEngineResult r = engine.unwrap(in, dst);
                produced += r.bytesProduced();
                if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && noteHandshakeState(r.getHandshakeStatus())) {
                    break;
                }
                switch (r.getStatus()) {
                    case BUFFER_UNDERFLOW:
                        return produced; // a partial record: wait for more bytes
                    case BUFFER_OVERFLOW:
                        moreInput = in.hasRemaining();
                        return produced;
                    case CLOSED:
                        inboundDone = true;
                        return produced;
                    default:
                        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                                && engine.getHandshakeStatus() == hs) {
                            return produced; // no progress possible with what we have
                        }
                }
            } else {
                break; // handshake done, verdict pending
            }
        }
        return produced;
    }

    /**
     * Notes the end of the handshake (a FINISHED result, or NOT_HANDSHAKING after it began:
     * the engine does not always report FINISHED when a delegated task completed it), and
     * starts the verifier. True if the verifier was started.
     */
    private boolean noteHandshakeState(HandshakeStatus hs) {
        if (handshakeDone || (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING)) {
            return false;
        }
        handshakeDone = true;
        if (verifier == null) {
            verdict = Verdict.accept(null);
            return false;
        }
        Certificate[] peer;
        try {
            peer = engine.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            peer = null;
        }
        Certificate[] chain = peer;
        verifying = true;
        try {
            tasks.execute(() -> {
                Verdict v;
                try {
                    v = verifier.apply(chain);
                } catch (RuntimeException e) {
                    v = Verdict.reject(null, "certificate check failed: " + e);
                }
                Verdict done = v;
                hop(() -> {
                    verifying = false;
                    verdict = done;
                });
            });
        } catch (RejectedExecutionException e) {
            verifying = false;
            verdict = Verdict.reject(null, "daemon shutting down");
        }
        return true;
    }

    // ---- outbound ----

    /**
     * Encrypts plaintext from {@code srcs} (in order) into {@link #output}, at most about
     * 64 KiB ahead of the socket; returns the plaintext bytes consumed. Nothing is consumed
     * before the session is established.
     */
    public long wrap(ByteBuffer[] srcs) throws SSLException {
        assert inLoop.getAsBoolean();
        throwTaskFailure();
        if (!isEstablished() || isBusy()) {
            return 0;
        }
        long consumed = 0;
        int first = 0;
        while (first < srcs.length && pendingOutput() < MAX_PENDING_OUTPUT) {
            if (!srcs[first].hasRemaining()) {
                first++;
                continue;
            }
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                startTasks(); // post-handshake work (a TLS 1.2 renegotiation)
                break;
            }
            if (hs == HandshakeStatus.NEED_UNWRAP) {
                break; // the peer must speak first
            }
            SSLEngineResult r = wrapInto(srcs, first);
            consumed += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        }
        return consumed;
    }

    /** A new handshake on an established TLS 1.2 session (TLS 1.3 has post-handshake messages, not these). */
    private boolean renegotiating() {
        return engine.getHandshakeSession() != null && "TLSv1.2".equals(engine.getSession().getProtocol());
    }

    private int pendingOutput() {
        return out == null ? 0 : out.remaining();
    }

    private SSLEngineResult wrapInto(ByteBuffer src) throws SSLException {
        return wrapInto(new ByteBuffer[] {src}, 0);
    }

    private SSLEngineResult wrapInto(ByteBuffer[] srcs, int offset) throws SSLException {
        int room = engine.getSession().getPacketBufferSize();
        while (true) {
            ensureOutputRoom(room);
            out.compact(); // to write mode
            SSLEngineResult r;
            try {
                r = engine.wrap(srcs, offset, srcs.length - offset, out);
            } finally {
                out.flip();
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                room = Math.max(room * 2, engine.getSession().getPacketBufferSize());
                continue;
            }
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                noteHandshakeState(HandshakeStatus.FINISHED);
            }
            return r;
        }
    }

    /** Makes the output buffer (read mode) able to take {@code room} more bytes. */
    private void ensureOutputRoom(int room) {
        if (out == null) {
            out = ByteBuffer.allocate(room);
            out.flip();
            return;
        }
        if (out.capacity() - out.remaining() < room) {
            ByteBuffer bigger = ByteBuffer.allocate(out.remaining() + room);
            bigger.put(out).flip();
            out = bigger;
        }
    }

    // ---- delegated tasks ----

    private void startTasks() {
        List<Runnable> batch = new ArrayList<>(2);
        for (Runnable t; (t = engine.getDelegatedTask()) != null; ) {
            batch.add(t);
        }
        taskRunning = true;
        try {
            tasks.execute(() -> {
                try {
                    for (Runnable t : batch) {
                        t.run();
                    }
                } catch (Throwable e) {
                    taskFailure = e;
                }
                hop(() -> taskRunning = false);
            });
        } catch (RejectedExecutionException e) {
            taskRunning = false;
            taskFailure = e;
        }
    }

    /** Off-loop: applies {@code change} on the loop, then lets the owner carry on. */
    private void hop(Runnable change) {
        try {
            loop.execute(() -> {
                change.run();
                onResume.run();
            });
        } catch (RejectedExecutionException e) {
            // the loop has ended: the connection is gone with it
        }
    }

    private void throwTaskFailure() throws SSLException {
        Throwable t = taskFailure;
        if (t != null) {
            throw t instanceof SSLException ? (SSLException) t : new SSLException("TLS handshake task failed: " + t, t);
        }
    }
}
