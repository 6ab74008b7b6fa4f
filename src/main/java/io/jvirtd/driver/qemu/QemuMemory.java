package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainMemoryStat;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Guest memory through the virtio balloon, as libvirt's QEMU driver: virDomainSetMemoryFlags
 * (the balloon target live, {@code <currentMemory>} or {@code <memory>} in the persistent
 * definition), virDomainSetMemoryStatsPeriod, virDomainMemoryStats, the balloon's set-up at start
 * and QEMU's BALLOON_CHANGE, which moves the live {@code <currentMemory>} and becomes libvirt's
 * balloon-change event.
 *
 * <p>Threads: API methods run on workers, changes under the domain's job; the live definition is
 * changed under the domain's lock and then saved to the status file, the persistent one is
 * changed in a copy, saved atomically and then put in place. {@link #onBalloonChange} runs on
 * the driver's qemu-event thread. No lock is held across QMP or file work. Holds no state.
 */
final class QemuMemory {

    /** VIR_DOMAIN_MEM_MAXIMUM. */
    static final int MEM_MAXIMUM = 4;

    private final QemuLifecycle life;

    QemuMemory(QemuLifecycle life) {
        this.life = life;
    }

    // ------------------------------------------------------------------ setmem, setmaxmem

    /** virDomainSetMemoryFlags (also virDomainSetMemory: LIVE, virDomainSetMaxMemory: MAXIMUM). */
    void setMemory(DomainRef ref, long kib, int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG | MEM_MAXIMUM,
                VirErrorDomain.QEMU, "qemuDomainSetMemoryFlags");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            AffectedDefs defs = AffectedDefs.resolve(d, flags);
            if ((flags & MEM_MAXIMUM) != 0) {
                setMaximum(d, defs, kib);
            } else {
                setCurrent(d, defs, kib);
            }
        } finally {
            d.endJob();
        }
    }

    private void setMaximum(QemuDomain d, AffectedDefs defs, long kib) {
        if (defs.live() != null) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU,
                    "cannot resize the maximum memory on an active domain");
        }
        DomainDef pers = defs.persistent();
        if (pers.maxMemoryKiB() > 0 && pers.maxMemoryKiB() < kib) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU,
                    "cannot set initial memory size greater than the maximum memory size");
        }
        pers.setMemoryKiB(kib);
        if (pers.currentMemoryKiB() > kib) {
            pers.setCurrentMemoryKiB(kib);
        }
        defs.savePersistent(life, d);
    }

    private void setCurrent(QemuDomain d, AffectedDefs defs, long kib) {
        long oldMax = 0;
        DeviceDef liveBalloon = null;
        QmpMonitor mon = null;
        if (defs.live() != null) {
            synchronized (d) {
                oldMax = defs.live().memoryKiB();
                liveBalloon = BalloonStats.balloon(defs.live());
                mon = d.monitor;
            }
        }
        if (defs.persistent() != null && (defs.live() == null || oldMax > defs.persistent().memoryKiB())) {
            oldMax = defs.persistent().memoryKiB();
        }
        if (kib > oldMax) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "cannot set memory higher than max memory");
        }
        if (defs.live() != null) {
            if (liveBalloon == null) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "Unable to change memory of active domain "
                        + "without the balloon device and guest OS balloon driver");
            }
            if (mon == null) {
                throw QemuLifecycle.notRunning();
            }
            // The live <currentMemory> follows the guest: QEMU's BALLOON_CHANGE sets it
            mon.execute("balloon", Map.of("value", kib * 1024), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        }
        if (defs.persistent() != null) {
            defs.persistent().setCurrentMemoryKiB(kib);
            defs.savePersistent(life, d);
        }
    }

    // ------------------------------------------------------------------ memory statistics

    /** virDomainSetMemoryStatsPeriod: the guest's statistics polling interval, live or in the config. */
    void setStatsPeriod(DomainRef ref, int period, int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetMemoryStatsPeriod");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            AffectedDefs defs = AffectedDefs.resolve(d, flags);
            if (defs.live() != null) {
                QmpMonitor mon;
                synchronized (d) {
                    if (BalloonStats.balloon(defs.live()) == null) {
                        throw noBalloonForPeriod();
                    }
                    mon = d.monitor;
                }
                try {
                    if (mon == null) {
                        throw QemuLifecycle.notRunning();
                    }
                    mon.execute("qom-set", periodArgs(period), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                } catch (VirException e) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU,
                            "unable to set balloon driver collection period");
                }
                synchronized (d) {
                    DeviceDef b = BalloonStats.balloon(defs.live());
                    if (b != null) {
                        BalloonStats.setPeriod(b, period);
                    }
                }
                life.saveStatus(d);
            }
            if (defs.persistent() != null) {
                DeviceDef b = BalloonStats.balloon(defs.persistent());
                if (b == null) {
                    throw noBalloonForPeriod();
                }
                BalloonStats.setPeriod(b, period);
                defs.savePersistent(life, d);
            }
        } finally {
            d.endJob();
        }
    }

    private static VirException noBalloonForPeriod() {
        return VirException.internalError(VirErrorDomain.QEMU,
                "No memory balloon device configured, can not set the collection period");
    }

    private static Map<String, Object> periodArgs(int period) {
        return Map.of("path", BalloonStats.QOM_PATH, "property", "guest-stats-polling-interval", "value", period);
    }

    /** virDomainMemoryStats: the balloon's figures and QEMU's resident set, at most {@code max}. */
    List<DomainMemoryStat> stats(DomainRef ref, int max, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainMemoryStats");
        QemuDomain d = life.domains.get(ref);
        QmpMonitor mon;
        long pid;
        boolean balloon;
        synchronized (d) {
            if (d.liveDef == null || d.monitor == null) { // virDomainObjCheckActive
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            mon = d.monitor;
            pid = d.pid;
            balloon = BalloonStats.balloon(d.liveDef) != null;
        }
        Query q = balloon ? Query.send(mon) : null;
        if (q != null) {
            q.await(System.nanoTime() + QemuLifecycle.MONITOR_TIMEOUT_MILLIS * 1_000_000L);
        }
        return collect(q, pid, max);
    }

    /** The two questions behind the memory statistics, in flight together. */
    record Query(CompletableFuture<Object> balloon, CompletableFuture<Object> guestStats) {
        /** Sends both; the answers complete on the loop. Any thread. */
        static Query send(QmpMonitor mon) {
            return new Query(mon.send("query-balloon", null), guestStats(mon));
        }

        /**
         * Only the guest's statistics (no {@code balloon}, so no ACTUAL_BALLOON), sent without an
         * id ({@link QmpMonitor#sendUnnumbered}): for domstats' balloon group, which shows no
         * actual balloon size and asks every guest on every call. Any thread.
         */
        static Query sendGuestStats(QmpMonitor mon) {
            return new Query(null, mon.sendUnnumbered("qom-get",
                    Map.of("path", BalloonStats.QOM_PATH, "property", "guest-stats")));
        }

        private static CompletableFuture<Object> guestStats(QmpMonitor mon) {
            return mon.send("qom-get", Map.of("path", BalloonStats.QOM_PATH, "property", "guest-stats"));
        }

        /** Waits until both are answered or {@code deadlineNanos}; a late answer is dropped. Worker thread. */
        void await(long deadlineNanos) {
            for (CompletableFuture<Object> f : List.of(balloon, guestStats)) {
                try {
                    f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    f.cancel(false);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    f.cancel(false);
                } catch (Exception e) {
                    // failed: that statistic is left out, as libvirt does
                }
            }
        }
    }

    /** libvirt's qemuDomainMemoryStatsInternal: the balloon's answers (null q: none), then RSS. */
    static List<DomainMemoryStat> collect(Query q, long pid, int max) {
        List<DomainMemoryStat> out = new ArrayList<>(q == null ? List.of()
                : BalloonStats.parse(answer(q.balloon()), answer(q.guestStats()), max));
        long rss = ProcTasks.rssKiB(pid);
        if (out.size() < max && rss >= 0) {
            out.add(new DomainMemoryStat(DomainMemoryStat.RSS, rss));
        }
        return out;
    }

    private static Object answer(CompletableFuture<Object> f) {
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return null;
        }
        return f.join();
    }

    // ------------------------------------------------------------------ start and events

    /** The balloon set-up start sends with its first round trip, null without a balloon. */
    record AtStart(CompletableFuture<Object> target, CompletableFuture<Object> actual) {
    }

    /**
     * libvirt's qemuProcessSetupBalloon and qemuProcessRefreshBalloonState: the statistics period
     * when configured, the target {@code <currentMemory>}, then what the balloon holds. Queued
     * before {@code cont}. Worker thread.
     */
    static AtStart setUpAtStart(QmpMonitor mon, DomainDef live) {
        DeviceDef b = BalloonStats.balloon(live);
        if (b == null) {
            return null;
        }
        int period = BalloonStats.period(b);
        if (period > 0) {
            mon.send("qom-set", periodArgs(period)); // libvirt ignores its failure
        }
        return new AtStart(mon.send("balloon", Map.of("value", live.currentMemoryKiB() * 1024)),
                mon.send("query-balloon", null));
    }

    /** Takes the answers of {@link #setUpAtStart}: the live {@code <currentMemory>} is what the balloon holds. */
    static void finishStart(QemuDomain d, QmpMonitor mon, AtStart s, DomainDef live) {
        if (s == null) {
            return;
        }
        mon.await(s.target(), "balloon", QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        long actual = BalloonStats.actualKiB(mon.await(s.actual(), "query-balloon", QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
        if (actual > 0) {
            synchronized (d) {
                live.setCurrentMemoryKiB(actual);
            }
        }
    }

    /**
     * QEMU's BALLOON_CHANGE {@code {actual: bytes}}: the live {@code <currentMemory>} follows it,
     * the status file keeps it, and clients get VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE in KiB
     * (libvirt's qemuProcessHandleBalloonChange). qemu-event thread.
     */
    static void onBalloonChange(QemuLifecycle life, QemuDomain d, Map<String, Object> data) {
        if (!(data.get("actual") instanceof Long bytes)) {
            return;
        }
        long kib = bytes / 1024;
        DomainRef ref;
        synchronized (d) {
            if (d.liveDef == null) {
                return;
            }
            d.liveDef.setCurrentMemoryKiB(kib);
            ref = d.ref();
        }
        life.events.post(new DomainEvent.BalloonChange(ref, kib));
        life.events.dispatch();
        life.saveStatus(d);
    }
}
