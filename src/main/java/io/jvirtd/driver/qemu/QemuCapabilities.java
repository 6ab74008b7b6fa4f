package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.Enums;
import io.jvirtd.model.domain.Uuids;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The QEMU driver's answers to virConnectGetCapabilities and virConnectGetDomainCapabilities,
 * with libvirt 9.0's argument checks and errors (virQEMUCapsCacheLookupDefault,
 * virQEMUDriverGetDomainCapabilities). Guests are {@code x86_64} under {@code type='qemu'}
 * (TCG); {@code type='kvm'} is offered only when the daemon is configured to offer it AND a probe
 * shows KVM works, never because {@code /dev/kvm} exists.
 *
 * <p>Threads: any worker; the emulator probes are cached ({@link EmulatorCaps}), the host facts
 * are read on each call. Immutable.
 */
final class QemuCapabilities {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    /** The virt types libvirt treats as hardware acceleration (virQEMUCapsTypeIsAccelerated). */
    private static final Set<String> ACCELERATED = Set.of("kvm", "hvf");

    private final String defaultEmulator;
    private final boolean kvmWanted;
    private final HostFacts host;
    private final String hostUuid;
    private final String qemuLabel;

    /**
     * @param kvmWanted the daemon offers KVM where it works (config {@code qemu_kvm}); false: TCG only
     * @param hostUuid  the configured host UUID, or null
     * @param qemuLabel the DAC label QEMU runs with, "+uid:+gid"
     */
    QemuCapabilities(String defaultEmulator, boolean kvmWanted, HostFacts host, String hostUuid, String qemuLabel) {
        this.defaultEmulator = defaultEmulator;
        this.kvmWanted = kvmWanted;
        this.host = host;
        // libvirt: the configured host_uuid, else the DMI system UUID, else one made up once per daemon
        this.hostUuid = hostUuid != null ? hostUuid : host.dmiUuid().orElseGet(() -> Uuids.format(Uuids.random()));
        this.qemuLabel = qemuLabel;
    }

    /** For the daemon: this process's DAC label ("+uid:+gid"), which QEMU runs with. */
    static String processLabel() {
        String uid = "0";
        String gid = "0";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                // "Uid:\treal\teffective\tsaved\tfs": QEMU inherits the effective ids
                if (line.startsWith("Uid:")) {
                    uid = line.split("\\s+")[2];
                } else if (line.startsWith("Gid:")) {
                    gid = line.split("\\s+")[2];
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: keep root's label, the only one QEMU would not be refused
        }
        return "+" + uid + ":+" + gid;
    }

    /** Whether {@code binary} may run {@code type='kvm'} guests. */
    boolean kvmOffered(String binary) {
        return kvmWanted && EmulatorCaps.kvmWorks(binary);
    }

    /** virConnectGetCapabilities. */
    String capabilitiesXml() {
        List<CapabilitiesXml.Guest> guests = new ArrayList<>();
        try {
            EmulatorCaps caps = EmulatorCaps.of(defaultEmulator);
            List<String> types = kvmOffered(defaultEmulator) ? List.of("qemu", "kvm") : List.of("qemu");
            guests.add(new CapabilitiesXml.Guest(caps, types));
        } catch (VirException e) {
            // libvirt lists the emulators it finds and leaves the others out
            LOG.log(System.Logger.Level.WARNING, "no guest from {0}: {1}", defaultEmulator,
                    e.getMessage());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kvm", qemuLabel);
        labels.put("qemu", qemuLabel);
        List<CapabilitiesXml.SecModel> sec = List.of(new CapabilitiesXml.SecModel("none", "0", Map.of()),
                new CapabilitiesXml.SecModel("dac", "0", labels));
        return CapabilitiesXml.format(hostUuid, host, sec, guests);
    }

    /** virConnectGetDomainCapabilities; any argument may be null (libvirt's defaults). */
    String domainCapabilitiesXml(String emulator, String archStr, String machine, String virtTypeStr) {
        if (virtTypeStr != null && !Enums.VIRT_TYPES.contains(virtTypeStr)) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "unknown virttype: " + virtTypeStr);
        }
        if (archStr != null && !Enums.ARCHES.contains(archStr)) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "unknown architecture: " + archStr);
        }
        String arch = archStr != null ? archStr : HostFacts.hostArch();
        String binary = emulator;
        if (binary == null) {
            if (!arch.equals("x86_64")) { // the only guests this driver runs
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "unable to find any emulator to serve '%s' architecture", archStr);
            }
            binary = defaultEmulator;
        }
        EmulatorCaps caps = EmulatorCaps.of(binary);
        if (!caps.arch().equals(arch) && !(isX86(caps.arch()) && isX86(arch))) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, String.format(Locale.ROOT,
                    "architecture from emulator '%s' doesn't match given architecture '%s'", caps.arch(), arch));
        }
        boolean kvm = kvmOffered(binary);
        String virtType = virtTypeStr != null && !virtTypeStr.equals("none") ? virtTypeStr : kvm ? "kvm" : "qemu";
        if (ACCELERATED.contains(virtType) && !kvm) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, String.format(Locale.ROOT,
                    "the accel '%s' is not supported by '%s' on this host", virtType, binary));
        }
        EmulatorCaps.Machine m;
        if (machine != null) {
            m = caps.machine(machine).orElseThrow(() -> VirException.invalidArg(VirErrorDomain.QEMU,
                    String.format(Locale.ROOT, "the machine '%s' is not supported by emulator '%s'", machine,
                            caps.binary())));
        } else {
            m = caps.defaultMachine();
        }
        if (!arch.equals("x86_64") || !caps.arch().equals("x86_64")) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, String.format(Locale.ROOT,
                    "Emulator '%s' does not support arch '%s'", caps.binary(), arch));
        }
        if (!virtType.equals("qemu") && !(virtType.equals("kvm") && kvm)) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, String.format(Locale.ROOT,
                    "Emulator '%s' does not support virt type '%s'", caps.binary(), virtType));
        }
        return DomainCapabilitiesXml.format(caps, m, virtType, virtType.equals("qemu"));
    }

    private static boolean isX86(String arch) {
        return arch.equals("x86_64") || arch.equals("i686");
    }
}
