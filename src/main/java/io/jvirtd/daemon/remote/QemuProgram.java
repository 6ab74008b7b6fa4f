package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.qemu.QemuTypes.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.QemuMonitorEvent;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.protocol.qemu.QemuTypes;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.server.EventFrame;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.UnexpectedFailures;
import io.jvirtd.rpc.server.ServerProgram;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrException;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.nio.ByteBuffer;

/**
 * libvirt's QEMU program (0x20008087 v1, src/remote/qemu_protocol.x) on a worker thread:
 * monitor commands (QMP or HMP), the guest agent command, qemu-attach, and the registration of
 * monitor event callbacks whose events go out as QEMU_PROC_DOMAIN_MONITOR_EVENT messages. The
 * checks run in libvirtd's order: message type and status, procedure known, arguments decodable,
 * connection open, then libvirt-qemu.c's argument and read-only checks (errors from no error
 * domain), then the driver. A driver without these APIs (the mock host, as libvirt's test
 * driver) answers NO_SUPPORT through the SPI's defaults.
 *
 * <p>Immutable; {@link #dispatch} runs on workers and shares the client's {@link RemoteSession}
 * (its connection and its monitor event callbacks) with the remote program.
 */
public final class QemuProgram implements ServerProgram {

    /** libvirt-qemu.c's pid_t check: a pid above INT_MAX does not fit. */
    private static final long PID_MAX = Integer.MAX_VALUE;

    @Override
    public int program() {
        return QemuTypes.PROGRAM;
    }

    @Override
    public int version() {
        return QemuTypes.VERSION;
    }

    /** qemu_protocol.x: only the event (de)registrations are high priority. */
    @Override
    public boolean isHighPriority(int procedure) {
        return procedure == PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER
                || procedure == PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER;
    }

    /** libvirt-qemu's public API names, as qemu_protocol.x's annotations give them. */
    @Override
    public String procedureName(int procedure) {
        return switch (procedure) {
            case PROC_DOMAIN_MONITOR_COMMAND -> "virDomainQemuMonitorCommand";
            case PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES -> "virDomainQemuMonitorCommandWithFiles";
            case PROC_DOMAIN_ATTACH -> "virDomainQemuAttach";
            case PROC_DOMAIN_AGENT_COMMAND -> "virDomainQemuAgentCommand";
            case PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER -> "virConnectDomainQemuMonitorEventRegister";
            case PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER -> "virConnectDomainQemuMonitorEventDeregister";
            default -> "procedure " + procedure;
        };
    }

    @Override
    public void dispatch(ServerClient client, Message call) {
        MessageHeader h = call.header();
        ByteBuffer reply;
        try {
            reply = serve(RemoteProgram.session(client), call);
        } catch (VirException e) {
            reply = ReplyFrames.errorReply(h, RemoteProgram.toWire(e));
        } catch (RuntimeException e) {
            reply = ReplyFrames.errorReply(h, UnexpectedFailures.answer(client, procedureName(h.procedure()), e));
        }
        client.sendReply(reply);
    }

