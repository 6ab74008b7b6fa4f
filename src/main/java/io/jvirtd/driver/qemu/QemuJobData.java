package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainJobInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What libvirt's QEMU driver knows of one async job (its {@code virDomainJobData} with the
 * QEMU private part): the operation, when it started, how far QEMU's migration to a file got
 * (the last {@code query-migrate} answer), and how it ended. {@link QemuDomain} keeps the one
 * under way and the last completed one; virDomainGetJobInfo / virDomainGetJobStats format them
 * with {@link #toInfo} and {@link #toParams}.
 *
 * <p>Threads: immutable; a domain swaps its copies under its monitor.
 */
record QemuJobData(int operation, StatsType statsType, Status status, long startedMillis,
                   long stoppedMillis, long elapsedMillis, Map<String, Object> migration) {

    /**
     * qemuDomainJobStatsType: NONE has no statistics (libvirt refuses to format them); SAVEDUMP
     * are a migration to a file's ({@code query-migrate}), MEMDUMP a memory-only dump's
     * ({@code query-dump}: status, completed, total).
     */
    enum StatsType { NONE, SAVEDUMP, MEMDUMP }

    /** virDomainJobStatus, as far as jvirtd's jobs go. */
    enum Status {
        ACTIVE(DomainJobInfo.TYPE_UNBOUNDED), MIGRATING(DomainJobInfo.TYPE_UNBOUNDED),
        COMPLETED(DomainJobInfo.TYPE_COMPLETED);

        final int type;

        Status(int type) {
            this.type = type;
        }
    }

    /** virDomainJobOperation. */
    static final int OPERATION_SAVE = 2;
    static final int OPERATION_DUMP = 8;
    static final int OPERATION_SNAPSHOT_DELETE = 10;

    QemuJobData {
        migration = migration == null ? Map.of() : Map.copyOf(migration);
    }

    /** A job that starts now (virDomainObjBeginAsyncJob: status active, nothing measured yet). */
    static QemuJobData begin(int operation, StatsType statsType) {
        return new QemuJobData(operation, statsType, Status.ACTIVE, System.currentTimeMillis(), 0, 0, null);
    }

    QemuJobData withStatus(Status s) {
        return new QemuJobData(operation, statsType, s, startedMillis, stoppedMillis, elapsedMillis, migration);
    }

    /** The guest's CPUs stopped now (libvirt's jobData->stopped, the start of the downtime). */
    QemuJobData stoppedNow() {
        return new QemuJobData(operation, statsType, status, startedMillis, System.currentTimeMillis(),
                elapsedMillis, migration);
    }

    /** With QEMU's {@code query-migrate} answer and the time elapsed until now (qemuDomainJobDataUpdateTime). */
    QemuJobData measured(Map<String, Object> queryMigrate) {
        return new QemuJobData(operation, statsType, status, startedMillis, stoppedMillis,
                Math.max(0, System.currentTimeMillis() - startedMillis), queryMigrate);
    }

    /** Only the time elapsed until now. */
    QemuJobData timed() {
        return measured(migration);
    }

    /**
     * The record kept once QEMU finished (qemuMigrationSrcWaitForCompletion): final statistics,
     * time elapsed, and the downtime since the CPUs stopped when they stopped inside the job.
     */
    QemuJobData completed(Map<String, Object> queryMigrate) {
        Map<String, Object> m = new java.util.HashMap<>(queryMigrate == null ? Map.of() : queryMigrate);
        long now = System.currentTimeMillis();
        if (stoppedMillis > 0 && now >= stoppedMillis) {
            m.put("downtime", now - stoppedMillis); // qemuDomainJobDataUpdateDowntime
        }
        return new QemuJobData(operation, statsType, Status.COMPLETED, startedMillis, stoppedMillis,
                Math.max(0, now - startedMillis), m);
    }

    /** With the statistics type libvirt switches a memory-only dump to (qemuDumpToFd). */
    QemuJobData withStatsType(StatsType t) {
        return new QemuJobData(operation, t, status, startedMillis, stoppedMillis, elapsedMillis, migration);
    }

    /** qemuDomainJobDataToInfo. */
    DomainJobInfo toInfo() {
        if (statsType == StatsType.MEMDUMP) {
            long total = dumpFigure("total");
            long done = dumpFigure("completed");
            return new DomainJobInfo(status.type, elapsedMillis, 0, 0, 0, 0, total, done, total - done, 0, 0, 0);
        }
        MigrationStats s = stats();
        return new DomainJobInfo(status.type, elapsedMillis, 0, s.ramTotal, s.ramTransferred, s.ramRemaining,
                s.ramTotal, s.ramTransferred, s.ramRemaining, 0, 0, 0);
    }

    /** qemuDomainJobDataToParams: libvirt refuses a job that has no statistics type. */
    List<TypedParameter> toParams() {
        if (statsType == StatsType.NONE) {
            throw VirException.internalError(VirErrorDomain.QEMU, "invalid job statistics type");
        }
        List<TypedParameter> p = new ArrayList<>();
        p.add(TypedParameter.ofInt("operation", operation));
        p.add(TypedParameter.ofULLong("time_elapsed", elapsedMillis));
        if (statsType == StatsType.MEMDUMP) { // qemuDomainDumpJobDataToParams
            long total = dumpFigure("total");
            long done = dumpFigure("completed");
            p.add(TypedParameter.ofULLong("memory_total", total));
            p.add(TypedParameter.ofULLong("memory_processed", done));
            p.add(TypedParameter.ofULLong("memory_remaining", total - done));
            return p;
        }
        MigrationStats s = stats();
        if (s.downtime != null) {
            p.add(TypedParameter.ofULLong("downtime", s.downtime));
        }
        if (s.setupTime != null) {
            p.add(TypedParameter.ofULLong("setup_time", s.setupTime));
        }
        p.add(TypedParameter.ofULLong("data_total", s.ramTotal));
        p.add(TypedParameter.ofULLong("data_processed", s.ramTransferred));
        p.add(TypedParameter.ofULLong("data_remaining", s.ramRemaining));
        p.add(TypedParameter.ofULLong("memory_total", s.ramTotal));
        p.add(TypedParameter.ofULLong("memory_processed", s.ramTransferred));
        p.add(TypedParameter.ofULLong("memory_remaining", s.ramRemaining));
        if (s.ramBps != 0) {
            p.add(TypedParameter.ofULLong("memory_bps", s.ramBps));
        }
        if (s.duplicate != null) {
            p.add(TypedParameter.ofULLong("memory_constant", s.duplicate));
            p.add(TypedParameter.ofULLong("memory_normal", s.normal));
            p.add(TypedParameter.ofULLong("memory_normal_bytes", s.normalBytes));
        }
        p.add(TypedParameter.ofULLong("memory_dirty_rate", s.dirtyRate));
        p.add(TypedParameter.ofULLong("memory_iteration", s.iteration));
        p.add(TypedParameter.ofULLong("memory_postcopy_requests", s.postcopyRequests));
        if (s.pageSize > 0) {
            p.add(TypedParameter.ofULLong("memory_page_size", s.pageSize));
        }
        // a save's statistics end here: libvirt leaves out disk, compression and throttle figures
        return p;
    }

    /** A figure of the last {@code query-dump} answer (kept where a migration's answer goes). */
    private long dumpFigure(String key) {
        return migration.get(key) instanceof Number n ? n.longValue() : 0;
    }

    private MigrationStats stats() {
        return MigrationStats.of(migration);
    }

    /**
     * The figures libvirt takes from a {@code query-migrate} answer
     * (qemuMonitorJSONGetMigrationStatsReply); absent ones are 0, or null where libvirt shows
     * the field only when QEMU sent it.
     */
    private record MigrationStats(Long downtime, Long setupTime, long ramTotal, long ramTransferred,
                                  long ramRemaining, long ramBps, Long duplicate, long normal, long normalBytes,
                                  long dirtyRate, long iteration, long postcopyRequests, long pageSize) {

        static MigrationStats of(Map<String, Object> r) {
            boolean done = "completed".equals(r.get("status"));
            Long downtime = num(r.get(done ? "downtime" : "expected-downtime"));
            Map<?, ?> ram = r.get("ram") instanceof Map<?, ?> m ? m : Map.of();
            Object mbps = ram.get("mbps");
            // QEMU's mbps are Mbit/s (10^6): libvirt turns them into bytes/s
            long bps = mbps instanceof Number n && n.doubleValue() > 0 ? (long) (n.doubleValue() * (1000 * 1000 / 8)) : 0;
            return new MigrationStats(downtime, num(r.get("setup-time")), zero(ram.get("total")),
                    zero(ram.get("transferred")), zero(ram.get("remaining")), bps, num(ram.get("duplicate")),
                    zero(ram.get("normal")), zero(ram.get("normal-bytes")), zero(ram.get("dirty-pages-rate")),
                    zero(ram.get("dirty-sync-count")), zero(ram.get("postcopy-requests")), zero(ram.get("page-size")));
        }

        private static Long num(Object o) {
            return o instanceof Number n ? n.longValue() : null;
        }

        private static long zero(Object o) {
            return o instanceof Number n ? n.longValue() : 0;
        }
    }
}
