package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.InjectedFault;
import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerProgram;
import io.jvirtd.rpc.server.ServerStream;
import io.jvirtd.rpc.server.UnexpectedFailures;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrException;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/**
 * libvirt's remote program (0x20008086 v1) on a worker thread: decode the arguments, check
 * what the client may do, call the driver, encode the reply — and the one place that turns
 * every failure into an error reply. The checks run in libvirtd's order: message
 * status, procedure known, arguments decodable, connection open, read-only, then the driver.
 * Between the checks and the driver sits the connection's fault plan ({@link CallFaults}): a
 * call it drops or hangs gets no reply at all.
 *
 * <p>Threads: {@link #isHighPriority} runs on the event loop; {@link #dispatch} and
 * {@link #clientClosed} on workers. The program itself is immutable after construction;
 * per-client state lives in {@link RemoteSession}.
 */
public final class RemoteProgram implements ServerProgram {

    /** What a client may call before it authenticated (libvirt's needAuth = false). */
    private static final Set<RemoteProcedure> BEFORE_AUTH = EnumSet.of(RemoteProcedure.AUTH_LIST,
            RemoteProcedure.AUTH_SASL_INIT, RemoteProcedure.AUTH_SASL_START, RemoteProcedure.AUTH_SASL_STEP,
            RemoteProcedure.AUTH_POLKIT);

    private final ProcedureTable table;

    public RemoteProgram(ConnectionRouter router) {
        this.table = RemoteCalls.table(router);
    }

    @Override
    public int program() {
        return RemoteProcedure.PROGRAM;
    }

    @Override
    public int version() {
        return RemoteProcedure.VERSION;
    }

    @Override
    public boolean isHighPriority(int procedure) {
        RemoteProcedure p = RemoteProcedure.byNumber(procedure);
        return p != null && p.highPriority();
    }

    @Override
    public String procedureName(int procedure) {
        RemoteProcedure p = RemoteProcedure.byNumber(procedure);
        return p != null && p.api() != null ? p.api() : "procedure " + procedure;
    }

    @Override
    public void dispatch(ServerClient client, Message call) {
        MessageHeader h = call.header();
        ByteBuffer reply;
        RemoteSession session = session(client);
        boolean ok = false;
        try {
            reply = serve(session, call);
            if (reply == null) {
                RemoteStreams.register(client, h, false); // nothing may stay pending on this worker
                return; // a fault plan dropped the connection or left the call unanswered
            }
            ok = true;
        } catch (VirException e) {
            reply = ReplyFrames.errorReply(h, toWire(e));
        } catch (RuntimeException e) {
            reply = ReplyFrames.errorReply(h, UnexpectedFailures.answer(client, procedureName(h.procedure()), e));
        } catch (Throwable e) {
            // an Error (DispatchGuard answers it): a stream the call opened before it failed is
            // aborted here, never left pending on this worker for its next call to pick up
            RemoteStreams.register(client, h, false);
            throw e;
        }
        ServerStream stream = RemoteStreams.register(client, h, ok);
        client.sendReply(reply);
        RemoteStreams.started(stream);
        if (session.wantsCloseAfterReply()) {
            client.closeAfterReplies();
        }
    }

    /** The reply to {@code call}, or null when a fault plan decided that it gets none. */
    private ByteBuffer serve(RemoteSession session, Message call) {
        MessageHeader h = call.header();
        if (h.type() != MessageHeader.TYPE_CALL) {
            // CALL_WITH_FDS: we answer FD_PASSING with 0, so stock clients never send it.
            throw VirException.rpc(VirErrorDomain.RPC, "Unexpected message type " + h.type());
        }
        if (h.status() != MessageHeader.STATUS_OK) {
            throw VirException.rpc(VirErrorDomain.RPC, "Unexpected message status " + h.status());
        }
        RemoteProcedure p = RemoteProcedure.byNumber(h.procedure());
        if (p == null || p.kind() != RemoteProcedure.Kind.CALL) {
            throw VirException.rpc(VirErrorDomain.RPC, "unknown procedure: " + h.procedure());
        }
        if (session.client().isAuthPending() && !BEFORE_AUTH.contains(p)) {
            // libvirtd answers VIR_ERR_RPC here, not AUTH_FAILED, for old clients' sake
            throw VirException.rpc(VirErrorDomain.RPC, "authentication required");
        }
        ProcedureTable.Binding b = table.get(p.number());
        ProcedureTable.EarlyCheck early = table.earlyCheck(p.number());
        Object args = b != null ? decode(b.args(), call) : early != null ? decode(early.args(), call) : null;
        if (b == null || b.needs() == ProcedureTable.Needs.CONNECTION) {
            session.connection();
        }
        if (early != null) {
            early.check(session, args);
        }
        if (p.needsWriteAccess() && session.isReadOnly()) {
            throw VirException.operationDenied(VirErrorDomain.byNumber(p.errorDomain()),
                    "read only access prevents " + p.api());
        }
        if (b == null) {
            throw unimplemented(p);
        }
        InjectedFault fault = CallFaults.decide(session, p, args);
        CallFaults.delay(fault);
        switch (fault.action()) {
            case ERROR:
                throw fault.error();
            case DROP:
                session.client().requestClose("a fault plan dropped the connection");
                return null;
            case HANG:
                session.client().fallSilent();
                return null;
            default:
                break;
        }
        Object ret = b.call().invoke(session, args);
        if (fault.action() == InjectedFault.Action.PARTIAL) {
            throw fault.error(); // the change is made, the reply says it failed
        }
        XdrWriter w = ReplyFrames.startFrame(h.reply(MessageHeader.STATUS_OK), 64);
        b.ret().encode(w, ret);
        return ReplyFrames.finishFrame(w);
    }

    private static Object decode(XdrCodec<Object> codec, Message call) {
        try {
            // libvirtd ignores bytes after the arguments, so do we (docs/protocol.md §4).
            return codec.decode(new XdrReader(call.frame(), Message.BODY_OFFSET, call.bodyLength()));
        } catch (XdrException e) {
            throw VirException.rpc(VirErrorDomain.RPC, "Unable to decode message payload");
        }
    }

    /** What libvirtd answers for a procedure its driver does not implement (docs/protocol.md §6). */
    private static VirException unimplemented(RemoteProcedure p) {
        if (p.api() == null) {
            return VirException.rpc(VirErrorDomain.RPC, "unknown procedure: " + p.number());
        }
        return VirException.noSupport(VirErrorDomain.byNumber(p.errorDomain()), p.api());
    }

    static RemoteSession session(ServerClient client) {
        Object data = client.programData();
        if (data instanceof RemoteSession) {
            return (RemoteSession) data;
        }
        synchronized (client) {
            data = client.programData();
            if (!(data instanceof RemoteSession)) {
                data = new RemoteSession(client);
                client.setProgramData(data);
            }
            return (RemoteSession) data;
        }
    }

    @Override
    public void clientClosed(ServerClient client) {
        Object data = client.programData();
        if (data instanceof RemoteSession) {
            ((RemoteSession) data).closeConnection();
        }
    }

    static RpcError toWire(VirException e) {
        return new RpcError(e.code(), e.domain(), e.message(), e.level(), null, e.str1(), e.str2(), e.str3(),
                e.int1(), e.int2(), null);
    }
}
