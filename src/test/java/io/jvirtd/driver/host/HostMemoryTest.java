package io.jvirtd.driver.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.NodeMemoryStat;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** virhostmem.c's parsing over fake /proc and sysfs trees: with and without NUMA nodes, and KSM. */
class HostMemoryTest {

    private static final String MEMINFO = """
            MemTotal:       24683772 kB
            MemFree:        14067488 kB
            MemAvailable:   21000000 kB
            Buffers:           59172 kB
            Cached:          7830172 kB
            SwapCached:            0 kB
            """;

    @TempDir
    Path root;

    private FakeSysfs host() throws IOException {
        return new FakeSysfs(root).file("proc/meminfo", MEMINFO);
    }

    private static List<String> fields(List<NodeMemoryStat> stats) {
        return stats.stream().map(NodeMemoryStat::field).toList();
    }

    @Test
    void wholeHostStatsAreTheFourMeminfoLinesInLibvirtsOrder() throws IOException {
        host();
        List<NodeMemoryStat> s = new HostMemory(root).stats(NodeMemoryStat.ALL_CELLS, 0);
        assertEquals(List.of("total", "free", "buffers", "cached"), fields(s));
        assertEquals(List.of(24683772L, 14067488L, 59172L, 7830172L), s.stream().map(NodeMemoryStat::value).toList());
    }

    @Test
    void withoutNumaCellZeroIsTheWholeHostAndOtherCellsFail() throws IOException {
        host();
        HostMemory m = new HostMemory(root);
        assertEquals(4, m.stats(0, 0).size());
        assertArrayEquals(new long[] {14067488L * 1024}, m.cellsFree(0, 8));
        assertEquals(14067488L * 1024, m.freeMemory());
        VirException e = assertThrows(VirException.class, () -> m.cellsFree(1, 1));
        assertEquals("internal error: start cell 1 out of range (0-0)", e.message());
    }

    @Test
    void numaCellsReadTheirNodeMeminfo() throws IOException {
        host().file("sys/devices/system/node/node0/meminfo", """
                Node 0 MemTotal:       1000 kB
                Node 0 MemFree:         600 kB
                Node 0 MemUsed:         400 kB
                """).file("sys/devices/system/node/node1/meminfo", """
                Node 1 MemTotal:       2000 kB
                Node 1 MemFree:         900 kB
                """);
        HostMemory m = new HostMemory(root);
        List<NodeMemoryStat> cell1 = m.stats(1, 0);
        assertEquals(List.of("total", "free"), fields(cell1));
        assertEquals(900, cell1.get(1).value());
        assertArrayEquals(new long[] {600 * 1024L, 900 * 1024L}, m.cellsFree(0, 5));
        assertArrayEquals(new long[] {900 * 1024L}, m.cellsFree(1, 1));
        assertEquals(1500 * 1024L, m.freeMemory());
        VirException e = assertThrows(VirException.class, () -> m.stats(2, 0));
        assertEquals(VirErrorNumber.INVALID_ARG.number(), e.code());
        assertEquals("cellNum in virHostMemGetStats must be less than or equal to 1", e.message());
        assertEquals("internal error: start cell 2 out of range (0-1)",
                assertThrows(VirException.class, () -> m.cellsFree(2, 1)).message());
    }

    private FakeSysfs ksm() throws IOException {
        FakeSysfs f = host();
        String[][] files = {{"pages_to_scan", "100"}, {"sleep_millisecs", "20"}, {"pages_shared", "0"},
            {"pages_sharing", "0"}, {"pages_unshared", "0"}, {"pages_volatile", "0"}, {"full_scans", "7"},
            {"merge_across_nodes", "1"}};
        for (String[] kv : files) {
            f.file("sys/kernel/mm/ksm/" + kv[0], kv[1] + "\n");
        }
        return f;
    }

    @Test
    void ksmParametersInLibvirtsOrderWithTheirTypes() throws IOException {
        ksm();
        List<TypedParameter> p = new HostMemory(root).ksmParameters(4);
        assertEquals(List.of("shm_pages_to_scan", "shm_sleep_millisecs", "shm_pages_shared", "shm_pages_sharing",
                "shm_pages_unshared", "shm_pages_volatile", "shm_full_scans", "shm_merge_across_nodes"),
                p.stream().map(TypedParameter::field).toList());
        assertEquals(TypedParameter.ofUInt("shm_pages_to_scan", 100), p.get(0));
        assertEquals(TypedParameter.ofULLong("shm_full_scans", 7), p.get(6));
        assertEquals(TypedParameter.ofUInt("shm_merge_across_nodes", 1), p.get(7));
    }

    @Test
    void ksmParametersTheKernelLacksAreLeftOut() throws IOException {
        ksm();
        Files.delete(root.resolve("sys/kernel/mm/ksm/merge_across_nodes"));
        assertEquals(7, new HostMemory(root).ksmParameters(0).size());
    }

    @Test
    void settingKsmWritesTheFilesAndRefusesWhatLibvirtRefuses() throws IOException {
        ksm();
        HostMemory m = new HostMemory(root);
        m.setKsmParameters(List.of(TypedParameter.ofUInt("shm_pages_to_scan", 250),
                TypedParameter.ofUInt("shm_sleep_millisecs", 50)), 0);
        assertEquals("250", Files.readString(root.resolve("sys/kernel/mm/ksm/pages_to_scan")));
        assertEquals("50", Files.readString(root.resolve("sys/kernel/mm/ksm/sleep_millisecs")));

        VirException readOnlyField = assertThrows(VirException.class,
                () -> m.setKsmParameters(List.of(TypedParameter.ofULLong("shm_pages_shared", 1)), 0));
        assertEquals(VirErrorNumber.ARGUMENT_UNSUPPORTED.number(), readOnlyField.code());
        VirException wrongType = assertThrows(VirException.class,
                () -> m.setKsmParameters(List.of(TypedParameter.ofULLong("shm_pages_to_scan", 1)), 0));
        assertEquals(VirErrorNumber.INVALID_ARG.number(), wrongType.code());

        Files.delete(root.resolve("sys/kernel/mm/ksm/merge_across_nodes"));
        VirException missing = assertThrows(VirException.class, () -> m.setKsmParameters(List.of(
                TypedParameter.ofUInt("shm_pages_to_scan", 1), TypedParameter.ofUInt("shm_merge_across_nodes", 0)), 0));
        assertEquals("Requested operation is not valid: Parameter 'shm_merge_across_nodes' is not supported by this kernel",
                missing.message());
        assertEquals("250", Files.readString(root.resolve("sys/kernel/mm/ksm/pages_to_scan")),
                "nothing is written when one parameter is refused");
        assertThrows(VirException.class, () -> m.setKsmParameters(List.of(), 1));
    }
}
