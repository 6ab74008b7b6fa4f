package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainBlockInfo;
import io.jvirtd.model.domain.DomainBlockStats;
import io.jvirtd.model.domain.DomainInterfaceStats;
import io.jvirtd.model.domain.DomainRef;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One domain's device counters as libvirt's QEMU driver gives them: virDomainBlockStats and
 * virDomainGetBlockInfo from {@code query-blockstats} (and {@code query-named-block-nodes} for
 * sizes), or from the image file of a shut-off domain; virDomainInterfaceStats, which needs the
 * interface's host device (user-mode networking has none, and libvirt then fails as here).
 * Stateless; worker threads, no lock held across QMP.
 */
final class QemuDeviceStats {

    private final QemuLifecycle life;

    QemuDeviceStats(QemuLifecycle life) {
        this.life = life;
    }

    private record Live(DomainDef def, QmpMonitor mon) {
    }

    private Live live(DomainRef ref) {
        QemuDomain d = life.domains.get(ref);
        synchronized (d) {
            if (d.liveDef == null || d.monitor == null) { // virDomainObjCheckActive
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            return new Live(d.liveDef.copy(), d.monitor);
        }
    }

    /** virDomainBlockStats: one disk's counters, or all disks' summed for an empty path. */
    DomainBlockStats blockStats(DomainRef ref, String path) {
        Live l = live(ref);
        DeviceDef disk = null;
        if (path != null && !path.isEmpty()) {
            disk = l.def().diskByTargetOrPath(path);
            if (disk == null) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "invalid path: " + path);
            }
        }
        BlockStatsAnswers a = BlockStatsAnswers.parse(
                l.mon().execute("query-blockstats", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS), null);
        long rdReq = 0;
        long rdBytes = 0;
        long wrReq = 0;
        long wrBytes = 0;
        for (DeviceDef d : l.def().disks()) {
            if (disk != null && d != disk) {
                continue;
            }
            BlockStatsAnswers.Entry e = a.forAlias(d.alias());
            if (e == null) {
                if (disk == null) {
                    continue;
                }
                throw VirException.internalError(VirErrorDomain.QEMU,
                        "cannot find statistics for device '" + d.alias() + "'");
            }
            rdReq += e.rdReq();
            rdBytes += e.rdBytes();
            wrReq += e.wrReq();
            wrBytes += e.wrBytes();
        }
        return new DomainBlockStats(rdReq, rdBytes, wrReq, wrBytes, -1);
    }

    /** virDomainGetBlockInfo: capacity, allocation and physical size of a disk's image. */
    DomainBlockInfo blockInfo(DomainRef ref, String path, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainGetBlockInfo");
        QemuDomain d = life.domains.get(ref);
        DomainDef def;
        QmpMonitor mon;
        synchronized (d) {
            def = d.def().copy();
            mon = d.liveDef != null ? d.monitor : null;
        }
        DeviceDef disk = def.diskByTargetOrPath(path);
        if (disk == null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "invalid path " + path + " not assigned to domain");
        }
        String file = DiskFiles.localPath(disk);
        if (disk.node().child("source") == null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU,
                    "disk '" + path + "' does not currently have a source assigned");
        }
        if (mon == null) {
            DiskFiles.Sizes s = DiskFiles.sizes(disk);
            if (s == null) {
                throw VirException.systemError(VirErrorDomain.QEMU, 2,
                        "cannot stat file '" + file + "'", "No such file or directory");
            }
            // the file's blocks are not visible to the JDK: allocation is its size
            return new DomainBlockInfo(s.capacity(), s.physical(), s.physical());
        }
        CompletableFuture<Object> stats = mon.send("query-blockstats", null);
        CompletableFuture<Object> nodes = mon.send("query-named-block-nodes", Map.of("flat", true));
        BlockStatsAnswers a = BlockStatsAnswers.parse(
                mon.await(stats, "query-blockstats", QemuLifecycle.MONITOR_TIMEOUT_MILLIS),
                mon.await(nodes, "query-named-block-nodes", QemuLifecycle.MONITOR_TIMEOUT_MILLIS));
        BlockStatsAnswers.Entry e = a.forAlias(disk.alias());
        if (e == null) {
            throw VirException.internalError(VirErrorDomain.QEMU,
                    "cannot find statistics for device '" + disk.alias() + "'");
        }
        return info(e, "qcow2".equals(disk.node().childAttr("driver", "type")), DiskFiles.fileSize(file));
    }

    /** qemuDomainGetBlockInfo's rules for a running domain's figures. */
    static DomainBlockInfo info(BlockStatsAnswers.Entry e, boolean qcow2, long fileSize) {
        long physical = Math.max(0, e.physical());
        long allocation;
        if (e.wrHighestOffset() < 0 || qcow2) {
            allocation = physical;
        } else {
            allocation = e.wrHighestOffset();
        }
        if (physical == 0 || allocation == 0 || allocation == physical) {
            if (allocation == 0) {
                allocation = physical;
            }
            if (fileSize >= 0) { // a sparse file: its size on disk
                physical = fileSize;
            }
        }
        return new DomainBlockInfo(Math.max(0, e.capacity()), allocation, physical);
    }

    /** virDomainInterfaceStats: only for an interface with a host device. */
    DomainInterfaceStats interfaceStats(DomainRef ref, String device) {
        Live l = live(ref);
        DeviceDef net = l.def().interfaceByNameOrMac(device);
        if (net == null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "'" + device + "' is not a known interface");
        }
        String ifname = net.interfaceTargetDev();
        if (ifname == null) {
            throw VirException.internalError(VirErrorDomain.NONE, "Interface name not provided");
        }
        DomainInterfaceStats s = NetDevStats.read(ifname, true);
        if (s == null) {
            throw VirException.internalError(VirErrorDomain.NONE, "/proc/net/dev: Interface not found");
        }
        return s;
    }
}
