package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainVcpus;
import io.jvirtd.model.domain.VcpuInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * virDomainGetVcpus (vcpuinfo: each vCPU thread's CPU time, host CPU and affinity, from
 * {@code /proc}) and virDomainGetVcpusFlags (vcpucount), as libvirt's QEMU driver answers them
 * without a guest agent. Stateless; worker threads.
 */
final class QemuVcpuInfo {

    /** VIR_DOMAIN_VCPU_MAXIMUM, VIR_DOMAIN_VCPU_GUEST. */
    static final int VCPU_MAXIMUM = 4;
    static final int VCPU_GUEST = 8;

    private final QemuLifecycle life;

    QemuVcpuInfo(QemuLifecycle life) {
        this.life = life;
    }

    DomainVcpus vcpus(DomainRef ref, int maxinfo, int maplen) {
        QemuDomain d = life.domains.get(ref);
        long pid;
        int max;
        int current;
        synchronized (d) {
            if (d.liveDef == null) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU,
                        "cannot retrieve vcpu information for inactive domain");
            }
            pid = d.pid;
            max = d.liveDef.vcpusMax();
            current = d.liveDef.vcpusCurrent();
        }
        Map<Integer, Long> threads = ProcTasks.vcpuThreads(pid);
        if (threads.isEmpty()) {
            throw VirException.operationInvalid(VirErrorDomain.QEMU, "cpu affinity is not supported");
        }
        List<VcpuInfo> info = new ArrayList<>();
        byte[] maps = new byte[Math.max(0, maxinfo) * Math.max(0, maplen)];
        for (int i = 0; i < max && i < current && info.size() < maxinfo; i++) {
            Long tid = threads.get(i);
            ProcTasks.TaskStat s = tid == null ? null : ProcTasks.thread(pid, tid);
            if (s == null) {
                throw VirException.systemError(VirErrorDomain.QEMU, 2, "cannot get vCPU placement & pCPU time",
                        "No such file or directory");
            }
            if (maplen > 0) {
                affinity(pid, tid, maps, info.size() * maplen, maplen);
            }
            info.add(new VcpuInfo(i, VcpuInfo.STATE_RUNNING, s.cpuNanos(), s.cpu()));
        }
        return new DomainVcpus(info, maps);
    }

    /** The thread's allowed CPUs (its status' Cpus_allowed_list) as a CPU map at {@code off}. */
    private static void affinity(long pid, long tid, byte[] maps, int off, int maplen) {
        Path status = Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    setBits(line.substring(line.indexOf(':') + 1).trim(), maps, off, maplen);
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile: an empty map
        }
    }

    /** Sets the bits of a CPU list like {@code 0-3,6} in {@code maplen} bytes at {@code off}. */
    static void setBits(String list, byte[] maps, int off, int maplen) {
        for (int c : HostFacts.cpuList(list)) {
            if (c / 8 < maplen) {
                maps[off + c / 8] |= (byte) (1 << (c % 8));
            }
        }
    }

    /** virDomainGetVcpusFlags: the live or persistent count, current or maximum. */
    int vcpusFlags(DomainRef ref, int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG | VCPU_MAXIMUM
                | VCPU_GUEST, VirErrorDomain.QEMU, "qemuDomainGetVcpusFlags");
        QemuDomain d = life.domains.get(ref);
        if ((flags & VCPU_GUEST) != 0) {
            if (!d.isActive()) {
                throw VirException.invalidArg(VirErrorDomain.QEMU,
                        "vCPU count provided by the guest agent can only be requested for live domains");
            }
            throw QemuAgent.unavailable(d);
        }
        AffectedDefs defs = AffectedDefs.resolve(d, flags);
        int n;
        synchronized (d) {
            DomainDef def = defs.live() != null ? defs.live() : defs.persistent();
            n = (flags & VCPU_MAXIMUM) != 0 ? def.vcpusMax() : def.vcpusCurrent();
        }
        return n;
    }
}
