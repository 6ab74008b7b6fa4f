package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.CpuSet;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.VcpuState;
import io.jvirtd.model.domain.DomainRef;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * vCPU counts as libvirt 9.0's QEMU driver changes them: virDomainSetVcpusFlags (live hot-plug
 * through {@code query-hotpluggable-cpus} and {@code device_add}, unplug through
 * {@code device_del} and DEVICE_DELETED; {@code --config}; {@code --maximum}; {@code --guest}
 * answers the agent error), virDomainSetVcpu (one entity by number), the online hot-pluggable
 * vCPUs a definition asks for, added before the guest runs, and the definition rules of
 * qemuDomainDefVcpusPostParse. libvirt emits no event for any of these, and neither does this.
 *
 * <p>Which QEMU slot is which vCPU is asked of QEMU each time (libvirt's
 * qemuDomainRefreshVcpuInfo): the slots sorted by socket, die, core, thread are vCPUs 0..max-1;
 * a plugged one has a {@code qom-path}, and one under {@code /machine/peripheral/} was
 * device_add'ed and carries its alias ({@code vcpuN}), so nothing has to be remembered across
 * a daemon restart but the definition in the status file.
 *
 * <p>Worker threads; a change holds the domain's job; the definitions change under the domain's
 * monitor; QMP calls run with no lock held.
 */
final class QemuVcpuHotplug {

    static final int VCPU_MAXIMUM = 4;
    static final int VCPU_GUEST = 8;
    static final int VCPU_HOTPLUGGABLE = 16;
    private static final String PERIPHERAL = "/machine/peripheral/";
    private static final long QMP_MILLIS = QemuLifecycle.MONITOR_TIMEOUT_MILLIS;

    /** One hot-pluggable entity as QEMU lists it; {@code order} is its place among the running vCPUs (0: none). */
    record Slot(String type, Map<String, Object> props, String qomPath, String alias, long tid, int order) {
        boolean online() {
            return qomPath != null;
        }
    }

    private final QemuLifecycle life;
    private final QemuDeviceWaits waits;

    QemuVcpuHotplug(QemuLifecycle life, QemuDeviceWaits waits) {
        this.life = life;
        this.waits = waits;
    }

    // ================================================================== definition rules

    /** qemuValidateDomainDef's topology rule and qemuDomainDefVcpusPostParse: vCPU 0 first and fixed, fixed ones before pluggable ones, orders all or none. */
    static void checkDefinition(DomainDef d) {
        long topology = topologyCpus(d);
        if (topology > 0 && topology != d.vcpusMax()) { // qemuValidateDomainDef
            throw unsupported("CPU topology doesn't match maximum vcpu count");
        }
        List<VcpuState> v = d.vcpuStates();
        VcpuState first = v.get(0);
        if (!first.online()) {
            throw unsupported("vcpu 0 can't be offline");
        }
        if (first.hotpluggable()) {
            throw unsupported("vcpu0 can't be hotpluggable");
        }
        if (first.order() != 0 && first.order() != 1) {
            throw unsupported("vcpu0 must be enabled first");
        }
        boolean hasOrder = first.order() != 0;
        VcpuState prev = first;
        for (int i = 1; i < v.size(); i++) {
            VcpuState c = v.get(i);
            if (c.online() && (c.order() != 0) != hasOrder) {
                throw unsupported("all vcpus must have either set or unset order");
            }
            if (!c.hotpluggable()) {
                if (prev.hotpluggable()) {
                    throw unsupported("online non-hotpluggable vcpus need to be ordered prior to hotplugable vcpus");
                }
                if (prev.order() > c.order()) {
                    throw unsupported("online non-hotpluggable vcpus must be ordered in ascending order");
                }
            }
            prev = c;
        }
    }

    /** The {@code -smp} count: online vCPUs that are not hot-pluggable (qemuBuildSmpCommandLine). */
    static int bootVcpus(DomainDef d) {
        int n = 0;
        for (VcpuState v : d.vcpuStates()) {
            n += v.online() && !v.hotpluggable() ? 1 : 0;
        }
        return n;
    }

