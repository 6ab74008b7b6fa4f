package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host facts as libvirt reads them, from a made-up /proc and /sys: two sockets of two cores
 * with two threads, two NUMA nodes, huge pages on one of them, a shared L3 per socket.
 */
class HostFactsTest {

    @TempDir
    Path root;

    private void write(String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private void twoSocketHost() throws IOException {
        write("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
                + "model name\t: Some Xeon\nstepping\t: 7\nmicrocode\t: 0x5003604\n"
                + "address sizes\t: 46 bits physical, 48 bits virtual\n\nprocessor\t: 1\nvendor_id\t: Other\n");
        write("sys/devices/system/cpu/online", "0-7\n");
        for (int c = 0; c < 8; c++) {
            String t = "sys/devices/system/cpu/cpu" + c + "/topology/";
            int socket = c / 4;
            int core = (c % 4) / 2;
            write(t + "physical_package_id", socket + "\n");
            write(t + "die_id", "0\n");
            write(t + "core_id", core + "\n");
            int first = c - c % 2;
            write(t + "thread_siblings_list", first + "-" + (first + 1) + "\n");
            String idx = "sys/devices/system/cpu/cpu" + c + "/cache/index";
            write(idx + "0/level", "1\n");
            write(idx + "0/id", "0\n");
            write(idx + "0/type", "Data\n");
            write(idx + "0/size", "32K\n");
            write(idx + "0/shared_cpu_list", c + "\n");
            write(idx + "3/level", "3\n");
            write(idx + "3/id", socket + "\n");
            write(idx + "3/type", "Unified\n");
            write(idx + "3/size", "36608K\n");
            write(idx + "3/shared_cpu_list", (socket * 4) + "-" + (socket * 4 + 3) + "\n");
        }
        for (int n = 0; n < 2; n++) {
            String dir = "sys/devices/system/node/node" + n + "/";
            write(dir + "meminfo", "Node " + n + " MemTotal:       8388608 kB\nNode " + n + " MemFree: 1 kB\n");
            write(dir + "distance", n == 0 ? "10 21\n" : "21 10\n");
            write(dir + "cpulist", n == 0 ? "0-3\n" : "4-7\n");
            write(dir + "hugepages/hugepages-2048kB/nr_hugepages", n == 0 ? "512\n" : "0\n");
            write(dir + "hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
        }
        write("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "512\n");
        write("sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
    }

    @Test
    void cpuTopologyPagesCellsAndCachesAreLibvirts() throws IOException {
        twoSocketHost();
        HostFacts h = new HostFacts(root);

        HostFacts.Cpu cpu = h.cpu();
        assertEquals("Intel", cpu.vendor());
        assertEquals(0x5003604L, cpu.microcode());
        assertEquals(List.of(6, 85, 7), List.of(cpu.family(), cpu.model(), cpu.stepping()));
        assertEquals(List.of(2, 1, 2, 2), List.of(cpu.sockets(), cpu.dies(), cpu.cores(), cpu.threads()));
        assertEquals(46, cpu.physAddrBits());

        assertEquals(List.of(4, 2048, 1048576), h.pageSizes());

        List<HostFacts.Cell> cells = h.cells();
        assertEquals(2, cells.size());
        HostFacts.Cell c0 = cells.get(0);
        assertEquals(8388608L, c0.memoryKiB());
        // the base pages are what the huge pages leave: (8 GiB - 512 * 2 MiB) / 4 KiB
        assertEquals(Map.of(4, 1835008L, 2048, 512L, 1048576, 0L), c0.pages());
        assertEquals(List.of(4, 2048, 1048576), List.copyOf(c0.pages().keySet()), "base page first, then ascending");
        assertEquals(Map.of(0, 10, 1, 21), c0.distances());
        assertEquals(List.of(0, 1, 2, 3), c0.cpus().stream().map(HostFacts.CpuInCell::id).toList());
        assertEquals(new HostFacts.CpuInCell(3, 0, 0, 1, "2-3"), c0.cpus().get(3));
        assertEquals(new HostFacts.CpuInCell(5, 1, 0, 0, "4-5"), cells.get(1).cpus().get(1));

        assertEquals(List.of(new HostFacts.CacheBank(0, 3, "both", 36608, "0-3"),
                new HostFacts.CacheBank(1, 3, "both", 36608, "4-7")), h.caches(), "level 3 and up, one per bank");
        assertFalse(h.iommu());
    }

    @Test
    void withoutNumaOneCellHoldsAllMemoryAndEveryCpu() throws IOException {
        write("proc/meminfo", "MemTotal:       2048000 kB\nMemFree:        1000 kB\n");
        write("sys/devices/system/cpu/online", "0-1\n");
        write("sys/kernel/iommu_groups/0/type", "DMA\n");
        HostFacts h = new HostFacts(root);
        List<HostFacts.Cell> cells = h.cells();
        assertEquals(1, cells.size());
        assertEquals(2048000L, cells.get(0).memoryKiB());
        assertEquals(Map.of(4, 512000L), cells.get(0).pages());
        assertTrue(cells.get(0).distances().isEmpty(), "libvirt's fallback cell has no distances");
        assertEquals(2, cells.get(0).cpus().size());
        assertEquals(List.of(4), h.pageSizes());
        assertTrue(h.iommu());
        assertTrue(h.caches().isEmpty());
        assertTrue(h.dmiUuid().isEmpty());
    }

    @Test
    void cpuListsFormatAsLibvirtsBitmaps() {
        assertEquals(List.of(0, 1, 2, 5, 7, 8), HostFacts.cpuList("0-2,5,7-8"));
        assertEquals("0-2,5,7-8", HostFacts.formatCpuList(List.of(0, 1, 2, 5, 7, 8)));
        assertEquals("3", HostFacts.formatCpuList(List.of(3)));
        assertEquals("", HostFacts.formatCpuList(List.of()));
    }

    @Test
    void aPlaceholderDmiUuidIsNotTheHosts() throws IOException {
        write("sys/devices/virtual/dmi/id/product_uuid", "00000000-0000-0000-0000-000000000000\n");
        assertTrue(new HostFacts(root).dmiUuid().isEmpty());
        write("sys/devices/virtual/dmi/id/product_uuid", "4C4C4544-0042-3510-8052-B4C04F4D4E32\n");
        assertEquals("4c4c4544-0042-3510-8052-b4c04f4d4e32", new HostFacts(root).dmiUuid().orElseThrow());
    }
}
