package io.jvirtd.driver.mockhost;

import java.util.List;

/**
 * Formats the test driver's capabilities XML exactly as libvirt does (testBuildCapabilities
 * plus virCapabilitiesFormatXML): an i686 host with the pae/nonpae features, four page sizes,
 * no IOMMU, the given NUMA cells and the "testSecurity" model, and two i686 guests (hvm and xen)
 * with the /usr/bin/test-hv emulator. Stateless.
 */
final class CapabilitiesXml {

    /** Host page sizes in KiB, in libvirt's order. */
    static final int[] PAGE_SIZES_KIB = {4, 8, 2048, 1024 * 1024};

    static final String EMULATOR = "/usr/bin/test-hv";

    private CapabilitiesXml() {
    }

    static String format(List<MockCell> cells) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<capabilities>\n\n");
        host(b, cells);
        guest(b, "hvm");
        guest(b, "xen");
        b.append("</capabilities>\n");
        return b.toString();
    }

    private static void host(StringBuilder b, List<MockCell> cells) {
        b.append("  <host>\n")
         .append("    <cpu>\n")
         .append("      <arch>i686</arch>\n")
         .append("      <features>\n")
         .append("        <pae/>\n")
         .append("        <nonpae/>\n")
         .append("      </features>\n");
        for (int size : PAGE_SIZES_KIB) {
            b.append("      <pages unit='KiB' size='").append(size).append("'/>\n");
        }
        b.append("    </cpu>\n")
         .append("    <power_management/>\n")
         .append("    <iommu support='no'/>\n")
         .append("    <topology>\n")
         .append("      <cells num='").append(cells.size()).append("'>\n");
        for (int i = 0; i < cells.size(); i++) {
            cell(b, i, cells.get(i));
        }
        b.append("      </cells>\n")
         .append("    </topology>\n")
         .append("    <secmodel>\n")
         .append("      <model>").append(MockConnection.SECURITY_MODEL.model()).append("</model>\n")
         .append("      <doi>").append(MockConnection.SECURITY_MODEL.doi()).append("</doi>\n")
         .append("    </secmodel>\n")
         .append("  </host>\n\n");
    }

    /**
     * One cell. libvirt gives each cell all page sizes but one: cell 1 uses the second size
     * (8 KiB) as its base page where every other cell uses the first (4 KiB), then the two huge
     * sizes; only the base page has a count (memory / page size), the others show 0.
     */
    private static void cell(StringBuilder b, int id, MockCell cell) {
        int basePage = id == 1 ? PAGE_SIZES_KIB[1] : PAGE_SIZES_KIB[0];
        b.append("        <cell id='").append(id).append("'>\n")
         .append("          <memory unit='KiB'>").append(Long.toUnsignedString(cell.memoryKiB()))
         .append("</memory>\n")
         .append("          <pages unit='KiB' size='").append(basePage).append("'>")
         .append(Long.divideUnsigned(cell.memoryKiB(), basePage)).append("</pages>\n");
        for (int j = 2; j < PAGE_SIZES_KIB.length; j++) {
            b.append("          <pages unit='KiB' size='").append(PAGE_SIZES_KIB[j]).append("'>0</pages>\n");
        }
        b.append("          <cpus num='").append(cell.cpus().size()).append("'>\n");
        for (MockCell.Cpu cpu : cell.cpus()) {
            b.append("            <cpu id='").append(cpu.id())
             .append("' socket_id='").append(cpu.socketId())
             .append("' die_id='0' core_id='").append(cpu.coreId())
             .append("' siblings='").append(cpu.siblings()).append("'/>\n");
        }
        b.append("          </cpus>\n")
         .append("        </cell>\n");
    }

    private static void guest(StringBuilder b, String osType) {
        b.append("  <guest>\n")
         .append("    <os_type>").append(osType).append("</os_type>\n")
         .append("    <arch name='i686'>\n")
         .append("      <wordsize>32</wordsize>\n")
         .append("      <emulator>").append(EMULATOR).append("</emulator>\n")
         .append("      <domain type='test'/>\n")
         .append("    </arch>\n")
         .append("    <features>\n")
         .append("      <pae/>\n")
         .append("      <nonpae/>\n")
         .append("    </features>\n")
         .append("  </guest>\n\n");
    }
}
