package io.jvirtd.protocol.qemu;

import io.jvirtd.protocol.remote.RemoteTypes.NonnullDomain;
import io.jvirtd.rpc.xdr.XdrOptional;

/**
 * The structs of libvirt 9.0's src/remote/qemu_protocol.x (program 0x20008087, version 1) as
 * records read by the XDR codec, in the .x field order; {@code remote_string} and
 * {@code remote_domain} (pointers) are {@link XdrOptional}, unsigned ints keep their bit pattern.
 * Immutable; any thread.
 */
public final class QemuTypes {

    /** QEMU_PROGRAM. */
    public static final int PROGRAM = 0x20008087;
    /** QEMU_PROTOCOL_VERSION. */
    public static final int VERSION = 1;

    public static final int PROC_DOMAIN_MONITOR_COMMAND = 1;
    public static final int PROC_DOMAIN_ATTACH = 2;
    public static final int PROC_DOMAIN_AGENT_COMMAND = 3;
    public static final int PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER = 4;
    public static final int PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER = 5;
    /** A MESSAGE the daemon sends, never a call. */
    public static final int PROC_DOMAIN_MONITOR_EVENT = 6;
    public static final int PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES = 7;

    private QemuTypes() {
    }

    /** qemu_domain_monitor_command_args. */
    public record DomainMonitorCommandArgs(NonnullDomain dom, String cmd, int flags) { }

    /** qemu_domain_monitor_command_ret. */
    public record DomainMonitorCommandRet(String result) { }

    /** qemu_domain_attach_args. */
    public record DomainAttachArgs(int pidValue, int flags) { }

    /** qemu_domain_agent_command_args. */
    public record DomainAgentCommandArgs(NonnullDomain dom, String cmd, int timeout, int flags) { }

    /** qemu_domain_agent_command_ret. */
    public record DomainAgentCommandRet(@XdrOptional String result) { }

    /** qemu_connect_domain_monitor_event_register_args. */
    public record ConnectDomainMonitorEventRegisterArgs(@XdrOptional NonnullDomain dom,
            @XdrOptional String event, int flags) { }

    /** qemu_connect_domain_monitor_event_register_ret. */
    public record ConnectDomainMonitorEventRegisterRet(int callbackID) { }

    /** qemu_connect_domain_monitor_event_deregister_args. */
    public record ConnectDomainMonitorEventDeregisterArgs(int callbackID) { }

    /** qemu_domain_monitor_event_msg. */
    public record DomainMonitorEventMsg(int callbackID, NonnullDomain dom, String event, long seconds,
            int micros, @XdrOptional String details) { }

    /** qemu_domain_monitor_command_with_files_args (the files travel beside the message). */
    public record DomainMonitorCommandWithFilesArgs(NonnullDomain dom, String cmd, int flags) { }

    /** qemu_domain_monitor_command_with_files_ret. */
    public record DomainMonitorCommandWithFilesRet(String result) { }
}
