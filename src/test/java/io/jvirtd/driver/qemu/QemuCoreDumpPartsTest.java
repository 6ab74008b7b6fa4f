package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainJobInfo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The pure parts of virsh dump against libvirt 9.0: the format check on QEMU's capability
 * answer, DUMP_COMPLETED's outcome and its error text (QEMU 7.2's win-dmp failure on a guest
 * without a Windows vmcoreinfo, as libvirtd printed it), and a memory-only dump's job figures
 * from {@code query-dump} (qemuDomainGetJobInfoDumpStats, qemuDomainDumpJobDataToParams).
 */
class QemuCoreDumpPartsTest {

    @Test
    void formatsComeFromQemusCapability() {
        Object cap = Map.of("formats", List.of("elf", "kdump-zlib", "win-dmp"));
        assertTrue(QemuCoreDump.formatSupported(cap, "kdump-zlib"));
        assertFalse(QemuCoreDump.formatSupported(cap, "kdump-lzo"));
        assertFalse(QemuCoreDump.formatSupported(Map.of(), "elf"));
    }

    @Test
    void dumpCompletedCarriesQemusError() {
        QemuCoreDump.checkCompleted(Map.of("result", Map.of("status", "completed", "completed", 10, "total", 10)));
        VirException e = assertThrows(VirException.class, () -> QemuCoreDump.checkCompleted(Map.of(
                "result", Map.of("status", "failed", "completed", 0, "total", 10),
                "error", "win-dump: invalid vmcoreinfo note size")));
        assertEquals("operation failed: memory-only dump failed: win-dump: invalid vmcoreinfo note size",
                e.getMessage());
        VirException unknown = assertThrows(VirException.class,
                () -> QemuCoreDump.checkCompleted(Map.of("result", Map.of("status", "failed"))));
        assertEquals("operation failed: memory-only dump failed for unknown reason", unknown.getMessage());
    }

    @Test
    void memoryDumpJobShowsQueryDumpFigures() {
        QemuJobData j = QemuJobData.begin(QemuJobData.OPERATION_DUMP, QemuJobData.StatsType.MEMDUMP);
        QemuJobData active = QemuJobQueries.dumpMeasured(j, Map.of("status", "active", "completed", 4096,
                "total", 16384));
        DomainJobInfo info = active.toInfo();
        assertEquals(DomainJobInfo.TYPE_UNBOUNDED, info.type());
        List<TypedParameter> p = active.toParams();
        assertEquals(List.of("operation", "time_elapsed", "memory_total", "memory_processed", "memory_remaining"),
                p.stream().map(TypedParameter::field).toList());
        assertEquals(8, p.get(0).intValue());
        assertEquals(12288, p.get(4).longValue());
        VirException e = assertThrows(VirException.class,
                () -> QemuJobQueries.dumpMeasured(j, Map.of("status", "failed")));
        assertEquals("operation failed: dump query failed, status=3", e.getMessage());
    }

    /** memsave / pmemsave get what libvirtd sent (blkdump-peek-qmp.txt): the address unsigned, then size, file. */
    @Test
    void memorySaveArgumentsAreLibvirtds() throws Exception {
        String sent = "{\"execute\":\"pmemsave\",\"arguments\":" + QmpCodec.json(QemuMemoryPeek.arguments(
                0x7fffffffffff0000L, 16, java.nio.file.Path.of("@LIBDIR@/qemu.mem.XXXXXX"))) + "}";
        assertTrue(java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                "src/test/resources/qemu/libvirtd-9.0/blkdump-peek-qmp.txt")).contains(sent), sent);
        assertEquals("{\"val\":18446744073709551615,\"size\":1,\"filename\":\"/f\"}",
                QmpCodec.json(QemuMemoryPeek.arguments(-1L, 1, java.nio.file.Path.of("/f"))));
    }
}
