package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainJobInfo;
import io.jvirtd.model.domain.DomainJobStats;
import io.jvirtd.model.domain.DomainRef;

import java.util.List;
import java.util.Map;

/**
 * virDomainGetJobInfo, virDomainGetJobStats and virDomainAbortJob(Flags) on the QEMU driver, as
 * libvirt's qemuDomainGetJobInfo / GetJobStats / AbortJobFlags: a domain's async job
 * ({@link QemuDomain#currentJob}: a save, a snapshot delete) with the progress QEMU's
 * {@code query-migrate} reports while a save's migration runs, the last completed job
 * ({@link QemuDomain#completedJob}), and {@code migrate_cancel} to abort a save.
 *
 * <p>Threads: worker threads. Each call takes the domain's query job (libvirt's VIR_JOB_QUERY
 * and VIR_JOB_ABORT, which an async job lets run) around its monitor command, and reads the
 * domain's records under its monitor, holding nothing across QMP. Stateless.
 */
final class QemuJobQueries {

    /** virDomainJobStatsFlags. */
    static final int STATS_COMPLETED = 1;
    static final int STATS_KEEP_COMPLETED = 2;
    /** virDomainAbortJobFlagsValues. */
    static final int ABORT_POSTCOPY = 1;

    private static final DomainJobInfo NO_JOB = new DomainJobInfo(DomainJobInfo.TYPE_NONE, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0);
    private static final DomainJobStats NO_JOB_STATS = new DomainJobStats(DomainJobInfo.TYPE_NONE, List.of());

    private final QemuDomains domains;

    QemuJobQueries(QemuDomains domains) {
        this.domains = domains;
    }

    /** virDomainGetJobInfo. */
    DomainJobInfo info(DomainRef ref) {
        QemuJobData j = current(domains.get(ref));
        return j == null ? NO_JOB : j.toInfo();
    }

    /**
     * virDomainGetJobStats. With COMPLETED: the last completed job while no other runs (no job
     * taken, the domain may be shut off, as after a save), forgotten once read unless
     * KEEP_COMPLETED; while a job runs the answer is "none" and the record stays, as libvirt's
     * qemuDomainGetJobStats clears it only after it formatted it.
     */
    DomainJobStats stats(DomainRef ref, int flags) {
        VirException.checkFlags(flags, STATS_COMPLETED | STATS_KEEP_COMPLETED, VirErrorDomain.QEMU,
                "qemuDomainGetJobStats");
        QemuDomain d = domains.get(ref);
        if ((flags & STATS_COMPLETED) != 0) {
            synchronized (d) {
                QemuJobData j = d.currentJob == null ? d.completedJob : null;
                if (j == null) {
                    return NO_JOB_STATS; // and a job under way keeps the record for after it
                }
                DomainJobStats answer = new DomainJobStats(j.status().type, j.toParams());
                if ((flags & STATS_KEEP_COMPLETED) == 0) {
                    d.completedJob = null; // libvirt drops it once it was read without KEEP
                }
                return answer;
            }
        }
        QemuJobData j = current(d);
        return j == null ? NO_JOB_STATS : new DomainJobStats(j.status().type, j.toParams());
    }

    /**
     * qemuDomainGetJobStatsInternal: the running job, with QEMU's figures while a save's
     * migration runs and the time elapsed for a job that has statistics; null when none runs.
     */
    private static QemuJobData current(QemuDomain d) {
        d.beginQueryJob();
        try {
            QemuJobData j;
            QmpMonitor mon;
            synchronized (d) {
                checkActive(d);
                j = d.currentJob;
                mon = d.monitor;
            }
            if (j == null || j.statsType() == QemuJobData.StatsType.NONE) {
                return j; // libvirt measures nothing for such a job, not even the time
            }
            if (j.statsType() == QemuJobData.StatsType.MEMDUMP && mon != null) {
                return dumpMeasured(j, mon.execute("query-dump", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
            }
            if (j.status() != QemuJobData.Status.MIGRATING || mon == null) {
                return j.timed();
            }
            Object r = mon.execute("query-migrate", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            @SuppressWarnings("unchecked")
            Map<String, Object> answer = r instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            return j.measured(answer);
        } finally {
            d.endQueryJob();
        }
    }

    /**
     * qemuDomainGetJobInfoDumpStats: QEMU's {@code query-dump} figures; the job is active while
     * QEMU writes, completed once it wrote all; any other status is libvirt's error.
     */
    static QemuJobData dumpMeasured(QemuJobData j, Object answer) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = answer instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        String status = String.valueOf(r.get("status"));
        QemuJobData.Status s = switch (status) {
            case "active" -> QemuJobData.Status.ACTIVE;
            case "completed" -> QemuJobData.Status.COMPLETED;
            default -> throw VirException.of(io.jvirtd.model.VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "dump query failed, status=" + ("failed".equals(status) ? 3 : 0));
        };
        return j.withStatus(s).measured(r);
    }

    /**
     * virDomainAbortJobFlags: cancels a save's migration (QEMU then closes the stream, the save
     * fails with "canceled by client", drops its temporary file and resumes the guest); for a
     * snapshot delete libvirt sends the same {@code migrate_cancel}, which QEMU accepts and
     * which changes nothing.
     */
    void abort(DomainRef ref, int flags) {
        VirException.checkFlags(flags, ABORT_POSTCOPY, VirErrorDomain.QEMU, "qemuDomainAbortJobFlags");
        QemuDomain d = domains.get(ref);
        d.beginQueryJob(); // VIR_JOB_ABORT
        try {
            QemuJobData j;
            QmpMonitor mon;
            synchronized (d) {
                checkActive(d);
                j = d.currentJob;
                mon = d.monitor;
            }
            if ((flags & ABORT_POSTCOPY) != 0) { // jvirtd migrates no guest: never a post-copy migration
                throw VirException.operationInvalid(VirErrorDomain.QEMU,
                        "current job is not outgoing migration in post-copy mode");
            }
            if (j == null) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "no job is active on the domain");
            }
            if (j.statsType() == QemuJobData.StatsType.MEMDUMP) { // QEMU cannot stop dump-guest-memory
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "cannot abort memory-only dump");
            }
            if (mon == null) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            mon.execute("migrate_cancel", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } finally {
            d.endQueryJob();
        }
    }

    /** virDomainObjCheckActive's error; under the domain's monitor. */
    private static void checkActive(QemuDomain d) {
        if (d.liveDef == null) {
            throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
        }
    }
}
