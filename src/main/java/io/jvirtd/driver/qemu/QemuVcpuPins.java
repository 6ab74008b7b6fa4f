package io.jvirtd.driver.qemu;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.CpuSet;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.PinInfo;
import io.jvirtd.model.event.DomainEvent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;

/**
 * vCPU and emulator pinning backed by the QEMU process's real thread affinity, as libvirt 9.0's
 * QEMU driver does on a host where it uses no cpuset cgroup: {@code sched_setaffinity} on the
 * vCPU thread ids QMP's {@code query-cpus-fast} names (vcpupin) and on QEMU's main thread
 * (emulatorpin; its other threads keep theirs, as with libvirtd), the pins kept in
 * {@code <cputune>} of the live and/or persistent definition, a TUNABLE event for a live change,
 * and the pins of a definition applied when it starts. Java has no affinity call, so this runs
 * util-linux's {@code taskset -p -c LIST TID} (no JNI library needed for one system call per pin).
 *
 * <p>Worker threads; a change holds the domain's job; the definitions change under the domain's
 * monitor, the taskset and QMP calls run with no lock held.
 */
final class QemuVcpuPins {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    static final int AFFECT_LIVE = 1;
    static final int AFFECT_CONFIG = 2;
    private static final long TASKSET_TIMEOUT_SECONDS = 10;

    private final QemuLifecycle life;

