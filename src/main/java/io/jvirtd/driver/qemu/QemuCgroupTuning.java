package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainCpuStats;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What a guest's cgroup holds beyond its placement, as libvirt 9.0's QEMU driver sets and reads
 * it: the definition's {@code <cputune>} and {@code <memtune>} at start (qemuSetupCpuCgroup,
 * virDomainCgroupSetupVcpuBW, qemuSetupMemoryCgroup), CPU statistics from cpuacct
 * (qemuDomainGetCPUStats: virCgroupGetDomainTotalCpuStats and virCgroupGetPercpuStats).
 *
 * <p>Stateless; worker threads (file I/O), no lock held across it.
 */
final class QemuCgroupTuning {

    /** USER_HZ: cpuacct.stat counts clock ticks. */
    private static final long TICK_NANOS = 10_000_000L;

    private QemuCgroupTuning() {
    }

    private static QemuCgroup cgroupOf(QemuDomain d) {
        synchronized (d) {
            return d.cgroup;
        }
    }

    /** vCPU threads hot-plugged during a start get their sub-groups. */
    static void placeNewThreads(QemuDomain d, long pid) {
        QemuCgroup g = cgroupOf(d);
        if (g != null) {
            g.placeThreads(pid);
        }
    }

    /**
     * qemuDomainPinVcpuLive / qemuDomainPinEmulator with the cpuset controller: the pin as
     * {@code cpuset.cpus} of the thread's sub-group, before the thread's affinity. Nothing
     * without a cpuset group.
     */
    static void pinCpuset(QemuDomain d, String sub, String cpus) {
        QemuCgroup g = cgroupOf(d);
        if (g != null) {
            pinCpuset(g, sub, cpus);
        }
    }

    private static void pinCpuset(QemuCgroup g, String sub, String cpus) {
        if (g.has("cpuset") && Files.isDirectory(g.dir("cpuset", sub))) {
            g.set("cpuset", sub, "cpuset.cpus", cpus);
        }
    }

    /** A hot-plugged vCPU's thread into its {@code vcpuN} group, with the vCPU's pin and the definition's bandwidth. */
    static void placeVcpu(QemuDomain d, int vcpu, long tid) {
        QemuCgroup g = cgroupOf(d);
        if (g == null) {
            return;
        }
        String pin;
        long[] bw;
        synchronized (d) {
            DomainDef live = d.liveDef;
            if (live == null) {
                return;
            }
            pin = live.vcpuPin(vcpu);
            bw = new long[] {orZero(live.cputuneValue("period")), orZero(live.cputuneValue("quota"))};
        }
        String sub = "vcpu" + vcpu;
        g.makeThreadGroup(sub);
        if (pin != null) {
            pinCpuset(g, sub, pin);
        }
        if (g.has("cpu")) {
            bandwidth(g, sub, bw);
        }
        g.addThread(sub, Long.toString(tid));
    }

    /** An unplugged vCPU's {@code vcpuN} groups go (its thread is gone). */
    static void removeVcpu(QemuDomain d, int vcpu) {
        QemuCgroup g = cgroupOf(d);
        if (g != null) {
            g.removeSubGroup("vcpu" + vcpu);
        }
    }

