package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainListFilter;
import io.jvirtd.model.domain.DomainMemoryStat;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.DomainStatsRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * virConnectGetAllDomainStats and virDomainListGetStats for QEMU guests, with libvirt's groups,
 * field names and typed-parameter types (qemuDomainGetStats*): state, cpu-total, balloon, vcpu,
 * interface, block. What needs QEMU (the balloon's guest statistics, block counters and sizes)
 * is asked of every guest at once, without command ids ({@link QmpMonitor#sendUnnumbered}: QEMU
 * pays per byte it reads): all commands are sent first, their answers complete on the
 * event loop, and the calling worker waits once for all of them under one deadline
 * ({@value #ANSWER_DEADLINE_MILLIS} ms); a guest that has not answered by then gets its record
 * without those figures, as libvirt leaves out what its monitor could not give.
 * CPU figures come from {@code /proc} ({@link ProcTasks}), with no QMP.
 *
 * <p>Threads: worker threads; each domain's fields are read under its lock, then released
 * before any QMP or {@code /proc} work. Holds no state.
 */
final class QemuStats {

    static final int STATE = 1;
    static final int CPU_TOTAL = 1 << 1;
    static final int BALLOON = 1 << 2;
    static final int VCPU = 1 << 3;
    static final int INTERFACE = 1 << 4;
    static final int BLOCK = 1 << 5;
    static final int PERF = 1 << 6;
    static final int IOTHREAD = 1 << 7;
    static final int MEMORY = 1 << 8;
    static final int DIRTYRATE = 1 << 9;
    static final int VM = 1 << 10;
    /**
     * The groups libvirt 9.0 answers with QEMU 7.2. Perf, memory and vm give no fields
     * for this driver's guests (no perf events or resctrl monitors, and QEMU's
     * query-stats has no provider under TCG), as libvirtd gives none for the same guests.
     */
    static final int SUPPORTED = STATE | CPU_TOTAL | BALLOON | VCPU | INTERFACE | BLOCK | PERF | IOTHREAD | MEMORY
            | DIRTYRATE | VM;

    static final int NOWAIT = 1 << 29;
    static final int BACKING = 1 << 30;
    static final int ENFORCE = 1 << 31;

    static final long ANSWER_DEADLINE_MILLIS = 10_000;

    private final QemuLifecycle life;

    QemuStats(QemuLifecycle life) {
        this.life = life;
    }

    /**
     * A domain as read under its lock: what its stats are made of. Only the figures the groups
     * need and copies of the disks, not a copy of the whole definition: a monitoring agent asks
     * this of every guest every few seconds.
     */
    private record Target(QemuDomain d, DomainRef ref, DomainState state, int reason, boolean active, long pid,
                          QmpMonitor mon, boolean balloon, long memoryKiB, long currentMemoryKiB, int vcpusCurrent,
                          int vcpusMax, int interfaces, List<DeviceDef> disks, Map<Integer, Long> vcpuThreads,
                          QemuCgroup cgroup, boolean iothreads) {
    }

    /** A domain's questions to QEMU, in flight. */
    private record Asked(Target t, QemuMemory.Query memory, CompletableFuture<Object> blockstats,
                         CompletableFuture<Object> nodes, CompletableFuture<Object> dirtyRate,
                         CompletableFuture<Object> iothreads) {
    }

    List<DomainStatsRecord> all(List<DomainRef> doms, int stats, int flags) {
        int filters = DomainListFilter.ACTIVE_PERSISTENT_STATE;
        VirException.checkFlags(flags, filters | NOWAIT | BACKING | ENFORCE, VirErrorDomain.QEMU,
                "qemuConnectGetAllDomainStats");
        int want = stats;
        if (want == 0) {
            want = SUPPORTED;
        } else if ((flags & ENFORCE) != 0 && (want & ~SUPPORTED) != 0) {
            throw VirException.format(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Stats types bits 0x%x are not supported by this daemon or QEMU", want & ~SUPPORTED);
        } else {
            want &= SUPPORTED;
        }
        List<QemuDomain> domains = new ArrayList<>();
        if (doms.isEmpty()) {
            domains.addAll(life.domains.all());
        } else {
            for (DomainRef r : doms) { // libvirt skips the ones that went away
                QemuDomain d = life.domains.byUuidOrNull(r.uuid());
                if (d != null) {
                    domains.add(d);
                }
            }
        }
        List<Asked> asked = new ArrayList<>();
        for (QemuDomain d : domains) {
            Target t = target(d, flags & filters);
            if (t != null) {
                asked.add(ask(t, want));
            }
        }
        awaitAll(asked, System.nanoTime() + ANSWER_DEADLINE_MILLIS * 1_000_000L);
        List<DomainStatsRecord> out = new ArrayList<>(asked.size());
        for (Asked a : asked) {
            out.add(new DomainStatsRecord(a.t().ref(), params(a, want)));
        }
        return out;
    }

    private static Target target(QemuDomain d, int listFlags) {
        synchronized (d) {
            DomainDef def = d.def();
            if (def == null) {
                return null;
            }
            DomainListFilter.Facts facts = new DomainListFilter.Facts(d.liveDef != null, d.persistentDef != null,
                    d.state, false, d.autostart, 0, 0);
            if (!DomainListFilter.matches(facts, listFlags)) {
                return null;
            }
            boolean active = d.liveDef != null;
            List<DeviceDef> disks = new ArrayList<>();
            for (DeviceDef disk : def.disks()) {
                disks.add(disk.copy());
            }
            return new Target(d, d.ref(), d.state, d.reason, active, d.pid, active ? d.monitor : null,
                    BalloonStats.balloon(def) != null, def.memoryKiB(), def.currentMemoryKiB(), def.vcpusCurrent(),
                    def.vcpusMax(), def.interfaces().size(), disks, d.vcpuThreadsPid == d.pid ? d.vcpuThreads : null,
                    active ? d.cgroup : null, !def.iothreadIds().isEmpty());
        }
    }

    /** Sends what {@code want} needs of QEMU; nothing for an inactive domain. */
    private static Asked ask(Target t, int want) {
        QemuMemory.Query memory = null;
        CompletableFuture<Object> blockstats = null;
        CompletableFuture<Object> nodes = null;
        CompletableFuture<Object> dirtyRate = null;
        CompletableFuture<Object> iothreads = null;
        if (t.mon() != null) {
            if ((want & IOTHREAD) != 0 && t.iothreads()) { // libvirt asks always; no iothreads, no fields
                iothreads = t.mon().sendUnnumbered("query-iothreads", null);
            }
            if ((want & DIRTYRATE) != 0) {
                dirtyRate = t.mon().sendUnnumbered("query-dirty-rate", null);
            }
            if ((want & BALLOON) != 0 && t.balloon()) {
                // query-balloon gives only ACTUAL_BALLOON, which has no domstats field
                memory = QemuMemory.Query.sendGuestStats(t.mon());
            }
            if ((want & BLOCK) != 0 && !t.disks().isEmpty()) {
                blockstats = t.mon().sendUnnumbered("query-blockstats", null);
                nodes = t.mon().sendUnnumbered("query-named-block-nodes", Map.of("flat", true));
            }
        }
        return new Asked(t, memory, blockstats, nodes, dirtyRate, iothreads);
    }

    /** One wait for every answer; what is late is cancelled (its reply, if any, is dropped). */
    private static void awaitAll(List<Asked> asked, long deadlineNanos) {
        List<CompletableFuture<Object>> all = new ArrayList<>();
        for (Asked a : asked) {
            if (a.memory() != null) {
                all.add(a.memory().guestStats());
            }
            if (a.blockstats() != null) {
                all.add(a.blockstats());
                all.add(a.nodes());
            }
            if (a.dirtyRate() != null) {
                all.add(a.dirtyRate());
            }
            if (a.iothreads() != null) {
                all.add(a.iothreads());
            }
        }
        if (all.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            all.forEach(f -> f.cancel(false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            all.forEach(f -> f.cancel(false));
        } catch (Exception e) {
            // some failed: their figures are left out
        }
    }

    private static List<TypedParameter> params(Asked a, int want) {
        Target t = a.t();
        List<TypedParameter> p = new ArrayList<>();
        if ((want & STATE) != 0) {
            p.add(TypedParameter.ofInt("state.state", t.state().number()));
            p.add(TypedParameter.ofInt("state.reason", t.reason()));
        }
        if ((want & CPU_TOTAL) != 0) {
            cpu(p, t);
        }
        if ((want & BALLOON) != 0) {
            balloon(p, a);
        }
        if ((want & VCPU) != 0) {
            vcpus(p, t);
        }
        if ((want & INTERFACE) != 0 && t.active()) {
            p.add(TypedParameter.ofUInt("net.count", t.interfaces()));
            // user-mode interfaces have no host device (no ifname): libvirt gives no more
        }
        if ((want & BLOCK) != 0) {
            block(p, a);
        }
        if ((want & IOTHREAD) != 0 && t.active()) {
            iothreads(p, answer(a.iothreads()));
        }
        if ((want & DIRTYRATE) != 0 && t.active()) {
            dirtyRate(p, answer(a.dirtyRate()));
        }
        return p;
    }

    private static void cpu(List<TypedParameter> p, Target t) {
        if (t.cgroup() != null) {
            cpuFromCgroup(p, t);
            return;
        }
        // libvirtd reads /proc for its pid 0 when the domain is shut off, and so reports its
        // own CPU times: clients see the daemon's there, so they do here too
        ProcTasks.TaskStat s = ProcTasks.process(t.active() ? t.pid() : ProcessHandle.current().pid());
        if (s != null) {
            p.add(TypedParameter.ofULLong("cpu.time", s.cpuNanos()));
            p.add(TypedParameter.ofULLong("cpu.user", s.userNanos()));
            p.add(TypedParameter.ofULLong("cpu.system", s.systemNanos()));
        }
        if (t.active()) {
            p.add(TypedParameter.ofUInt("cpu.cache.monitor.count", 0)); // no resctrl monitors
            // QEMU's query-stats has no KVM provider under TCG: no halt polling, libvirt's zeros
            p.add(TypedParameter.ofULLong("cpu.haltpoll.success.time", 0));
            p.add(TypedParameter.ofULLong("cpu.haltpoll.fail.time", 0));
        }
    }

    /** qemuDomainGetStatsCpuCgroup: the group's cpuacct figures, each left out when unreadable. */
    private static void cpuFromCgroup(List<TypedParameter> p, Target t) {
        QemuCgroup g = t.cgroup();
        if (g.has("cpuacct")) {
            try {
                p.add(TypedParameter.ofULLong("cpu.time", QemuCgroupTuning.usage(g)));
            } catch (RuntimeException e) {
                // libvirt leaves the figure out
            }
            try {
                long[] us = QemuCgroupTuning.userSystem(g);
                p.add(TypedParameter.ofULLong("cpu.user", us[0]));
                p.add(TypedParameter.ofULLong("cpu.system", us[1]));
            } catch (RuntimeException e) {
                // as above
            }
        }
        p.add(TypedParameter.ofUInt("cpu.cache.monitor.count", 0));
        p.add(TypedParameter.ofULLong("cpu.haltpoll.success.time", 0));
        p.add(TypedParameter.ofULLong("cpu.haltpoll.fail.time", 0));
    }

    /** query-iothreads' answer as libvirt's iothread group: the count, each thread's polling values. */
    static void iothreads(List<TypedParameter> p, Object answer) {
        if (!(answer instanceof List<?> list)) {
            return;
        }
        List<TypedParameter> per = new ArrayList<>();
        int count = 0;
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> t) || !(t.get("id") instanceof String id) || !id.startsWith("iothread")) {
                continue;
            }
            count++;
            if (t.get("poll-max-ns") instanceof Number max && t.get("poll-grow") instanceof Number grow
                    && t.get("poll-shrink") instanceof Number shrink) {
                String prefix = "iothread." + id.substring("iothread".length()) + ".";
                per.add(TypedParameter.ofULLong(prefix + "poll-max-ns", max.longValue()));
                per.add(TypedParameter.ofUInt(prefix + "poll-grow", grow.intValue()));
                per.add(TypedParameter.ofUInt(prefix + "poll-shrink", shrink.intValue()));
            }
        }
        if (count > 0) {
            p.add(TypedParameter.ofUInt("iothread.count", count));
            p.addAll(per);
        }
    }

    /** query-dirty-rate's answer as libvirt's dirtyrate group (nothing when unanswered). */
    static void dirtyRate(List<TypedParameter> p, Object answer) {
        if (!(answer instanceof Map<?, ?> m)) {
            return;
        }
        int status = switch (String.valueOf(m.get("status"))) {
            case "measuring" -> 1;
            case "measured" -> 2;
            default -> 0;
        };
        p.add(TypedParameter.ofInt("dirtyrate.calc_status", status));
        p.add(TypedParameter.ofLLong("dirtyrate.calc_start_time", m.get("start-time") instanceof Long l ? l : 0));
        p.add(TypedParameter.ofInt("dirtyrate.calc_period", m.get("calc-time") instanceof Long l ? l.intValue() : 0));
        p.add(TypedParameter.ofString("dirtyrate.calc_mode",
                m.get("mode") instanceof String mode ? mode : "page-sampling"));
        if (status == 2) {
            p.add(TypedParameter.ofLLong("dirtyrate.megabytes_per_second",
                    m.get("dirty-rate") instanceof Long l ? l : 0));
        }
    }

    /** libvirt's STORE_MEM_RECORD names by virDomainMemoryStatTags; ACTUAL_BALLOON has none. */
    static String balloonField(int tag) {
        return switch (tag) {
            case DomainMemoryStat.SWAP_IN -> "balloon.swap_in";
            case DomainMemoryStat.SWAP_OUT -> "balloon.swap_out";
            case DomainMemoryStat.MAJOR_FAULT -> "balloon.major_fault";
            case DomainMemoryStat.MINOR_FAULT -> "balloon.minor_fault";
            case DomainMemoryStat.UNUSED -> "balloon.unused";
            case DomainMemoryStat.AVAILABLE -> "balloon.available";
            case DomainMemoryStat.RSS -> "balloon.rss";
            case DomainMemoryStat.LAST_UPDATE -> "balloon.last-update";
            case DomainMemoryStat.USABLE -> "balloon.usable";
            case DomainMemoryStat.DISK_CACHES -> "balloon.disk_caches";
            case DomainMemoryStat.HUGETLB_PGALLOC -> "balloon.hugetlb_pgalloc";
            case DomainMemoryStat.HUGETLB_PGFAIL -> "balloon.hugetlb_pgfail";
            default -> null;
        };
    }

    private static void balloon(List<TypedParameter> p, Asked a) {
        Target t = a.t();
        p.add(TypedParameter.ofULLong("balloon.current", t.balloon() ? t.currentMemoryKiB() : t.memoryKiB()));
        p.add(TypedParameter.ofULLong("balloon.maximum", t.memoryKiB()));
        if (!t.active()) {
            return;
        }
        for (DomainMemoryStat s : QemuMemory.collect(a.memory(), t.pid(), Integer.MAX_VALUE)) {
            String field = balloonField(s.tag());
            if (field != null) {
                p.add(TypedParameter.ofULLong(field, s.value()));
            }
        }
    }

    private static void vcpus(List<TypedParameter> p, Target t) {
        int current = t.vcpusCurrent();
        p.add(TypedParameter.ofUInt("vcpu.current", current));
        p.add(TypedParameter.ofUInt("vcpu.maximum", t.vcpusMax()));
        if (!t.active()) {
            return; // libvirt: no vCPU threads, so no more (its error is dropped)
        }
        List<TypedParameter> per = t.vcpuThreads() == null ? null : perVcpu(t, t.vcpuThreads(), current);
        if (per == null) { // not looked up yet for this QEMU, or a thread went away: by name, once
            Map<Integer, Long> threads = ProcTasks.vcpuThreads(t.pid());
            synchronized (t.d()) {
                if (t.d().pid == t.pid()) {
                    t.d().vcpuThreads = threads;
                    t.d().vcpuThreadsPid = t.pid();
                }
            }
            per = perVcpu(t, threads, current);
        }
        if (per != null) {
            p.addAll(per);
        } // else as libvirt when a vCPU thread cannot be read: no per-vCPU fields at all
    }

    /** The per-vCPU fields from these thread ids; null when one is missing or cannot be read. */
    private static List<TypedParameter> perVcpu(Target t, Map<Integer, Long> threads, int current) {
        List<TypedParameter> per = new ArrayList<>();
        for (int i = 0; i < current; i++) {
            Long tid = threads.get(i);
            ProcTasks.TaskStat s = tid == null ? null : ProcTasks.thread(t.pid(), tid);
            if (s == null) {
                return null;
            }
            per.add(TypedParameter.ofInt("vcpu." + i + ".state", 1)); // VIR_VCPU_RUNNING
            per.add(TypedParameter.ofULLong("vcpu." + i + ".time", s.cpuNanos()));
            per.add(TypedParameter.ofULLong("vcpu." + i + ".wait", ProcTasks.waitNanos(t.pid(), tid)));
            per.add(TypedParameter.ofULLong("vcpu." + i + ".delay", ProcTasks.delayNanos(t.pid(), tid)));
        }
        return per;
    }

    private static void block(List<TypedParameter> p, Asked a) {
        Target t = a.t();
        List<DeviceDef> disks = t.disks();
        p.add(TypedParameter.ofUInt("block.count", disks.size()));
        BlockStatsAnswers answers = a.blockstats() == null ? null
                : BlockStatsAnswers.parse(answer(a.blockstats()), answer(a.nodes()));
        for (int i = 0; i < disks.size(); i++) {
            DeviceDef disk = disks.get(i);
            String prefix = "block." + i + ".";
            p.add(TypedParameter.ofString(prefix + "name", disk.diskTarget()));
            String path = DiskFiles.localPath(disk);
            if (path != null) {
                p.add(TypedParameter.ofString(prefix + "path", path));
            }
            if (!t.active()) {
                DiskFiles.Sizes s = DiskFiles.sizes(disk);
                if (s != null) {
                    if (s.capacity() > 0) {
                        p.add(TypedParameter.ofULLong(prefix + "capacity", s.capacity()));
                    }
                    if (s.physical() > 0) {
                        p.add(TypedParameter.ofULLong(prefix + "physical", s.physical()));
                    }
                }
                continue;
            }
            BlockStatsAnswers.Entry e = answers == null ? null : answers.forAlias(disk.alias());
            if (e == null) {
                continue; // libvirt: no figures QEMU did not give
            }
            if (e.nodeName() != null && e.nodeName().startsWith("libvirt-")) {
                String n = e.nodeName().substring("libvirt-".length());
                int dash = n.indexOf('-');
                try {
                    p.add(TypedParameter.ofUInt(prefix + "backingIndex", Integer.parseInt(n.substring(0, dash))));
                } catch (RuntimeException ex) {
                    // another naming: no index
                }
            }
            p.add(TypedParameter.ofULLong(prefix + "rd.reqs", Math.max(0, e.rdReq())));
            p.add(TypedParameter.ofULLong(prefix + "rd.bytes", Math.max(0, e.rdBytes())));
            p.add(TypedParameter.ofULLong(prefix + "rd.times", Math.max(0, e.rdTimes())));
            p.add(TypedParameter.ofULLong(prefix + "wr.reqs", Math.max(0, e.wrReq())));
            p.add(TypedParameter.ofULLong(prefix + "wr.bytes", Math.max(0, e.wrBytes())));
            p.add(TypedParameter.ofULLong(prefix + "wr.times", Math.max(0, e.wrTimes())));
            p.add(TypedParameter.ofULLong(prefix + "fl.reqs", Math.max(0, e.flReq())));
            p.add(TypedParameter.ofULLong(prefix + "fl.times", Math.max(0, e.flTimes())));
            p.add(TypedParameter.ofULLong(prefix + "allocation", Math.max(0, e.wrHighestOffset())));
            if (e.capacity() > 0) {
                p.add(TypedParameter.ofULLong(prefix + "capacity", e.capacity()));
            }
            long physical = e.physical() > 0 ? e.physical() : DiskFiles.fileSize(path);
            if (physical > 0) {
                p.add(TypedParameter.ofULLong(prefix + "physical", physical));
            }
            String storage = e.nodeName() != null && e.nodeName().endsWith("-format")
                    ? e.nodeName().substring(0, e.nodeName().length() - "format".length()) + "storage" : null;
            long threshold = storage == null ? 0 : answers.writeThreshold(storage);
            if (threshold != 0) { // qemuDomainGetStatsBlockExportBackendStorage
                p.add(TypedParameter.ofULLong(prefix + "threshold", threshold));
            }
        }
    }

    static Object answer(CompletableFuture<Object> f) {
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return null;
        }
        return f.join();
    }
}
