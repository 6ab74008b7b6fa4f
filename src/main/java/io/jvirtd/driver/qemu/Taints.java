package io.jvirtd.driver.qemu;

import java.util.List;

/**
 * libvirt's virDomainTaintFlags: the names (virDomainTaint, as the status file and the log write
 * them) and the messages (virDomainTaintMessage, as virDomainGetMessages shows them), indexed by
 * bit number. Immutable.
 */
final class Taints {

    /** VIR_DOMAIN_TAINT_CUSTOM_MONITOR. */
    static final int CUSTOM_MONITOR = 1;
    /** VIR_DOMAIN_TAINT_HIGH_PRIVILEGES. */
    static final int HIGH_PRIVILEGES = 2;

    static final List<String> NAMES = List.of("custom-argv", "custom-monitor", "high-privileges",
            "shell-scripts", "disk-probing", "external-launch", "host-cpu", "hook-script", "cdrom-passthrough",
            "custom-dtb", "custom-ga-command", "custom-hypervisor-feature", "deprecated-config", "custom-device");
    static final List<String> MESSAGES = List.of("custom configuration parameters specified",
            "custom monitor control commands issued", "running with undesirable elevated privileges",
            "network configuration using opaque shell scripts", "potentially unsafe disk format probing",
            "managing externally launched configuration", "potentially unsafe use of host CPU passthrough",
            "configuration potentially modified by hook script", "use of host cdrom passthrough",
            "custom device tree blob used", "custom guest agent control commands issued",
            "hypervisor feature autodetection override", "use of deprecated configuration settings",
            "custom device configuration");

    private Taints() {
    }

    /** The line virDomainObjTaint's caller appends to the domain's log: "TIME: Domain id=N is tainted: NAME". */
    static String logLine(int domainId, int bit) {
        return QemuLogHeader.timestamp() + ": Domain id=" + domainId + " is tainted: " + NAMES.get(bit) + "\n";
    }
}
