package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.CpuSet;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.IoThreadInfo;
import io.jvirtd.model.event.DomainEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IOThreads of QEMU guests as libvirt 9.0's QEMU driver keeps them: one QEMU {@code iothread}
 * object {@code iothreadN} per {@code <iothreadids>} entry (on the command line, and live through
 * QMP {@code object-add} / {@code object-del}), their host threads found with
 * {@code query-iothreads} and pinned with {@code sched_setaffinity} (util-linux's taskset, as
 * {@link QemuVcpuPins}), the live affinity read back from the kernel, polling and thread-pool
 * values set with {@code qom-set}. {@code --config} changes go to {@code <iothreads>},
 * {@code <iothreadids>} and {@code <cputune><iothreadpin>} of the persistent definition.
 *
 * <p>Worker threads; a change holds the domain's job; the definitions change under the domain's
 * monitor, QMP and taskset run with no lock held.
 */
final class QemuIoThreads {

    static final String POLL_MAX_NS = "poll_max_ns";
    static final String POLL_GROW = "poll_grow";
    static final String POLL_SHRINK = "poll_shrink";
    static final String THREAD_POOL_MIN = "thread_pool_min";
    static final String THREAD_POOL_MAX = "thread_pool_max";
    private static final Map<String, TypedParameter.Type> PARAMS = Map.of(
            POLL_MAX_NS, TypedParameter.Type.ULLONG, POLL_GROW, TypedParameter.Type.UINT,
            POLL_SHRINK, TypedParameter.Type.UINT, THREAD_POOL_MIN, TypedParameter.Type.INT,
            THREAD_POOL_MAX, TypedParameter.Type.INT);
    private static final int AFFECT = QemuVcpuPins.AFFECT_LIVE | QemuVcpuPins.AFFECT_CONFIG;

    private final QemuLifecycle life;

    QemuIoThreads(QemuLifecycle life) {
        this.life = life;
    }

    /** The command line's {@code -object iothread} per iothread, in {@code <iothreadids>} order. */
    static void commandLine(List<String> a, DomainDef d) {
        for (int id : d.iothreadIds()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("qom-type", "iothread");
            o.put("id", "iothread" + id);
            int[] pool = d.iothreadPool(id);
            if (pool[0] >= 0) {
                o.put("thread-pool-min", pool[0]);
            }
            if (pool[1] >= 0) {
                o.put("thread-pool-max", pool[1]);
            }
            a.add("-object");
            a.add(QmpCodec.json(o));
        }
    }

    /** qemuProcessSetupIOThreads: each iothread thread on its pin (or all host CPUs). Right after QEMU is up. */
    static void applyAtStart(DomainDef live, QmpMonitor mon) {
        if (live.iothreadIds().isEmpty()) {
            return;
        }
        Map<Integer, Long> threads = threads(mon);
        for (int id : live.iothreadIds()) {
            Long tid = threads.get(id);
            if (tid != null) {
                QemuVcpuPins.setAffinity(tid, CpuSet.format(affinityFor(live, id)));
            }
        }
    }

