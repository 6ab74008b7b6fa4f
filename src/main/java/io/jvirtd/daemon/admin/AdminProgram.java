package io.jvirtd.daemon.admin;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.protocol.admin.AdminProcedure;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerProgram;
import io.jvirtd.rpc.server.UnexpectedFailures;
import io.jvirtd.rpc.xdr.XdrException;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import jdk.net.UnixDomainPrincipal;

/**
 * libvirt's admin program (0x06900690 v1) on a worker of the "admin" server: decode, call,
 * encode — and the one place that turns every failure into an error reply, as
 * {@code daemon.remote.RemoteProgram} does for the remote program: message status, procedure
 * known, arguments decodable, then the call; a {@link VirException} becomes libvirt's error
 * struct, anything else an internal error (and a log line: it is a bug).
 *
 * <p>Admission: libvirtd refuses an admin client whose uid differs from its own ("Disallowing
 * client ... with uid ..."), closing it without an answer; jvirtd does the same on the client's
 * first call (the socket's 0700 mode normally keeps such clients out already).
 *
 * <p>The admin program never starts keepalive on its clients: virt-admin has no keepalive and
 * drops a connection that gets a PING (docs/protocol.md §9). PINGs it receives are still answered
 * by the connection layer, as libvirtd does.
 *
 * <p>Threads: {@link #isHighPriority} runs on the event loop, {@link #dispatch} and
 * {@link #clientClosed} on admin workers. Immutable after construction; per-client state lives
 * in {@link AdminSession}.
 */
public final class AdminProgram implements ServerProgram {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon.admin");

    private final AdminTable table;
    private final String daemonUser;

    public AdminProgram(AdminCalls calls) {
        this.table = calls.table();
        this.daemonUser = daemonUser();
    }

    @Override
    public int program() {
        return AdminProcedure.PROGRAM;
    }

    @Override
    public int version() {
        return AdminProcedure.VERSION;
    }

    /** admin_protocol.x marks no procedure high priority. */
    @Override
    public boolean isHighPriority(int procedure) {
        return false;
    }

    @Override
    public String procedureName(int procedure) {
        AdminProcedure p = AdminProcedure.byNumber(procedure);
        return p != null ? p.api() : "procedure " + procedure;
    }

    @Override
    public void dispatch(ServerClient client, Message call) {
        AdminSession session = session(client);
        if (!session.admitted() && !admit(session)) {
            client.requestClose("admin client of another user");
            return;
        }
        MessageHeader h = call.header();
        if (LOG.isLoggable(Level.DEBUG)) {
            AdminProcedure p = AdminProcedure.byNumber(h.procedure());
            LOG.log(Level.DEBUG, "client {0}: {1}", client.id(), p != null ? p.api() : "procedure " + h.procedure());
        }
        ByteBuffer reply;
        try {
            reply = serve(session, call);
        } catch (VirException e) {
            reply = ReplyFrames.errorReply(h, toWire(e));
        } catch (RuntimeException e) {
            reply = ReplyFrames.errorReply(h, UnexpectedFailures.answer(client, procedureName(h.procedure()), e));
        }
        client.sendReply(reply);
        if (session.wantsCloseAfterReply()) {
            client.closeAfterReplies();
        }
    }

    private ByteBuffer serve(AdminSession session, Message call) {
        MessageHeader h = call.header();
        if (h.type() != MessageHeader.TYPE_CALL) {
            throw VirException.rpc(VirErrorDomain.RPC, "Unexpected message type " + h.type());
        }
        if (h.status() != MessageHeader.STATUS_OK) {
            throw VirException.rpc(VirErrorDomain.RPC, "Unexpected message status " + h.status());
        }
        AdminTable.Binding b = table.get(h.procedure());
        if (b == null) {
            throw VirException.rpc(VirErrorDomain.RPC, "unknown procedure: " + h.procedure());
        }
        Object args;
        try {
            // libvirtd ignores bytes after the arguments, so do we (docs/protocol.md §4).
            args = b.args().decode(new XdrReader(call.frame(), Message.BODY_OFFSET, call.bodyLength()));
        } catch (XdrException e) {
            throw VirException.rpc(VirErrorDomain.RPC, "Unable to decode message payload");
        }
        Object ret = b.call().invoke(session, args);
        XdrWriter w = ReplyFrames.startFrame(h.reply(MessageHeader.STATUS_OK), 64);
        b.ret().encode(w, ret);
        return ReplyFrames.finishFrame(w);
    }

    private boolean admit(AdminSession session) {
        Object identity = session.client().identity();
        if (identity instanceof UnixDomainPrincipal && daemonUser != null) {
            String user = ((UnixDomainPrincipal) identity).user().getName();
            if (!daemonUser.equals(user)) {
                LOG.log(Level.WARNING, "Disallowing admin client {0} of user {1}", session.client().id(), user);
                return false;
            }
        }
        session.admit();
        return true;
    }

    /** The user the daemon runs as (owner of /proc/self), or null when it cannot be told. */
    private static String daemonUser() {
        try {
            return Files.getOwner(Path.of("/proc/self")).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static AdminSession session(ServerClient client) {
        Object data = client.programData();
        if (data instanceof AdminSession) {
            return (AdminSession) data;
        }
        synchronized (client) {
            data = client.programData();
            if (!(data instanceof AdminSession)) {
                data = new AdminSession(client);
                client.setProgramData(data);
            }
            return (AdminSession) data;
        }
    }

    static RpcError toWire(VirException e) {
        return new RpcError(e.code(), e.domain(), e.message(), e.level(), null, e.str1(), e.str2(), e.str3(),
                e.int1(), e.int2(), null);
    }
}
