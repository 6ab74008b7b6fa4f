package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainInterface;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainTime;
import io.jvirtd.model.domain.FsInfo;

import java.util.List;

/**
 * The domain calls libvirt 9.0's QEMU driver answers through the guest agent (qemu-ga), on
 * guests this driver starts without an agent channel: each answers what libvirtd answers when no
 * {@code org.qemu.guest_agent.0} channel is configured, in libvirt's order of checks (flags, the
 * call's own argument checks, "domain is not running", then {@link QemuAgent}'s "not
 * configured"). The hostname and interface-address calls have sources without an agent: the
 * DHCP leases of libvirt networks (none for the {@code user} interfaces this driver supports) and
 * the host's ARP table (see {@link #interfaceAddresses}). Stateless; worker threads; the calls
 * take no job because no agent is ever asked.
 */
final class QemuGuestAgentCalls {

    static final int TIME_SYNC = 1;
    static final int PASSWORD_ENCRYPTED = 1;
    static final int HOSTNAME_LEASE = 1;
    static final int HOSTNAME_AGENT = 2;
    static final int SOURCE_LEASE = 0;
    static final int SOURCE_AGENT = 1;
    static final int SOURCE_ARP = 2;
    /** USERS, OS, TIMEZONE, HOSTNAME, FILESYSTEM, DISKS, INTERFACES: what qemuDomainGetGuestInfo knows. */
    static final int GUEST_INFO_TYPES = 0x7f;

    private final QemuLifecycle life;

    QemuGuestAgentCalls(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainGetTime. */
    DomainTime getTime(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainGetTime");
        throw agentError(dom);
    }

    /** qemuDomainSetTime: QEMU 7.2 has rtc-reset-reinjection, so the agent is what fails. */
    void setTime(DomainRef dom, int flags) {
        VirException.checkFlags(flags, TIME_SYNC, VirErrorDomain.QEMU, "qemuDomainSetTime");
        throw agentError(dom);
    }

    /** qemuDomainSetUserPassword. */
    void setUserPassword(DomainRef dom, int flags) {
        VirException.checkFlags(flags, PASSWORD_ENCRYPTED, VirErrorDomain.QEMU, "qemuDomainSetUserPassword");
        throw agentError(dom);
    }

    /** qemuDomainFSFreeze (qemuSnapshotFSFreeze asks for the agent). */
    int fsFreeze(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainFSFreeze");
        throw agentError(dom);
    }

    /** qemuDomainFSThaw: mount points are refused before the domain is looked at. */
    int fsThaw(DomainRef dom, List<String> mountpoints, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainFSThaw");
        if (mountpoints != null && !mountpoints.isEmpty()) {
            throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.QEMU,
                    "specifying mountpoints is not supported");
        }
        throw agentError(dom);
    }

    /** qemuDomainFSTrim: a mount point is refused first; the agent is asked for before the state. */
    void fsTrim(DomainRef dom, String mountPoint, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainFSTrim");
        if (mountPoint != null) {
            throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Specifying mount point is not supported for now");
        }
        throw QemuAgent.unavailable(life.domains.get(dom));
    }

    /** qemuDomainGetFSInfo. */
    List<FsInfo> fsInfo(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainGetFSInfo");
        throw agentError(dom);
    }

    /**
     * qemuDomainGetHostname: the agent unless LEASE is asked; the leases of libvirt networks
     * name no hostname for a {@code user} interface, hence NO_HOSTNAME.
     */
    String hostname(DomainRef dom, int flags) {
        VirException.checkFlags(flags, HOSTNAME_AGENT | HOSTNAME_LEASE, VirErrorDomain.QEMU, "qemuDomainGetHostname");
        if ((flags & HOSTNAME_AGENT) != 0 && (flags & HOSTNAME_LEASE) != 0) {
            throw VirException.invalidArg(VirErrorDomain.QEMU,
                    "Flags 'VIR_DOMAIN_GET_HOSTNAME_LEASE' and 'VIR_DOMAIN_GET_HOSTNAME_AGENT' are mutually exclusive");
        }
        QemuDomain d = life.domains.get(dom);
        if ((flags & HOSTNAME_LEASE) == 0) {
            throw agentError(dom);
        }
        String name = checkActive(d);
        throw VirException.of(VirErrorNumber.NO_HOSTNAME, VirErrorDomain.QEMU,
                "no hostname found for domain " + name);
    }

    /**
     * qemuDomainInterfaceAddresses. LEASE: the DHCP leases of interfaces on libvirt networks,
     * none here (every interface is {@code user}), so an empty list. AGENT: not configured. ARP:
     * libvirt 9.0 reads the host's neighbour table over netlink (virArpTableGet), and its parse
     * refuses the dump's closing NLMSG_DONE message (shorter than a neighbour message) with
     * "wrong nlmsg len" whenever the dump fits one read, which it does on a host with an
     * ordinary ARP table: libvirtd 9.0 answers that error, and so does this driver (recorded in
     * src/test/resources/qemu/libvirtd-9.0/domain-api.txt).
     */
    List<DomainInterface> interfaceAddresses(DomainRef dom, int source, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainInterfaceAddresses");
        QemuDomain d = life.domains.get(dom);
        checkActive(d);
        return switch (source) {
            case SOURCE_LEASE -> List.of();
            case SOURCE_AGENT -> throw QemuAgent.unavailable(d);
            case SOURCE_ARP -> throw VirException.internalError(VirErrorDomain.NONE, "wrong nlmsg len");
            default -> throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Unknown IP address data source " + source);
        };
    }

    /** qemuDomainGetGuestInfo: the types checked first, then the agent (no state check of its own). */
    List<TypedParameter> guestInfo(DomainRef dom, int types, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainGetGuestInfo");
        if ((types & ~GUEST_INFO_TYPES) != 0) {
            throw VirException.invalidArg(VirErrorDomain.QEMU,
                    "unsupported guest information types '0x" + Integer.toHexString(types & ~GUEST_INFO_TYPES) + "'");
        }
        throw QemuAgent.unavailable(life.domains.get(dom));
    }

    /** qemuDomainGetGuestVcpus. */
    List<TypedParameter> guestVcpus(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainGetGuestVcpus");
        throw QemuAgent.unavailable(life.domains.get(dom));
    }

    /** qemuDomainSetGuestVcpus: the state, then the vCPU list parsed, then the agent. */
    void setGuestVcpus(DomainRef dom, String cpumap, int state, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainSetGuestVcpus");
        if (state != 0 && state != 1) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "unsupported state value");
        }
        io.jvirtd.model.conf.CpuSet.parse(cpumap, "cpumap");
        throw QemuAgent.unavailable(life.domains.get(dom));
    }

    /** virDomainObjCheckActive then qemuDomainAgentAvailable: the error of a call that needs the agent. */
    private VirException agentError(DomainRef dom) {
        QemuDomain d = life.domains.get(dom);
        checkActive(d);
        return QemuAgent.unavailable(d);
    }

    /** virDomainObjCheckActive (the domain config's error); returns the domain's name. */
    private static String checkActive(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            return d.liveDef.name();
        }
    }
}