    /** qemuDomainGetIOThreadInfo. */
    List<IoThreadInfo> info(DomainRef dom, int flags) {
        VirException.checkFlags(flags, AFFECT, VirErrorDomain.QEMU, "qemuDomainGetIOThreadInfo");
        QemuDomain d = life.domains.get(dom);
        DomainDef config;
        synchronized (d) {
            config = QemuVcpuPins.defs(d, flags)[1];
            if (config != null) {
                List<IoThreadInfo> out = new ArrayList<>();
                for (int id : config.iothreadIds()) {
                    out.add(new IoThreadInfo(id, data(affinityFor(config, id))));
                }
                return out;
            }
        }
        d.beginJob();
        try {
            QmpMonitor mon;
            long pid;
            synchronized (d) {
                mon = d.monitor;
                pid = d.pid;
            }
            if (mon == null) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "cannot list IOThreads for an inactive domain");
            }
            List<IoThreadInfo> out = new ArrayList<>();
            for (Map.Entry<Integer, Long> t : threads(mon).entrySet()) {
                out.add(new IoThreadInfo(t.getKey(), data(threadAffinity(pid, t.getValue()))));
            }
            return out;
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainAddIOThread. */
    void add(DomainRef dom, int iothreadId, int flags) {
        VirException.checkFlags(flags, AFFECT, VirErrorDomain.QEMU, "qemuDomainAddIOThread");
        checkId(iothreadId);
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef[] defs = QemuVcpuPins.defs(d, flags);
            if (defs[1] != null) {
                checkAbsent(d, defs[1], iothreadId);
            }
            if (defs[0] != null) {
                checkAbsent(d, defs[0], iothreadId);
                hotplugAdd(d, defs[0], iothreadId);
            }
            if (defs[1] != null) {
                life.editPersistent(d, def -> def.addIothread(iothreadId));
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainDelIOThread. */
    void delete(DomainRef dom, int iothreadId, int flags) {
        VirException.checkFlags(flags, AFFECT, VirErrorDomain.QEMU, "qemuDomainDelIOThread");
        checkId(iothreadId);
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef[] defs = QemuVcpuPins.defs(d, flags);
            if (defs[1] != null) {
                checkRemovable(d, defs[1], iothreadId);
            }
            if (defs[0] != null) {
                checkRemovable(d, defs[0], iothreadId);
                hotplugDelete(d, defs[0], iothreadId);
            }
            if (defs[1] != null) {
                life.editPersistent(d, def -> def.removeIothread(iothreadId));
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainPinIOThread. */
    void pin(DomainRef dom, int iothreadId, byte[] cpumap, int flags) {
        VirException.checkFlags(flags, AFFECT, VirErrorDomain.QEMU, "qemuDomainPinIOThread");
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef[] defs = QemuVcpuPins.defs(d, flags);
            BitSet set = BitSet.valueOf(cpumap);
            if (set.isEmpty()) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "Empty iothread cpumap list for pinning");
            }
            String list = CpuSet.format(set);
            String id = Integer.toUnsignedString(iothreadId);
            if (defs[0] != null) {
                if (!has(d, defs[0], iothreadId)) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU, "iothread " + iothreadId + " not found");
                }
                Long tid = threads(monitor(d)).get(iothreadId);
                if (tid == null) {
                    throw VirException.internalError(VirErrorDomain.QEMU,
                            "cannot find new IOThread '" + id + "' in QEMU monitor.");
                }
                QemuVcpuPins.setAffinity(tid, list);
                synchronized (d) {
                    defs[0].setIothreadPin(iothreadId, list);
                }
                life.saveStatus(d);
                life.events.raise(new DomainEvent.Tunable(d.ref(),
                        List.of(TypedParameter.ofString("cputune.iothreadpin" + id, list))));
            }
            if (defs[1] != null) {
                if (!has(d, defs[1], iothreadId)) {
                    throw VirException.invalidArg(VirErrorDomain.QEMU, "iothreadid " + iothreadId + " not found");
                }
                life.editPersistent(d, def -> def.setIothreadPin(iothreadId, list));
            }
        } finally {
            d.endJob();
        }
    }

    /** The values of one qemuDomainSetIOThreadParams call; null where not given. */
    record Params(Long pollMaxNs, Long pollGrow, Long pollShrink, Integer poolMin, Integer poolMax) {

        /** qemuDomainIOThreadParseParams. */
        static Params parse(List<TypedParameter> params) {
            TypedParamChecks.validate(params, PARAMS);
            Params p = new Params(unsigned(params, POLL_MAX_NS), unsigned(params, POLL_GROW),
                    unsigned(params, POLL_SHRINK), signed(params, THREAD_POOL_MIN), signed(params, THREAD_POOL_MAX));
            check(p.pollMaxNs, "poll-max-ns (%s) must be less than or equal to %d");
            check(p.pollGrow, "poll-grow (%s) must be less than or equal to %d");
            check(p.pollShrink, "poll-shrink (%s) must be less than or equal to %d");
            if (p.poolMin != null && p.poolMin < -1) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "thread_pool_min (%d) must be equal to or greater than -1", p.poolMin);
            }
            if (p.poolMax != null && (p.poolMax < -1 || p.poolMax == 0)) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "thread_pool_max (%d) must be a positive number or -1", p.poolMax);
            }
            return p;
        }

        boolean polling() {
            return pollMaxNs != null || pollGrow != null || pollShrink != null;
        }

        /** qemuDomainIOThreadValidate against the iothread's current pool {@code [min, max]}. */
        int[] validate(int[] pool, boolean live) {
            int min = pool[0];
            int max = pool[1];
            if (poolMin != null) {
                if (live && poolMin < 0) {
                    throw VirException.format(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.QEMU,
                            "thread_pool_min (%d) must be equal to or greater than 0 for live change", poolMin);
                }
                min = poolMin;
            }
            if (poolMax != null) {
                if (live && poolMax < 0) {
                    throw VirException.format(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.QEMU,
                            "thread_pool_max (%d) must be equal to or greater than 0 for live change", poolMax);
                }
                max = poolMax;
            }
            if (min > max) {
                throw VirException.format(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.QEMU,
                        "thread_pool_min (%d) can't be greater than thread_pool_max (%d)", min, max);
            }
            return new int[] {min, max};
        }

        private static Long unsigned(List<TypedParameter> params, String field) {
            for (TypedParameter t : params) {
                if (t.field().equals(field)) { // poll_max_ns is a ULLONG, poll_grow and poll_shrink UINTs
                    return t.type() == TypedParameter.Type.UINT ? Integer.toUnsignedLong(t.intValue()) : t.longValue();
                }
            }
            return null;
        }

        private static Integer signed(List<TypedParameter> params, String field) {
            for (TypedParameter t : params) {
                if (t.field().equals(field)) {
                    return t.intValue();
                }
            }
            return null;
        }

        private static void check(Long v, String message) {
            if (v != null && Long.compareUnsigned(v, Integer.MAX_VALUE) > 0) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU, message,
                        Long.toUnsignedString(v), Integer.MAX_VALUE);
            }
        }
    }

    /** qemuDomainSetIOThreadParams. */
    void setParams(DomainRef dom, int iothreadId, List<TypedParameter> params, int flags) {
        VirException.checkFlags(flags, AFFECT, VirErrorDomain.QEMU, "qemuDomainSetIOThreadParams");
        checkId(iothreadId);
        Params p = Params.parse(params);
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef[] defs = QemuVcpuPins.defs(d, flags);
            int[] configPool = null;
            if (defs[1] != null) {
                configPool = p.validate(pool(d, defs[1], iothreadId), false);
                if (p.polling()) {
                    throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                            "configuring persistent polling values is not supported");
                }
            }
            if (defs[0] != null) {
                int[] livePool = p.validate(pool(d, defs[0], iothreadId), true);
                qomSet(monitor(d), iothreadId, p);
                synchronized (d) {
                    defs[0].setIothreadPool(iothreadId, livePool[0], livePool[1]);
                }
                life.saveStatus(d);
            }
            if (configPool != null) {
                int[] set = configPool;
                life.editPersistent(d, def -> def.setIothreadPool(iothreadId, set[0], set[1]));
            }
        } finally {
            d.endJob();
        }
    }

    // ------------------------------------------------------------------ QMP

    /** qemuDomainHotplugAddIOThread: object-add, find its thread, set its affinity; undone on failure. */
    private void hotplugAdd(QemuDomain d, DomainDef live, int iothreadId) {
        QmpMonitor mon = monitor(d);
        String alias = "iothread" + Integer.toUnsignedString(iothreadId);
        int expected;
        synchronized (d) {
            expected = live.iothreadIds().size() + 1;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("qom-type", "iothread");
        args.put("id", alias);
        mon.execute("object-add", args, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        boolean added = false;
        try {
            Map<Integer, Long> threads = threads(mon);
            if (threads.size() != expected) {
                throw VirException.format(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                        "got wrong number of IOThread ids from QEMU monitor. got %d, wanted %d",
                        threads.size(), expected);
            }
            Long tid = threads.get(iothreadId);
            if (tid == null) {
                throw VirException.internalError(VirErrorDomain.QEMU,
                        "cannot find new IOThread '" + Integer.toUnsignedString(iothreadId) + "' in QEMU monitor.");
            }
            BitSet cpus;
            synchronized (d) {
                live.addIothread(iothreadId);
                cpus = affinityFor(live, iothreadId);
            }
            added = true;
            QemuVcpuPins.setAffinity(tid, CpuSet.format(cpus));
            life.saveStatus(d);
        } catch (VirException e) {
            if (added) {
                synchronized (d) {
                    live.removeIothread(iothreadId);
                }
            }
            try {
                mon.execute("object-del", Map.of("id", alias), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            } catch (VirException ignored) {
                // libvirt only warns when the cleanup fails
            }
            throw e;
        }
    }

    /** qemuDomainHotplugDelIOThread. */
    private void hotplugDelete(QemuDomain d, DomainDef live, int iothreadId) {
        QmpMonitor mon = monitor(d);
        int expected;
        synchronized (d) {
            expected = live.iothreadIds().size() - 1;
        }
        mon.execute("object-del", Map.of("id", "iothread" + Integer.toUnsignedString(iothreadId)),
                QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        int got = threads(mon).size();
        if (got != expected) {
            throw VirException.format(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                    "got wrong number of IOThread ids from QEMU monitor. got %d, wanted %d", got, expected);
        }
        synchronized (d) {
            live.removeIothread(iothreadId);
        }
        life.saveStatus(d);
    }

    /** qemuMonitorJSONSetIOThread: qom-set of each given value, the pool bounds in an order QEMU accepts. */
    private static void qomSet(QmpMonitor mon, int iothreadId, Params p) {
        String path = "/objects/iothread" + Integer.toUnsignedString(iothreadId);
        set(mon, path, "poll-max-ns", p.pollMaxNs);
        set(mon, path, "poll-grow", p.pollGrow);
        set(mon, path, "poll-shrink", p.pollShrink);
        boolean maxFirst = false;
        if (p.poolMin != null && p.poolMax != null) {
            Object cur = mon.execute("qom-get", Map.of("path", path, "property", "thread-pool-max"),
                    QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            maxFirst = cur instanceof Number n && n.longValue() < p.poolMin;
        }
        if (maxFirst) {
            set(mon, path, "thread-pool-max", p.poolMax == null ? null : p.poolMax.longValue());
            set(mon, path, "thread-pool-min", p.poolMin.longValue());
        } else {
            set(mon, path, "thread-pool-min", p.poolMin == null ? null : p.poolMin.longValue());
            set(mon, path, "thread-pool-max", p.poolMax == null ? null : p.poolMax.longValue());
        }
    }

    private static void set(QmpMonitor mon, String path, String property, Long value) {
        if (value != null) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("path", path);
            args.put("property", property);
            args.put("value", value);
            mon.execute("qom-set", args, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        }
    }

    /** qemuMonitorJSONGetIOThreads: libvirt's iothreads (ids {@code iothreadN}) to their thread ids, in QEMU's order. */
    static Map<Integer, Long> threads(QmpMonitor mon) {
        return parseThreads(mon.execute("query-iothreads", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
    }

    static Map<Integer, Long> parseThreads(Object answer) {
        Map<Integer, Long> out = new LinkedHashMap<>();
        if (answer instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> t && t.get("id") instanceof String id && id.startsWith("iothread")
                        && t.get("thread-id") instanceof Number tid) {
                    try {
                        out.put(Integer.parseUnsignedInt(id.substring("iothread".length())), tid.longValue());
                    } catch (NumberFormatException e) {
                        throw VirException.internalError(VirErrorDomain.QEMU,
                                "failed to find iothread id for '" + id + "'");
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private static QmpMonitor monitor(QemuDomain d) {
        synchronized (d) {
            if (d.monitor == null) {
                throw QemuLifecycle.notRunning();
            }
            return d.monitor;
        }
    }

    /** The CPUs an iothread runs on by its definition: its pin, else {@code <vcpu cpuset>}, else every host CPU. */
    static BitSet affinityFor(DomainDef def, int iothreadId) {
        String pin = def.iothreadPin(iothreadId);
        if (pin == null) {
            pin = def.vcpuCpuset();
        }
        return pin != null ? CpuSet.parse(pin, "cpuset") : QemuVcpuPins.hostCpus();
    }

    /** virProcessGetAffinity: the kernel's Cpus_allowed_list of one thread. */
    private static BitSet threadAffinity(long pid, long tid) {
        Path status = Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return CpuSet.parse(line.substring("Cpus_allowed_list:".length()).strip(), "cpuset");
                }
            }
        } catch (IOException e) {
            // the thread ended between the query and the read
        }
        throw VirException.systemError(VirErrorDomain.QEMU, 3, "cannot get CPU affinity of process " + tid,
                "No such process");
    }

    private static byte[] data(BitSet set) {
        byte[] raw = set.toByteArray();
        return raw.length == 0 ? new byte[1] : raw;
    }

    private static void checkId(int iothreadId) {
        if (iothreadId == 0) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "invalid value of 0 for iothread_id");
        }
    }

    private static boolean has(QemuDomain d, DomainDef def, int iothreadId) {
        synchronized (d) {
            return def.iothreadIds().contains(iothreadId);
        }
    }

    private static int[] pool(QemuDomain d, DomainDef def, int iothreadId) {
        int[] pool;
        synchronized (d) {
            pool = def.iothreadPool(iothreadId);
        }
        if (pool == null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU,
                    "cannot find IOThread '" + Integer.toUnsignedString(iothreadId) + "' in iothreadids");
        }
        return pool;
    }

    /** virDomainDriverAddIOThreadCheck. */
    private static void checkAbsent(QemuDomain d, DomainDef def, int iothreadId) {
        synchronized (d) {
            def.checkIothreadAddable(iothreadId);
        }
    }

    /** virDomainDriverDelIOThreadCheck. */
    private static void checkRemovable(QemuDomain d, DomainDef def, int iothreadId) {
        synchronized (d) {
            def.checkIothreadRemovable(iothreadId);
        }
    }
}
