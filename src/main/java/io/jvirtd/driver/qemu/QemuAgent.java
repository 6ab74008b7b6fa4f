package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainState;

/**
 * libvirt's qemuDomainAgentAvailable for a driver that configures no guest agent channel: a guest
 * that is not running is refused first (its agent would not be asked), then every call that
 * needs the agent gets libvirt's "not configured". One place for the calls that take an agent
 * flag (setvcpus/vcpucount --guest) and qemu-agent-command. Stateless; any worker.
 */
final class QemuAgent {

    private QemuAgent() {
    }

    /** The error for a call that needs {@code d}'s guest agent. */
    static VirException unavailable(QemuDomain d) {
        synchronized (d) {
            if (d.state != DomainState.RUNNING) {
                return VirException.operationInvalid(VirErrorDomain.QEMU, "domain is not running");
            }
        }
        return VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.QEMU,
                "QEMU guest agent is not configured");
    }
}
