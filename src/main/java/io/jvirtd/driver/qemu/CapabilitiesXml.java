package io.jvirtd.driver.qemu;

import java.util.List;
import java.util.Map;

/**
 * The QEMU driver's {@code virsh capabilities} in libvirt 9.0's layout (virCapabilitiesFormatXML):
 * the host (uuid, CPU, power management, IOMMU, NUMA cells, caches, security models) and one
 * guest per emulator, with its machine types (each alias after its canonical machine, as
 * virQEMUCapsGetMachineTypesCaps lists them) and the domain types it runs.
 *
 * <p>What jvirtd leaves out, on purpose, where libvirtd prints it: the host CPU's model and
 * feature list (libvirt decodes CPUID against its CPU map, which jvirtd does not carry) and its
 * TSC counter (libvirt asks KVM for it); {@code migration_features} (no migration here); the guest
 * features {@code deviceboot} and {@code disksnapshot} (no disks yet). Stateless.
 */
final class CapabilitiesXml {

    /** One guest architecture: its emulator's capabilities and the domain types offered. */
    record Guest(EmulatorCaps caps, List<String> domainTypes) {
    }

    /** A security model with its base label per virt type. */
    record SecModel(String model, String doi, Map<String, String> baseLabels) {
    }

    private CapabilitiesXml() {
    }

    static String format(String hostUuid, HostFacts host, List<SecModel> secModels, List<Guest> guests) {
        StringBuilder b = new StringBuilder(16384);
        b.append("<capabilities>\n\n  <host>\n");
        b.append("    <uuid>").append(hostUuid).append("</uuid>\n");
        cpu(b, host);
        b.append("    <power_management/>\n");
        b.append("    <iommu support='").append(host.iommu() ? "yes" : "no").append("'/>\n");
        cells(b, host.cells());
        caches(b, host.caches());
        for (SecModel s : secModels) {
            b.append("    <secmodel>\n      <model>").append(s.model).append("</model>\n      <doi>").append(s.doi)
             .append("</doi>\n");
            s.baseLabels.forEach((type, label) -> b.append("      <baselabel type='").append(type).append("'>")
                    .append(label).append("</baselabel>\n"));
            b.append("    </secmodel>\n");
        }
        b.append("  </host>\n\n");
        for (Guest g : guests) {
            guest(b, g);
        }
        b.append("</capabilities>\n");
        return b.toString();
    }

    private static void cpu(StringBuilder b, HostFacts host) {
        HostFacts.Cpu c = host.cpu();
        b.append("    <cpu>\n      <arch>").append(c.arch()).append("</arch>\n");
        if (c.vendor() != null) {
            b.append("      <vendor>").append(c.vendor()).append("</vendor>\n");
        }
        if (c.microcode() != null && c.microcode() != 0) {
            b.append("      <microcode version='").append(c.microcode()).append("'/>\n");
        }
        if (c.family() != null && c.family() != 0) {
            b.append("      <signature family='").append(c.family()).append("' model='").append(c.model())
             .append("' stepping='").append(c.stepping()).append("'/>\n");
        }
        b.append("      <topology sockets='").append(c.sockets()).append("' dies='").append(c.dies())
         .append("' cores='").append(c.cores()).append("' threads='").append(c.threads()).append("'/>\n");
        if (c.physAddrBits() != null) {
            b.append("      <maxphysaddr mode='emulate' bits='").append(c.physAddrBits()).append("'/>\n");
        }
        for (int size : host.pageSizes()) {
            b.append("      <pages unit='KiB' size='").append(size).append("'/>\n");
        }
        b.append("    </cpu>\n");
    }

    private static void cells(StringBuilder b, List<HostFacts.Cell> cells) {
        b.append("    <topology>\n      <cells num='").append(cells.size()).append("'>\n");
        for (HostFacts.Cell cell : cells) {
            b.append("        <cell id='").append(cell.id()).append("'>\n");
            b.append("          <memory unit='KiB'>").append(cell.memoryKiB()).append("</memory>\n");
            cell.pages().forEach((size, count) -> b.append("          <pages unit='KiB' size='").append(size)
                    .append("'>").append(count).append("</pages>\n"));
            if (!cell.distances().isEmpty()) {
                b.append("          <distances>\n");
                cell.distances().forEach((id, value) -> b.append("            <sibling id='").append(id)
                        .append("' value='").append(value).append("'/>\n"));
                b.append("          </distances>\n");
            }
            b.append("          <cpus num='").append(cell.cpus().size()).append("'>\n");
            for (HostFacts.CpuInCell cpu : cell.cpus()) {
                b.append("            <cpu id='").append(cpu.id()).append("' socket_id='").append(cpu.socketId())
                 .append("' die_id='").append(cpu.dieId()).append("' core_id='").append(cpu.coreId())
                 .append("' siblings='").append(cpu.siblings()).append("'/>\n");
            }
            b.append("          </cpus>\n        </cell>\n");
        }
        b.append("      </cells>\n    </topology>\n");
    }

    private static void caches(StringBuilder b, List<HostFacts.CacheBank> banks) {
        if (banks.isEmpty()) {
            return;
        }
        b.append("    <cache>\n");
        for (HostFacts.CacheBank bank : banks) {
            long bytes = bank.sizeKiB() * 1024;
            String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
            int u = 0;
            // libvirt's virFormatIntPretty: the largest unit the size is a whole multiple of
            while (u < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
                bytes /= 1024;
                u++;
            }
            b.append("      <bank id='").append(bank.id()).append("' level='").append(bank.level())
             .append("' type='").append(bank.type()).append("' size='").append(bytes).append("' unit='")
             .append(units[u]).append("' cpus='").append(bank.cpus()).append("'/>\n");
        }
        b.append("    </cache>\n");
    }

    private static void guest(StringBuilder b, Guest g) {
        EmulatorCaps caps = g.caps();
        b.append("  <guest>\n    <os_type>hvm</os_type>\n    <arch name='").append(caps.arch()).append("'>\n");
        b.append("      <wordsize>").append(caps.arch().equals("i686") ? 32 : 64).append("</wordsize>\n");
        b.append("      <emulator>").append(QemuDomainXml.text(caps.binary())).append("</emulator>\n");
        // an aliased machine is listed under its own name, then under the alias (virQEMUCapsGetMachineTypesCaps)
        for (EmulatorCaps.Machine m : caps.machines()) {
            machine(b, m.name(), null, m);
            if (m.alias() != null) {
                machine(b, m.alias(), m.name(), m);
            }
        }
        for (String type : g.domainTypes()) {
            b.append("      <domain type='").append(type).append("'/>\n");
        }
        b.append("    </arch>\n    <features>\n");
        if (caps.arch().equals("i686")) {
            b.append("      <pae/>\n      <nonpae/>\n");
        }
        b.append("      <acpi default='on' toggle='yes'/>\n");
        b.append("      <apic default='on' toggle='no'/>\n");
        b.append("      <cpuselection/>\n");
        b.append("    </features>\n  </guest>\n\n");
    }

    private static void machine(StringBuilder b, String name, String canonical, EmulatorCaps.Machine m) {
        b.append("      <machine");
        if (canonical != null) {
            b.append(" canonical='").append(canonical).append('\'');
        }
        b.append(" maxCpus='").append(m.maxCpus()).append('\'');
        if (m.deprecated()) {
            b.append(" deprecated='yes'");
        }
        b.append('>').append(name).append("</machine>\n");
    }
}