    /** Whether the definition has online hot-pluggable vCPUs, which are added before {@code cont}. */
    static boolean hasBootHotplug(DomainDef d) {
        return bootVcpus(d) != d.vcpusCurrent();
    }

    /**
     * qemuProcessSetupHotpluggableVcpus: device_add of the online hot-pluggable vCPUs in their
     * order, while QEMU is still stopped. Worker thread at start.
     */
    static void atStart(DomainDef live, QmpMonitor mon) {
        List<VcpuState> states = live.vcpuStates();
        List<Slot> slots = slots(mon, states.size());
        List<Integer> boot = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            if (states.get(i).online() && states.get(i).hotpluggable()) {
                boot.add(i);
            }
        }
        boot.sort(Comparator.comparingInt(i -> states.get(i).order()));
        for (int i : boot) {
            mon.execute("device_add", deviceProps(slots.get(i), i), QMP_MILLIS);
        }
    }

    // ================================================================== virDomainSetVcpusFlags

    /** qemuDomainSetVcpusFlags. */
    void setVcpus(DomainRef ref, int nvcpus, int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG | VCPU_MAXIMUM
                | VCPU_GUEST | VCPU_HOTPLUGGABLE, VirErrorDomain.QEMU, "qemuDomainSetVcpusFlags");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            AffectedDefs defs = AffectedDefs.resolve(d, flags);
            if ((flags & VCPU_GUEST) != 0) {
                throw QemuAgent.unavailable(d);
            }
            if ((flags & VCPU_MAXIMUM) != 0) {
                setMaximum(d, defs, nvcpus);
                return;
            }
            long n = Integer.toUnsignedLong(nvcpus);
            if (defs.live() != null && n > defs.live().vcpusMax()) {
                throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                        "requested vcpus is greater than max allowable vcpus for the live domain: %d > %d",
                        n, defs.live().vcpusMax());
            }
            if (defs.persistent() != null && n > defs.persistent().vcpusMax()) {
                throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                        "requested vcpus is greater than max allowable vcpus for the persistent domain: %d > %d",
                        n, defs.persistent().vcpusMax());
            }
            if (defs.live() != null) {
                setLiveCount(d, nvcpus);
            }
            if (defs.persistent() != null) {
                setConfigCount(defs.persistent(), nvcpus, (flags & VCPU_HOTPLUGGABLE) != 0);
                defs.savePersistent(life, d);
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainSetVcpusMax: the persistent maximum only. */
    private void setMaximum(QemuDomain d, AffectedDefs defs, int nvcpus) {
        if (defs.live() != null) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "maximum vcpu count of a live domain can't be modified");
        }
        DomainDef pers = defs.persistent();
        long topology = topologyCpus(pers);
        if (topology > 0 && topology != Integer.toUnsignedLong(nvcpus)) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "CPU topology doesn't match the desired vcpu count");
        }
        pers.setVcpuStates(withoutOrder(pers.vcpuStates()), pers.hasIndividualVcpus());
        pers.setVcpusMax(nvcpus);
        defs.savePersistent(life, d);
    }

    /** sockets × dies × cores × threads of {@code <cpu><topology>}, or 0 without one. */
    static long topologyCpus(DomainDef d) {
        int[] t = topology(d);
        return t == null ? 0 : (long) t[0] * t[1] * t[2] * t[3];
    }

    /** {@code <cpu><topology>} as sockets, dies, cores, threads, or null. */
    static int[] topology(DomainDef d) {
        var cpu = d.cpuNode();
        var topo = cpu == null ? null : cpu.child("topology");
        if (topo == null) {
            return null;
        }
        return new int[] {Integer.parseInt(topo.attr("sockets")), Integer.parseInt(topo.attr("dies")),
                Integer.parseInt(topo.attr("cores")), Integer.parseInt(topo.attr("threads"))};
    }

    /**
     * qemuDomainSelectHotplugVcpuEntities + qemuDomainSetVcpusLive: plug the lowest offline
     * vCPUs, or unplug the highest plugged ones, one entity at a time.
     */
    private void setLiveCount(QemuDomain d, int nvcpus) {
        QmpMonitor mon = monitor(d);
        List<VcpuState> states = liveStates(d);
        List<Slot> slots = slots(mon, states.size());
        int cur = count(states);
        BitSet pick = new BitSet();
        boolean enable = nvcpus > cur;
        if (enable) {
            for (int i = 0; i < states.size() && cur < nvcpus; i++) {
                if (!states.get(i).online()) {
                    cur++;
                    pick.set(i);
                }
            }
        } else {
            for (int i = states.size() - 1; i >= 0 && cur > nvcpus; i--) {
                if (states.get(i).online() && alias(states.get(i), slots.get(i), i) != null) {
                    cur--;
                    pick.set(i);
                }
            }
        }
        if (cur != nvcpus) {
            throw unsupported("failed to find appropriate hotpluggable vcpus to reach the desired target vcpu count");
        }
        setLive(d, mon, pick, enable, slots, states);
    }

    /**
     * The alias libvirt keeps for a vCPU: QEMU's (a device_add'ed one), or {@code vcpuN} for an
     * online hot-pluggable vCPU QEMU no longer lists (an unplug that timed out: libvirt's
     * refresh keeps the old alias then); null for the fixed ones.
     */
    private static String alias(VcpuState state, Slot slot, int vcpu) {
        if (slot.alias() != null) {
            return slot.alias();
        }
        return state.online() && state.hotpluggable() ? "vcpu" + vcpu : null;
    }

    /** qemuDomainSetVcpusLive: adds in ascending, removes in descending order. */
    private void setLive(QemuDomain d, QmpMonitor mon, BitSet pick, boolean enable, List<Slot> slots,
                         List<VcpuState> states) {
        if (enable) {
            for (int i = pick.nextSetBit(0); i >= 0; i = pick.nextSetBit(i + 1)) {
                add(d, mon, i, slots.get(i));
            }
        } else {
            for (int i = pick.length() - 1; i >= 0; i = pick.previousSetBit(i - 1)) {
                remove(d, mon, i, alias(states.get(i), slots.get(i), i));
            }
        }
    }

    /** qemuDomainSetVcpusConfig: cold-plug the lowest offline vCPUs or unplug the highest online ones. */
    static void setConfigCount(DomainDef def, int nvcpus, boolean hotpluggable) {
        List<VcpuState> v = withoutOrder(def.vcpuStates());
        boolean individual = def.hasIndividualVcpus();
        int cur = count(v);
        if (cur < nvcpus) {
            for (int i = 0; i < v.size() && cur < nvcpus; i++) {
                VcpuState s = v.get(i);
                if (s.online()) {
                    // fixed vCPUs stay first: once a pluggable one is online, the added ones are too
                    hotpluggable |= s.hotpluggable();
                    continue;
                }
                v.set(i, new VcpuState(true, hotpluggable, 0));
                individual |= hotpluggable;
                cur++;
            }
        } else {
            for (int i = v.size() - 1; i >= 0 && cur > nvcpus; i--) {
                if (v.get(i).online()) {
                    v.set(i, new VcpuState(false, true, 0));
                    cur--;
                }
            }
        }
        def.setVcpuStates(v, individual);
    }

    // ================================================================== virDomainSetVcpu

    /** qemuDomainSetVcpu: one hot-pluggable entity given by number, enabled or disabled. */
    void setVcpu(DomainRef ref, String cpumap, int state, int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetVcpu");
        if (state != 0 && state != 1) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "unsupported state value");
        }
        BitSet map = CpuSet.parseOrNull(cpumap, 4096); // QEMU_GUEST_VCPU_MAX_ID
        if (map == null) {
            throw VirException.invalidArg(VirErrorDomain.NONE, "Failed to parse bitmap '" + cpumap + "'");
        }
        int last = map.length() - 1;
        if (last < 0) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "no vcpus selected for modification");
        }
        boolean on = state == 1;
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            AffectedDefs defs = AffectedDefs.resolve(d, flags);
            DomainDef pers = defs.persistent();
            if (pers != null && last >= pers.vcpusMax()) {
                throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                        "vcpu %d is not present in persistent config", last);
            }
            if (defs.live() != null && last >= defs.live().vcpusMax()) {
                throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                        "vcpu %d is not present in live config", last);
            }
            QmpMonitor mon = null;
            List<Slot> slots = null;
            List<VcpuState> states = null;
            if (defs.live() != null) {
                mon = monitor(d);
                states = liveStates(d);
                slots = slots(mon, states.size());
                for (int i = map.nextSetBit(0); i >= 0; i = map.nextSetBit(i + 1)) {
                    if (states.get(i).online() == on) {
                        throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                                "vcpu '%d' is already in requested state", i);
                    }
                    // libvirt's "can't be hotunplugged" test reads the tristate as a boolean and
                    // never fires; a fixed vCPU fails below on its missing alias, as there
                }
                if (map.cardinality() != 1) {
                    throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                            "only one hotpluggable entity can be selected");
                }
            }
            if (pers != null) {
                validateConfig(pers, map);
            }
            if (mon != null) {
                setLive(d, mon, map, on, slots, states);
            }
            if (pers != null) {
                List<VcpuState> v = withoutOrder(pers.vcpuStates());
                for (int i = map.nextSetBit(0); i >= 0; i = map.nextSetBit(i + 1)) {
                    v.set(i, new VcpuState(on, true, 0));
                }
                pers.setVcpuStates(v, true);
                defs.savePersistent(life, d);
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainVcpuValidateConfig. */
    private static void validateConfig(DomainDef def, BitSet map) {
        if (map.get(0)) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "vCPU '0' can't be modified");
        }
        int first = map.nextSetBit(0);
        List<VcpuState> v = def.vcpuStates();
        for (int i = first + 1; i < v.size(); i++) {
            if (!map.get(i) && v.get(i).online() && !v.get(i).hotpluggable()) {
                throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                        "vcpu '%d' can't be modified as it is followed by non-hotpluggable online vcpus", first);
            }
        }
    }

    // ================================================================== plug and unplug

    /** qemuDomainHotplugAddVcpu. */
    private void add(QemuDomain d, QmpMonitor mon, int vcpu, Slot slot) {
        mon.execute("device_add", deviceProps(slot, vcpu), QMP_MILLIS);
        List<Slot> now = slots(mon, liveStates(d).size());
        Slot added = now.get(vcpu);
        if (added.tid() <= 0) {
            throw VirException.format(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                    "qemu didn't report thread id for vcpu '%d'", vcpu + 1);
        }
        String pin;
        synchronized (d) {
            pin = d.liveDef == null ? null : d.liveDef.vcpuPin(vcpu);
        }
        QemuCgroupTuning.placeVcpu(d, vcpu, added.tid()); // qemuProcessSetupVcpu: its group, pin and bandwidth
        if (pin != null) { // qemuProcessSetupVcpu: the new thread gets the vCPU's pin
            QemuVcpuPins.setAffinity(added.tid(), pin);
        }
        updateLive(d, now, vcpu, true);
    }

    /** qemuDomainHotplugDelVcpu: device_del, then DEVICE_DELETED within libvirt's 5 s or its timeout error. */
    private void remove(QemuDomain d, QmpMonitor mon, int vcpu, String alias) {
        if (alias == null) {
            throw VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "vcpu '%d' can't be unplugged", vcpu);
        }
        waits.expectDeleted(d, alias);
        try {
            mon.execute("device_del", Map.of("id", alias), QMP_MILLIS);
        } catch (VirException e) {
            if (!waits.cancelDeleted(d, alias)) {
                // qemuDomainDeleteDevice: QEMU's DeviceNotFound fails the call with no error set
                throw QemuHotplug.isDeviceNotFound(e) ? VirException.unknownCause() : e;
            }
        }
        if (!waits.awaitDeleted(d, alias, QemuHotplug.UNPLUG_TIMEOUT_MILLIS)) {
            throw VirException.of(VirErrorNumber.OPERATION_TIMEOUT, VirErrorDomain.QEMU,
                    "vcpu unplug request timed out. Unplug result must be manually inspected in the domain");
        }
        removed(d, mon, vcpu);
    }

    /** qemuDomainRemoveVcpu: QEMU let the vCPU go; it must have no thread any more. */
    private void removed(QemuDomain d, QmpMonitor mon, int vcpu) {
        List<Slot> now = slots(mon, liveStates(d).size());
        if (now.get(vcpu).tid() > 0) {
            throw VirException.format(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                    "qemu reported thread id for inactive vcpu '%d'", vcpu);
        }
        QemuCgroupTuning.removeVcpu(d, vcpu); // virCgroupDelThread
        updateLive(d, now, vcpu, false);
    }

    /**
     * qemuDomainRefreshVcpuInfo at reconnect: the vCPUs QEMU has now (each present one has a
     * thread), so an unplug QEMU finished while the daemon was away shows in vcpucount and the
     * live XML. Reattach, on the thread finishing it; the caller logs a failure and keeps the
     * status file's view.
     */
    void refreshAtReattach(QemuDomain d, QmpMonitor mon) {
        List<VcpuState> states = liveStates(d);
        if (states.stream().noneMatch(VcpuState::hotpluggable)) {
            return; // nothing can have come or gone
        }
        List<Slot> slots = slots(mon, states.size());
        boolean changed = false;
        synchronized (d) {
            if (d.liveDef == null) {
                return;
            }
            List<VcpuState> v = d.liveDef.vcpuStates();
            for (int i = 0; i < v.size() && i < slots.size(); i++) {
                boolean present = slots.get(i).tid() > 0;
                if (present != v.get(i).online()) {
                    v.set(i, new VcpuState(present, v.get(i).hotpluggable(), present ? slots.get(i).order() : 0));
                    changed = true;
                }
            }
            if (changed) {
                d.liveDef.setVcpuStates(v, true);
            }
        }
        if (changed) {
            life.saveStatus(d);
        }
    }

    /** Whether a DEVICE_DELETED alias names a vCPU ({@code vcpuN}). */
    static boolean isVcpuAlias(String alias) {
        return alias.matches("vcpu[0-9]+");
    }

    /**
     * qemuDomainRemoveVcpuAlias: a DEVICE_DELETED that came after the caller gave up waiting.
     * Job held by the caller; qemu-unplug thread.
     */
    void removedLate(QemuDomain d, String alias) {
        QmpMonitor mon;
        synchronized (d) {
            mon = d.monitor;
            if (d.liveDef == null || mon == null) {
                return;
            }
        }
        int vcpu = Integer.parseInt(alias.substring(4));
        if (vcpu < liveStates(d).size()) {
            removed(d, mon, vcpu);
        }
    }

    /**
     * The live definition after a plug or unplug: vCPU {@code vcpu} on or off, the orders of the
     * online ones as QEMU enabled them (qemuDomainVcpuPersistOrder), the {@code <vcpus>} list shown
     * from now on; saved in the status file.
     */
    private void updateLive(QemuDomain d, List<Slot> slots, int vcpu, boolean online) {
        synchronized (d) {
            if (d.liveDef == null) {
                return;
            }
            List<VcpuState> v = d.liveDef.vcpuStates();
            for (int i = 0; i < v.size(); i++) {
                boolean on = i == vcpu ? online : v.get(i).online();
                int order = on && i < slots.size() ? slots.get(i).order() : 0;
                v.set(i, new VcpuState(on, v.get(i).hotpluggable(), order));
            }
            d.liveDef.setVcpuStates(v, true);
        }
        life.saveStatus(d);
    }

    // ================================================================== QEMU's view

    /**
     * query-hotpluggable-cpus sorted as libvirt sorts it, with query-cpus-fast's thread ids and
     * the order in which the plugged ones were enabled.
     */
    static List<Slot> slots(QmpMonitor mon, int maxvcpus) {
        Object hp = mon.execute("query-hotpluggable-cpus", null, QMP_MILLIS);
        Object fast = mon.execute("query-cpus-fast", null, QMP_MILLIS);
        List<Map<?, ?>> entries = new ArrayList<>();
        if (hp instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m) {
                    entries.add(m);
                }
            }
        }
        entries.sort(Comparator.<Map<?, ?>>comparingLong(m -> prop(m, "socket-id"))
                .thenComparingLong(m -> prop(m, "die-id")).thenComparingLong(m -> prop(m, "core-id"))
                .thenComparingLong(m -> prop(m, "thread-id")));
        List<String> cpuPaths = new ArrayList<>();
        List<Long> tids = new ArrayList<>();
        if (fast instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && m.get("qom-path") instanceof String p) {
                    int t = p.indexOf("/thread");
                    cpuPaths.add(t >= 0 ? p.substring(0, t) : p);
                    tids.add(m.get("thread-id") instanceof Number n ? n.longValue() : 0L);
                }
            }
        }
        if (entries.size() != maxvcpus) {
            throw VirException.internalError(VirErrorDomain.QEMU, "qemu didn't report the expected hotpluggable cpus");
        }
        List<Slot> out = new ArrayList<>();
        for (Map<?, ?> m : entries) {
            String path = m.get("qom-path") instanceof String p ? p : null;
            String alias = path != null && path.startsWith(PERIPHERAL) ? path.substring(PERIPHERAL.length()) : null;
            int at = path == null ? -1 : cpuPaths.indexOf(path);
            Map<String, Object> props = new LinkedHashMap<>();
            if (m.get("props") instanceof Map<?, ?> p) {
                p.forEach((k, val) -> props.put(String.valueOf(k), val));
            }
            out.add(new Slot(String.valueOf(m.get("type")), props, path, alias, at < 0 ? 0 : tids.get(at), at + 1));
        }
        return out;
    }

    private static long prop(Map<?, ?> entry, String key) {
        return entry.get("props") instanceof Map<?, ?> p && p.get(key) instanceof Number n ? n.longValue() : -1;
    }

    /** qemuBuildHotpluggableCPUProps: driver and id first, then QEMU's props. */
    private static Map<String, Object> deviceProps(Slot slot, int vcpu) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("driver", slot.type());
        props.put("id", "vcpu" + vcpu);
        props.putAll(slot.props());
        return props;
    }

    private static List<VcpuState> liveStates(QemuDomain d) {
        synchronized (d) {
            if (d.liveDef == null) {
                throw QemuLifecycle.notRunning();
            }
            return d.liveDef.vcpuStates();
        }
    }

    private static QmpMonitor monitor(QemuDomain d) {
        synchronized (d) {
            if (d.monitor == null) {
                throw QemuLifecycle.notRunning();
            }
            return d.monitor;
        }
    }

    private static int count(List<VcpuState> v) {
        int n = 0;
        for (VcpuState s : v) {
            n += s.online() ? 1 : 0;
        }
        return n;
    }

    /** virDomainDefVcpuOrderClear. */
    private static List<VcpuState> withoutOrder(List<VcpuState> v) {
        List<VcpuState> out = new ArrayList<>();
        for (VcpuState s : v) {
            out.add(new VcpuState(s.online(), s.hotpluggable(), 0));
        }
        return out;
    }

    private static VirException unsupported(String msg) {
        return VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU, msg);
    }
}