    QemuVcpuPins(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainPinVcpuFlags. */
    void pinVcpu(DomainRef dom, int vcpu, byte[] cpumap, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU, "qemuDomainPinVcpuFlags");
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef[] defs = defs(d, flags);
            DomainDef live = defs[0];
            DomainDef config = defs[1];
            if (config != null && (vcpu < 0 || vcpu >= config.vcpusCurrent())) {
                throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                        "vcpu %d is out of range of persistent cpu count %d", vcpu, config.vcpusCurrent());
            }
            BitSet set = BitSet.valueOf(cpumap);
            if (set.isEmpty()) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "Empty cpu list for pinning");
            }
            String list = CpuSet.format(set);
            if (live != null) {
                if (vcpu < 0 || vcpu >= live.vcpusMax()) {
                    throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.QEMU,
                            "vcpu %d is out of range of live cpu count %d", vcpu, live.vcpusMax());
                }
                QemuCgroupTuning.pinCpuset(d, "vcpu" + vcpu, list);
                setAffinity(vcpuThread(d, vcpu), list);
                synchronized (d) {
                    live.setVcpuPin(vcpu, list);
                }
                life.saveStatus(d);
                life.events.raise(new DomainEvent.Tunable(d.ref(),
                        List.of(TypedParameter.ofString("cputune.vcpupin" + vcpu, list))));
            }
            if (config != null) {
                life.editPersistent(d, def -> def.setVcpuPin(vcpu, list));
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainPinEmulator. */
    void pinEmulator(DomainRef dom, byte[] cpumap, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU, "qemuDomainPinEmulator");
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            DomainDef[] defs = defs(d, flags);
            BitSet set = BitSet.valueOf(cpumap);
            if (set.isEmpty()) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "Empty cpu list for pinning");
            }
            String list = CpuSet.format(set);
            if (defs[0] != null) {
                long pid;
                synchronized (d) {
                    pid = d.pid;
                }
                QemuCgroupTuning.pinCpuset(d, "emulator", list);
                setAffinity(pid, list);
                synchronized (d) {
                    defs[0].setEmulatorPin(list);
                }
                life.saveStatus(d);
                life.events.raise(new DomainEvent.Tunable(d.ref(),
                        List.of(TypedParameter.ofString("cputune.emulatorpin", list))));
            }
            if (defs[1] != null) {
                life.editPersistent(d, def -> def.setEmulatorPin(list));
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainGetVcpuPinInfo: one map per vCPU of the chosen definition; unpinned ones show every host CPU. */
    PinInfo vcpuPinInfo(DomainRef dom, int ncpumaps, int maplen, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU, "qemuDomainGetVcpuPinInfo");
        QemuDomain d = life.domains.get(dom);
        BitSet host = hostCpus();
        synchronized (d) {
            DomainDef def = oneDef(d, flags);
            int n = Math.min(def.vcpusMax(), ncpumaps);
            byte[] maps = new byte[Math.max(0, n * maplen)];
            for (int i = 0; i < n; i++) {
                String pin = def.vcpuPin(i);
                BitSet bits = pin != null ? CpuSet.parse(pin, "cpuset") : host;
                byte[] raw = bits.toByteArray();
                System.arraycopy(raw, 0, maps, i * maplen, Math.min(raw.length, maplen));
            }
            return new PinInfo(n, maps);
        }
    }

    /** qemuDomainGetEmulatorPinInfo. */
    PinInfo emulatorPinInfo(DomainRef dom, int maplen, int flags) {
        VirException.checkFlags(flags, AFFECT_LIVE | AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainGetEmulatorPinInfo");
        QemuDomain d = life.domains.get(dom);
        BitSet host = hostCpus();
        String pin;
        synchronized (d) {
            pin = oneDef(d, flags).emulatorPin();
        }
        BitSet bits = pin != null ? CpuSet.parse(pin, "cpuset") : host;
        byte[] out = new byte[Math.max(0, maplen)];
        byte[] raw = bits.toByteArray();
        System.arraycopy(raw, 0, out, 0, Math.min(raw.length, out.length));
        return new PinInfo(1, out);
    }

    /**
     * qemuProcessSetupVcpus / qemuProcessSetupEmulator: the pins of a definition that starts,
     * on its threads. Worker thread, right after QEMU is up.
     */
    static void applyAtStart(DomainDef live, long pid, QmpMonitor mon) {
        SortedMap<Integer, String> pins = live.vcpuPins();
        String emulator = live.emulatorPin();
        if (emulator != null) {
            // libvirt pins the process before QEMU's threads exist, so all of them inherit it
            setAffinity(pid, emulator, true);
        }
        if (pins.isEmpty()) {
            return;
        }
        List<Long> threads = threads(mon);
        for (Map.Entry<Integer, String> p : pins.entrySet()) {
            if (p.getKey() < threads.size()) {
                setAffinity(threads.get(p.getKey()), p.getValue());
            }
        }
    }

    /** The thread id of vCPU {@code vcpu} (query-cpus-fast, as libvirt reads it at start). */
    private static long vcpuThread(QemuDomain d, int vcpu) {
        QmpMonitor mon;
        synchronized (d) {
            mon = d.monitor;
        }
        if (mon == null) {
            throw QemuLifecycle.notRunning();
        }
        List<Long> threads = threads(mon);
        if (vcpu >= threads.size()) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU, "cpu affinity is not supported");
        }
        return threads.get(vcpu);
    }

    /** query-cpus-fast's thread ids, by cpu-index. */
    static List<Long> threads(QmpMonitor mon) {
        Object r = mon.execute("query-cpus-fast", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        List<Long> out = new ArrayList<>();
        if (r instanceof List<?> cpus) {
            for (Object o : cpus) {
                if (o instanceof Map<?, ?> cpu && cpu.get("cpu-index") instanceof Number i
                        && cpu.get("thread-id") instanceof Number t) {
                    while (out.size() <= i.intValue()) {
                        out.add(-1L);
                    }
                    out.set(i.intValue(), t.longValue());
                }
            }
        }
        return out;
    }

    /** virProcessSetAffinity through {@code taskset} on one thread; libvirt's error when it fails. */
    static void setAffinity(long tid, String cpus) {
        setAffinity(tid, cpus, false);
    }

    /** @param allThreads every thread of process {@code tid} ({@code taskset -a}) */
    static void setAffinity(long tid, String cpus, boolean allThreads) {
        String why;
        try {
            List<String> cmd = new ArrayList<>(List.of("taskset", "-p", "-c", cpus, Long.toString(tid)));
            if (allThreads) {
                cmd.add(1, "-a");
            }
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor(TASKSET_TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            p.destroyForcibly();
            why = new String(out, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            why = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        LOG.log(Level.DEBUG, "taskset on {0} failed: {1}", tid, why);
        throw VirException.systemError(VirErrorDomain.QEMU, 22, "cannot set CPU affinity on process " + tid,
                "Invalid argument");
    }

    /** virHostCPUGetAvailableCPUsBitmap: the host's online CPUs. */
    static BitSet hostCpus() {
        try {
            return CpuSet.parse(Files.readString(Path.of("/sys/devices/system/cpu/online")).strip(), "cpuset");
        } catch (IOException | RuntimeException e) {
            BitSet all = new BitSet();
            all.set(0, Runtime.getRuntime().availableProcessors());
            return all;
        }
    }

    /** virDomainObjGetDefs: {@code [live, persistent]}, each null when {@code flags} do not ask for it. */
    static DomainDef[] defs(QemuDomain d, int flags) {
        synchronized (d) {
            int f = AffectedDefs.impact(d, flags);
            return new DomainDef[] {(f & AFFECT_LIVE) != 0 ? d.liveDef : null,
                    (f & AFFECT_CONFIG) != 0 ? d.persistentDef : null};
        }
    }

    /** virDomainObjGetOneDefState. Caller holds d. */
    static DomainDef oneDef(QemuDomain d, int flags) {
        return AffectedDefs.oneDef(d, flags);
    }
}