    private ByteBuffer serve(RemoteSession s, Message call) {
        MessageHeader h = call.header();
        if (h.type() != MessageHeader.TYPE_CALL && h.type() != MessageHeader.TYPE_CALL_WITH_FDS) {
            throw VirException.rpc(VirErrorDomain.RPC, "Unexpected message type " + h.type());
        }
        if (h.status() != MessageHeader.STATUS_OK) {
            throw VirException.rpc(VirErrorDomain.RPC, "Unexpected message status " + h.status());
        }
        if (s.client().isAuthPending()) {
            throw VirException.rpc(VirErrorDomain.RPC, "authentication required");
        }
        Object ret;
        switch (h.procedure()) {
            case PROC_DOMAIN_MONITOR_COMMAND -> {
                DomainMonitorCommandArgs a = decode(DomainMonitorCommandArgs.class, call);
                HypervisorConnection conn = s.connection();
                writable(s, "virDomainQemuMonitorCommand");
                ret = new DomainMonitorCommandRet(
                        conn.domains().domainQemuMonitorCommand(Handles.dom(a.dom()), a.cmd(), a.flags()));
            }
            case PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES -> {
                // A stock client sends files only over a connection that offers FD passing, which
                // this daemon does not (VIR_DRV_FEATURE_FD_PASSING 0): it refuses them itself with
                // "fd passing is not supported by this connection". Without files it is the
                // plain monitor command.
                DomainMonitorCommandWithFilesArgs a = decode(DomainMonitorCommandWithFilesArgs.class, call);
                HypervisorConnection conn = s.connection();
                writable(s, "virDomainQemuMonitorCommandWithFiles");
                ret = new DomainMonitorCommandWithFilesRet(
                        conn.domains().domainQemuMonitorCommand(Handles.dom(a.dom()), a.cmd(), a.flags()));
            }
            case PROC_DOMAIN_ATTACH -> {
                DomainAttachArgs a = decode(DomainAttachArgs.class, call);
                s.connection();
                long pid = Integer.toUnsignedLong(a.pidValue());
                if (pid == 0) {
                    throw VirException.invalidArg(VirErrorDomain.NONE,
                            "pid_value in virDomainQemuAttach must not be zero");
                }
                if (pid > PID_MAX) {
                    throw VirException.invalidArg(VirErrorDomain.NONE, "pid_value in virDomainQemuAttach is too large");
                }
                writable(s, "virDomainQemuAttach");
                // No driver of libvirt 9.0 has it any more (the QEMU driver's slot is NULL since 5.5).
                throw VirException.noSupport(VirErrorDomain.NONE, "virDomainQemuAttach");
            }
            case PROC_DOMAIN_AGENT_COMMAND -> {
                DomainAgentCommandArgs a = decode(DomainAgentCommandArgs.class, call);
                HypervisorConnection conn = s.connection();
                writable(s, "virDomainQemuAgentCommand");
                String result = conn.domains().domainQemuAgentCommand(Handles.dom(a.dom()), a.cmd(), a.timeout(),
                        a.flags());
                ret = new DomainAgentCommandRet(result);
            }
            case PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER -> {
                ConnectDomainMonitorEventRegisterArgs a = decode(ConnectDomainMonitorEventRegisterArgs.class, call);
                HypervisorConnection conn = s.connection();
                writable(s, "virConnectDomainQemuMonitorEventRegister");
                DomainRef dom = a.dom() == null ? null : Handles.dom(a.dom());
                ret = new ConnectDomainMonitorEventRegisterRet(
                        s.qemuEvents().register(conn, new QemuEventFilter(dom, a.event(), a.flags()), 0, false));
            }
            case PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER -> {
                ConnectDomainMonitorEventDeregisterArgs a = decode(ConnectDomainMonitorEventDeregisterArgs.class, call);
                HypervisorConnection conn = s.connection();
                EventCallbacks.Registration r = s.qemuEvents().findById(a.callbackID());
                if (r == null) {
                    throw EventCallbacks.notRegistered("qemu monitor event callback " + a.callbackID());
                }
                writable(s, "virConnectDomainQemuMonitorEventDeregister");
                s.qemuEvents().deregister(conn, r);
                ret = null;
            }
            default -> throw VirException.rpc(VirErrorDomain.RPC, "unknown procedure: " + h.procedure());
        }
        XdrWriter w = ReplyFrames.startFrame(h.reply(MessageHeader.STATUS_OK), 64);
        if (ret != null) {
            encode(w, ret);
        }
        return ReplyFrames.finishFrame(w);
    }

    /** libvirt-qemu.c's virCheckReadOnlyGoto, from no error domain. */
    private static void writable(RemoteSession s, String api) {
        if (s.isReadOnly()) {
            throw VirException.operationDenied(VirErrorDomain.NONE, "read only access prevents " + api);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T decode(Class<T> type, Message call) {
        try {
            return ((XdrCodec<T>) XdrCodec.of(type)).decode(
                    new XdrReader(call.frame(), Message.BODY_OFFSET, call.bodyLength()));
        } catch (XdrException e) {
            throw VirException.rpc(VirErrorDomain.RPC, "Unable to decode message payload");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void encode(XdrWriter w, T body) {
        ((XdrCodec<T>) XdrCodec.of(body.getClass())).encode(w, body);
    }

    /** What one registration asks for: a domain or all, an event name or all, and how the name matches. */
    record QemuEventFilter(DomainRef domOrNull, String eventOrNull, int flags) {
    }

    /**
     * The QEMU_PROC_DOMAIN_MONITOR_EVENT message (remoteRelayDomainQemuMonitorEvent), shared by
     * its listeners: each gets its callback id written in.
     */
    static EventFrame frame(QemuMonitorEvent e, boolean legacy) {
        // callback style only; encoded with id 0, each listener's id written in at the offset
        return EventFrame.of(encodeFrame(e, 0), EventMessages.CALLBACK_ID_OFFSET);
    }

    private static ByteBuffer encodeFrame(QemuMonitorEvent e, int id) {
        XdrWriter w = ReplyFrames.startFrame(new MessageHeader(QemuTypes.PROGRAM, QemuTypes.VERSION,
                PROC_DOMAIN_MONITOR_EVENT, MessageHeader.TYPE_MESSAGE, EventMessages.EVENT_SERIAL,
                MessageHeader.STATUS_OK), 128);
        encode(w, new DomainMonitorEventMsg(id, Handles.wire(e.domain()), e.event(), e.seconds(), e.micros(),
                e.details()));
        return ReplyFrames.finishFrame(w);
    }
}
