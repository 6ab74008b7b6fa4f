package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerProgram;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * libvirt's LXC program (0x00068000), which libvirtd registers on its main server next to the
 * remote program and the QEMU one ({@link QemuProgram}). No jvirtd driver implements its API, so
 * each call gets what libvirtd answers for a driver that lacks it: after the open-connection and
 * read-only checks, "this function is not supported by the connection driver: virX" from
 * VIR_FROM_NONE (libvirt-lxc.c reports from no domain). Without this, a client calling
 * virDomainLxcOpenNamespace would see "Cannot find program".
 *
 * <p>Immutable; {@link #dispatch} runs on workers and shares the client's {@link RemoteSession}
 * with the remote program.
 */
public final class HypervisorExtraProgram implements ServerProgram {

    /** Every API of these programs refuses read-only connections (virCheckReadOnlyGoto). */
    private record Proc(String api, boolean highPriority) {
    }

    private final int program;
    private final Map<Integer, Proc> procedures;

    private HypervisorExtraProgram(int program, Map<Integer, Proc> procedures) {
        this.program = program;
        this.procedures = procedures;
    }

    /** lxc_protocol.x. */
    public static HypervisorExtraProgram lxc() {
        return new HypervisorExtraProgram(0x00068000, Map.of(1, new Proc("virDomainLxcOpenNamespace", false)));
    }

    @Override
    public int program() {
        return program;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean isHighPriority(int procedure) {
        Proc p = procedures.get(procedure);
        return p != null && p.highPriority();
    }

    @Override
    public String procedureName(int procedure) {
        Proc p = procedures.get(procedure);
        return p != null ? p.api() : "procedure " + procedure;
    }

    @Override
    public void dispatch(ServerClient client, Message call) {
        MessageHeader h = call.header();
        VirException e = refusal(RemoteProgram.session(client), h);
        ByteBuffer reply = ReplyFrames.errorReply(h, RemoteProgram.toWire(e));
        client.sendReply(reply);
    }

    private VirException refusal(RemoteSession session, MessageHeader h) {
        if (h.type() != MessageHeader.TYPE_CALL && h.type() != MessageHeader.TYPE_CALL_WITH_FDS) {
            return VirException.rpc(VirErrorDomain.RPC, "Unexpected message type " + h.type());
        }
        if (h.status() != MessageHeader.STATUS_OK) {
            return VirException.rpc(VirErrorDomain.RPC, "Unexpected message status " + h.status());
        }
        Proc p = procedures.get(h.procedure());
        if (p == null) {
            return VirException.rpc(VirErrorDomain.RPC, "unknown procedure: " + h.procedure());
        }
        try {
            session.connection();
        } catch (VirException notOpen) {
            return notOpen;
        }
        if (session.isReadOnly()) {
            return VirException.operationDenied(VirErrorDomain.NONE, "read only access prevents " + p.api());
        }
        return VirException.noSupport(VirErrorDomain.NONE, p.api());
    }
}
