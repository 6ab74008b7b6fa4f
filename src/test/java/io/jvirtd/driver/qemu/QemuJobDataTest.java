package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainJobInfo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A save's job record formatted as libvirt's qemuDomainJobDataToInfo / ToParams do, from QEMU
 * 7.2's {@code query-migrate} answers (taken from a save of the 128 MiB Linux guest): the
 * fields libvirt shows only when QEMU sent them, QEMU's Mbit/s as bytes/s, the expected
 * downtime while active and the measured one once completed, and libvirt's refusal to format a
 * job without a statistics type (a snapshot delete).
 */
class QemuJobDataTest {

    private static final Map<String, Object> ACTIVE = Map.of("status", "active", "setup-time", 7,
            "expected-downtime", 300, "total-time", 381, "ram", Map.ofEntries(Map.entry("total", 134750208L),
                    Map.entry("transferred", 37798707L), Map.entry("remaining", 73924608L), Map.entry("mbps", 2362.5),
                    Map.entry("duplicate", 5652), Map.entry("normal", 9198), Map.entry("normal-bytes", 37675008L),
                    Map.entry("dirty-pages-rate", 0), Map.entry("page-size", 4096), Map.entry("dirty-sync-count", 2),
                    Map.entry("postcopy-requests", 0)));

    @Test
    void anActiveSaveHasLibvirtsSaveDumpFieldsInItsOrder() {
        QemuJobData j = QemuJobData.begin(QemuJobData.OPERATION_SAVE, QemuJobData.StatsType.SAVEDUMP)
                .withStatus(QemuJobData.Status.MIGRATING).measured(ACTIVE);
        List<TypedParameter> p = j.toParams();
        assertEquals(List.of("operation", "time_elapsed", "downtime", "setup_time", "data_total", "data_processed",
                "data_remaining", "memory_total", "memory_processed", "memory_remaining", "memory_bps",
                "memory_constant", "memory_normal", "memory_normal_bytes", "memory_dirty_rate", "memory_iteration",
                "memory_postcopy_requests", "memory_page_size"), p.stream().map(TypedParameter::field).toList());
        assertEquals(TypedParameter.ofInt("operation", 2), p.get(0));
        assertEquals(300L, value(p, "downtime"), "expected-downtime while active");
        assertEquals(295_312_500L, value(p, "memory_bps"), "2362.5 Mbit/s");
        assertEquals(134750208L, value(p, "data_total"));
        DomainJobInfo info = j.toInfo();
        assertEquals(DomainJobInfo.TYPE_UNBOUNDED, info.type());
        assertEquals(37798707L, info.dataProcessed());
        assertEquals(73924608L, info.memRemaining());
        assertEquals(0, info.fileTotal());
    }

    @Test
    void beforeQemuAnswersOnlyTheFixedFieldsAppear() {
        QemuJobData j = QemuJobData.begin(QemuJobData.OPERATION_SAVE, QemuJobData.StatsType.SAVEDUMP).timed();
        assertEquals(List.of("operation", "time_elapsed", "data_total", "data_processed", "data_remaining",
                "memory_total", "memory_processed", "memory_remaining", "memory_dirty_rate", "memory_iteration",
                "memory_postcopy_requests"), j.toParams().stream().map(TypedParameter::field).toList());
    }

    @Test
    void aCompletedSaveMeasuresItsDowntimeFromTheStop() {
        QemuJobData j = QemuJobData.begin(QemuJobData.OPERATION_SAVE, QemuJobData.StatsType.SAVEDUMP).stoppedNow()
                .completed(Map.of("status", "completed", "downtime", 999_999, "ram", Map.of("total", 10, "transferred",
                        10, "remaining", 0)));
        assertEquals(DomainJobInfo.TYPE_COMPLETED, j.toInfo().type());
        long downtime = (Long) value(j.toParams(), "downtime");
        assertTrue(downtime < 999_999, "now minus the stop, not QEMU's figure: " + downtime);
    }

    @Test
    void aJobWithoutStatisticsTypeCannotBeFormattedAsLibvirtSays() {
        QemuJobData j = QemuJobData.begin(QemuJobData.OPERATION_SNAPSHOT_DELETE, QemuJobData.StatsType.NONE);
        VirException e = assertThrows(VirException.class, j::toParams);
        assertEquals("internal error: invalid job statistics type", e.getMessage());
        assertEquals(DomainJobInfo.TYPE_UNBOUNDED, j.toInfo().type());
        assertEquals(0, j.toInfo().timeElapsed());
    }

    private static Object value(List<TypedParameter> p, String field) {
        return p.stream().filter(t -> t.field().equals(field)).findFirst().orElseThrow().value();
    }
}
