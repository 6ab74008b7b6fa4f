package io.jvirtd.driver.qemu;

import io.jvirtd.model.CpuMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The QEMU driver's {@code virsh domcapabilities} in libvirt 9.0's layout (virDomainCapsFormat),
 * saying what jvirtd's QEMU driver accepts, no more: clients such as virt-install build domain
 * XML from this answer, and jvirtd refuses what is outside its subset. So where libvirtd says
 * {@code supported='yes'} for a device or feature jvirtd's XML subset does not take (graphics,
 * loaders, iothreads, memory backing, videos on q35, ...), this says {@code supported='no'}, in
 * libvirt's own form for it, and an enum lists only the values the subset takes (disk devices
 * disk and cdrom on buses ide (not on q35), virtio and sata, no disk model; video models vga, cirrus, vmvga,
 * qxl, virtio, none, bochs and ramfb, not on q35). The emulator facts are libvirt's: path, virt type, canonical
 * machine, arch, the machine's vCPU limit, and the custom CPU models (QEMU's definitions that
 * libvirt's CPU map knows, in QEMU's order, with the map's vendor; usable when TCG can run them).
 * Stateless.
 */
final class DomainCapabilitiesXml {

    private static final List<String> DEVICES = List.of("graphics", "video", "hostdev", "rng",
            "filesystem", "tpm", "redirdev", "channel");
    private static final List<String> FEATURES = List.of("gic", "vmcoreinfo", "genid", "backingStoreInput",
            "backup", "sev", "sgx", "hyperv");

    private DomainCapabilitiesXml() {
    }

    /** @param usableKnown false where the models' usability was not probed for this virt type (KVM) */
    static String format(EmulatorCaps caps, EmulatorCaps.Machine machine, String virtType, boolean usableKnown) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<domainCapabilities>\n");
        b.append("  <path>").append(QemuDomainXml.text(caps.binary())).append("</path>\n");
        b.append("  <domain>").append(virtType).append("</domain>\n");
        b.append("  <machine>").append(machine.name()).append("</machine>\n");
        b.append("  <arch>").append(caps.arch()).append("</arch>\n");
        b.append("  <vcpu max='").append(machine.maxCpus()).append("'/>\n");
        b.append("  <iothreads supported='no'/>\n");
        b.append("  <os supported='yes'>\n    <enum name='firmware'/>\n    <loader supported='no'/>\n  </os>\n");
        b.append("  <cpu>\n");
        b.append("    <mode name='host-passthrough' supported='no'/>\n");
        b.append("    <mode name='maximum' supported='no'/>\n");
        b.append("    <mode name='host-model' supported='no'/>\n");
        List<String> models = customModels(caps, usableKnown);
        if (models.isEmpty()) {
            b.append("    <mode name='custom' supported='no'/>\n");
        } else {
            b.append("    <mode name='custom' supported='yes'>\n");
            models.forEach(b::append);
            b.append("    </mode>\n");
        }
        b.append("  </cpu>\n");
        b.append("  <memoryBacking supported='no'/>\n");
        b.append("  <devices>\n");
        b.append("    <disk supported='yes'>\n");
        enumeration(b, "diskDevice", "disk", "cdrom");
        if (machine.name().contains("q35")) { // no IDE on q35 (libvirt's enum has none either)
            enumeration(b, "bus", "virtio", "sata");
        } else {
            enumeration(b, "bus", "ide", "virtio", "sata");
        }
        enumeration(b, "model");
        b.append("    </disk>\n");
        for (String d : DEVICES) {
            if (d.equals("video") && !machine.name().contains("q35")) { // QemuVideo's models, in libvirt's order
                b.append("    <video supported='yes'>\n");
                enumeration(b, "modelType", "vga", "cirrus", "vmvga", "qxl", "virtio", "none", "bochs", "ramfb");
                b.append("    </video>\n");
            } else {
                b.append("    <").append(d).append(" supported='no'/>\n");
            }
        }
        b.append("  </devices>\n  <features>\n");
        for (String f : FEATURES) {
            b.append("    <").append(f).append(" supported='no'/>\n");
        }
        b.append("  </features>\n</domainCapabilities>\n");
        return b.toString();
    }

    /** libvirt's {@code <enum name=...>} with its values (an empty one on a line of its own). */
    private static void enumeration(StringBuilder b, String name, String... values) {
        if (values.length == 0) {
            b.append("      <enum name='").append(name).append("'/>\n");
            return;
        }
        b.append("      <enum name='").append(name).append("'>\n");
        for (String v : values) {
            b.append("        <value>").append(v).append("</value>\n");
        }
        b.append("      </enum>\n");
    }

    /** The {@code <model>} lines of the custom mode. */
    private static List<String> customModels(EmulatorCaps caps, boolean usableKnown) {
        List<String> out = new ArrayList<>();
        for (EmulatorCaps.CpuModel m : caps.cpuModels()) {
            Optional<CpuMap.Model> known = CpuMap.x86(m.name());
            if (known.isPresent()) {
                String usable = !usableKnown ? "unknown" : m.usable() ? "yes" : "no";
                String vendor = known.get().vendor() == null ? "unknown" : known.get().vendor();
                out.add("      <model usable='" + usable + "' vendor='" + vendor + "'>" + m.name() + "</model>\n");
            }
        }
        return out;
    }

    /** Whether {@code model} is one the custom mode lists for {@code caps}: what a definition may name. */
    static boolean isCustomModel(EmulatorCaps caps, String model) {
        return CpuMap.x86(model).isPresent()
                && caps.cpuModels().stream().anyMatch(m -> m.name().equals(model));
    }
}