    /** The definition's CPU and memory tunables on the new group; libvirt's error fails the start. */
    static void applyAtStart(QemuDomain d, DomainDef live) {
        QemuCgroup g = cgroupOf(d);
        Long shares;
        long[] vcpu;
        long[] emulator;
        long[] global;
        Long hard;
        Long soft;
        Long swap;
        Integer blkioWeight;
        synchronized (d) {
            shares = live.cputuneValue("shares");
            vcpu = new long[] {orZero(live.cputuneValue("period")), orZero(live.cputuneValue("quota"))};
            emulator = new long[] {orZero(live.cputuneValue("emulator_period")),
                    orZero(live.cputuneValue("emulator_quota"))};
            global = new long[] {orZero(live.cputuneValue("global_period")), orZero(live.cputuneValue("global_quota"))};
            hard = live.memtuneKiB("hard_limit");
            blkioWeight = live.blkioWeight();
            soft = live.memtuneKiB("soft_limit");
            swap = live.memtuneKiB("swap_hard_limit");
        }
        if ((vcpu[0] != 0 || vcpu[1] != 0 || emulator[0] != 0 || emulator[1] != 0 || global[0] != 0
                || global[1] != 0) && (g == null || !g.has("cpu"))) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "cgroup cpu is required for scheduler tuning");
        }
        if (g == null) {
            QemuNumatune.applyAtStart(null, live); // refused: jvirtd cannot bind memory without cpuset
            return; // qemuSetupCgroup without a cgroup: shares and memtune stay in the definition only
        }
        if (g.has("cpu")) {
            if (shares != null) {
                g.set("cpu", null, "cpu.shares", Long.toString(shares));
            }
            for (String sub : g.subGroups("cpu", "vcpu")) {
                bandwidth(g, sub, vcpu);
            }
            bandwidth(g, "emulator", emulator);
            bandwidth(g, null, global);
        }
        if ((hard != null || soft != null || swap != null) && !g.has("memory")) {
            throw VirException.of(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.QEMU,
                    "Memory cgroup is not available on this host");
        }
        if (g.has("memory")) {
            QemuMemtune.write(g, hard, soft, swap);
        }
        QemuBlkiotune.applyAtStart(g, blkioWeight);
        QemuNumatune.applyAtStart(g, live);
        for (var pin : live.vcpuPins().entrySet()) { // qemuProcessSetupPid: the pin as the group's CPUs too
            pinCpuset(g, "vcpu" + pin.getKey(), pin.getValue());
        }
        if (live.emulatorPin() != null) {
            pinCpuset(g, "emulator", live.emulatorPin());
        }
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    /** virCgroupSetupCpuPeriodQuota: the period first, then the quota; zero leaves a value as it is. */
    private static void bandwidth(QemuCgroup g, String sub, long[] periodQuota) {
        if (sub != null && !Files.isDirectory(g.dir("cpu", sub))) {
            return;
        }
        if (periodQuota[0] != 0) {
            g.set("cpu", sub, "cpu.cfs_period_us", Long.toString(periodQuota[0]));
        }
        if (periodQuota[1] != 0) {
            g.set("cpu", sub, "cpu.cfs_quota_us", Long.toString(periodQuota[1]));
        }
    }

    /** qemuDomainGetCPUStats. */
    static DomainCpuStats cpuStats(QemuDomain d, int nparams, int startCpu, int ncpus) {
        QemuCgroup g;
        int vcpus;
        synchronized (d) {
            if (d.liveDef == null) {
                throw QemuLifecycle.notRunning();
            }
            g = d.cgroup;
            vcpus = d.liveDef.vcpusCurrent();
        }
        if (g == null || !g.has("cpuacct")) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU, "cgroup CPUACCT controller is not mounted");
        }
        boolean vcpuGroups = vcpus > 0; // qemuDomainHasVcpuPids: QEMU's vCPU threads are known
        if (startCpu == -1) {
            return totalStats(g, nparams);
        }
        if (nparams == 0 && ncpus != 0) {
            return new DomainCpuStats(vcpuGroups ? 2 : 1, List.of());
        }
        BitSet present = present();
        int total = present.length();
        if (ncpus == 0) {
            return new DomainCpuStats(total, List.of());
        }
        if (startCpu >= total) {
            throw VirException.invalidArg(VirErrorDomain.CGROUP,
                    "start_cpu " + startCpu + " larger than maximum of " + (total - 1));
        }
        if (g.cpuacctV2()) { // cgroup2 has no per-CPU figures: libvirt's v2 backend has no such call
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.CGROUP,
                    "operation 'getCpuacctPercpuUsage' not supported for backend 'cgroup V2'");
        }
        int need = (int) Math.min(total, (long) startCpu + Integer.toUnsignedLong(ncpus));
        long[] percpu = perCpu(g.get("cpuacct", null, "cpuacct.usage_percpu"), present, need);
        long[] vcpuSum = null;
        if (vcpuGroups && nparams > 1) {
            vcpuSum = new long[need];
            for (int v = 0; v < vcpus; v++) {
                if (Files.isDirectory(g.dir("cpuacct", "vcpu" + v))) {
                    long[] one = perCpu(g.get("cpuacct", "vcpu" + v, "cpuacct.usage_percpu"), present, need);
                    for (int i = 0; i < need; i++) {
                        vcpuSum[i] += one[i];
                    }
                }
            }
        }
        List<TypedParameter> out = new ArrayList<>();
        for (int i = startCpu; i < need; i++) {
            out.add(TypedParameter.ofULLong("cpu_time", percpu[i]));
            if (vcpuSum != null) {
                out.add(TypedParameter.ofULLong("vcpu_time", vcpuSum[i]));
            }
        }
        return new DomainCpuStats(vcpuSum != null ? 2 : 1, out);
    }

    /** virCgroupGetDomainTotalCpuStats: cpu_time, user_time, system_time. */
    private static DomainCpuStats totalStats(QemuCgroup g, int nparams) {
        if (nparams == 0) {
            return new DomainCpuStats(3, List.of());
        }
        List<TypedParameter> out = new ArrayList<>();
        out.add(TypedParameter.ofULLong("cpu_time", usage(g)));
        if (nparams > 1) {
            long[] us = userSystem(g);
            out.add(TypedParameter.ofULLong("user_time", us[0]));
            if (nparams > 2) {
                out.add(TypedParameter.ofULLong("system_time", us[1]));
            }
        }
        return new DomainCpuStats(out.size(), out);
    }

    /** virCgroupGetCpuacctUsage: v1 cpuacct.usage, or cgroup2 cpu.stat's usage_usec, in nanoseconds. */
    static long usage(QemuCgroup g) {
        if (g.cpuacctV2()) {
            return v2Stat(g, "usage_usec") * 1000;
        }
        return g.getLong("cpuacct", null, "cpuacct.usage");
    }

    private static long v2Stat(QemuCgroup g, String key) {
        for (String line : g.get("cpuacct", null, "cpu.stat").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                return Long.parseLong(f[1]);
            }
        }
        throw VirException.internalError(VirErrorDomain.CGROUP, "cannot parse cpu usage stat");
    }

    /** virCgroupGetCpuacctStat: user and system time in nanoseconds (v1 cpuacct.stat ticks, or cgroup2 cpu.stat). */
    static long[] userSystem(QemuCgroup g) {
        if (g.cpuacctV2()) {
            return new long[] {v2Stat(g, "user_usec") * 1000, v2Stat(g, "system_usec") * 1000};
        }
        long user = -1;
        long system = -1;
        for (String line : g.get("cpuacct", null, "cpuacct.stat").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals("user")) {
                user = Long.parseLong(f[1]) * TICK_NANOS;
            } else if (f.length == 2 && f[0].equals("system")) {
                system = Long.parseLong(f[1]) * TICK_NANOS;
            }
        }
        if (user < 0 || system < 0) {
            throw VirException.internalError(VirErrorDomain.CGROUP, "Cannot parse cpuacct.stat");
        }
        return new long[] {user, system};
    }

    /** One figure per host CPU below {@code need}: the file's next number for a present CPU, 0 for an absent one. */
    private static long[] perCpu(String usage, BitSet present, int need) {
        String[] f = usage.isBlank() ? new String[0] : usage.trim().split("\\s+");
        long[] out = new long[need];
        int k = 0;
        for (int i = 0; i < need; i++) {
            if (!present.get(i)) {
                continue;
            }
            if (k >= f.length) {
                throw VirException.internalError(VirErrorDomain.CGROUP, "cpuacct parse error");
            }
            out[i] = Long.parseUnsignedLong(f[k++]);
        }
        return out;
    }

    /** virHostCPUGetPresentBitmap. */
    private static BitSet present() {
        try {
            return io.jvirtd.model.conf.CpuSet.parse(
                    Files.readString(java.nio.file.Path.of("/sys/devices/system/cpu/present")).strip(), "cpuset");
        } catch (java.io.IOException | RuntimeException e) {
            return QemuVcpuPins.hostCpus();
        }
    }
}
