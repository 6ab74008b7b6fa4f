package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Block write thresholds as libvirt 9.0's QEMU driver sets them (virDomainSetBlockThreshold):
 * QMP {@code block-set-write-threshold} on the storage node ({@code libvirt-N-storage}) of the
 * disk named {@code vda} or {@code vda[N]}, and QEMU's one-shot {@code BLOCK_WRITE_THRESHOLD}
 * event turned into libvirt's BLOCK_THRESHOLD events: one for {@code vda} (unless the threshold
 * was set with an index) and one for {@code vda[N]}, with the image path. Only a disk's top
 * image has a node name of ours, so {@code vda[N]} names that image (its source index).
 *
 * <p>{@link #set}: a worker holding the domain's job, QMP with no lock held;
 * {@link #onEvent}: the driver's QEMU event thread.
 */
final class QemuBlockThreshold {

    private static final Pattern DEVSTR = Pattern.compile("([^\\[\\]]+)(?:\\[([0-9]+)\\])?");

    private final QemuLifecycle life;

    QemuBlockThreshold(QemuLifecycle life) {
        this.life = life;
    }

    /** The target and index of {@code vda} / {@code vda[N]} (virStorageFileParseBackingStoreStr); index 0 when none. */
    record DevStr(String target, int index) {

        static DevStr parse(String devstr) {
            Matcher m = DEVSTR.matcher(devstr);
            if (!m.matches()) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "failed to parse block device '" + devstr + "'");
            }
            try {
                return new DevStr(m.group(1), m.group(2) == null ? 0 : Integer.parseUnsignedInt(m.group(2)));
            } catch (NumberFormatException e) {
                throw VirException.invalidArg(VirErrorDomain.QEMU, "failed to parse block device '" + devstr + "'");
            }
        }
    }

    /** qemuDomainSetBlockThreshold. */
    void set(DomainRef dom, String dev, long threshold, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainSetBlockThreshold");
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            QmpMonitor mon;
            String node;
            synchronized (d) {
                if (d.liveDef == null || d.monitor == null) {
                    throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
                }
                mon = d.monitor;
                node = storageNode(d.liveDef, dev);
            }
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("node-name", node);
            args.put("write-threshold", threshold);
            mon.execute("block-set-write-threshold", args, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            synchronized (d) {
                if (dev.indexOf('[') >= 0) {
                    d.thresholdWithIndex.add(node);
                } else {
                    d.thresholdWithIndex.remove(node);
                }
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainGetStorageSourceByDevstr, down to the storage node's name. Caller holds d. */
    static String storageNode(DomainDef live, String dev) {
        DevStr s = DevStr.parse(dev);
        DeviceDef disk = null;
        for (DeviceDef candidate : live.disks()) {
            if (s.target().equals(candidate.diskTarget())) {
                disk = candidate;
                break;
            }
        }
        if (disk == null) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "failed to find disk '" + s.target() + "'");
        }
        String index = disk.node().childAttr("source", "index");
        if (index == null || (s.index() != 0 && !index.equals(Integer.toString(s.index())))) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "failed to find disk '" + dev + "'");
        }
        return QemuDiskArgs.storageNode(Integer.parseInt(index));
    }

    /** qemuProcessHandleBlockThreshold. The QEMU event thread. */
    void onEvent(QemuDomain d, Map<String, Object> data) {
        List<DomainEvent> events = events(d, data);
        for (DomainEvent e : events) {
            life.events.raise(e);
        }
    }

    /** The BLOCK_THRESHOLD events for one BLOCK_WRITE_THRESHOLD answer; none for a node of no disk. */
    static List<DomainEvent> events(QemuDomain d, Map<String, Object> data) {
        List<DomainEvent> out = new ArrayList<>();
        if (!(data.get("node-name") instanceof String node) || !(data.get("write-threshold") instanceof Number limit)
                || !(data.get("amount-exceeded") instanceof Number excess)) {
            return out; // libvirt: "malformed 'BLOCK_WRITE_THRESHOLD' event"
        }
        synchronized (d) {
            if (d.liveDef == null) {
                return out;
            }
            for (DeviceDef disk : d.liveDef.disks()) {
                String index = disk.node().childAttr("source", "index");
                if (index == null || !node.equals(QemuDiskArgs.storageNode(Integer.parseInt(index)))) {
                    continue;
                }
                String path = DiskFiles.localPath(disk);
                if (!d.thresholdWithIndex.contains(node)) {
                    out.add(new DomainEvent.BlockThreshold(d.ref(), disk.diskTarget(), path, limit.longValue(),
                            excess.longValue()));
                }
                out.add(new DomainEvent.BlockThreshold(d.ref(), disk.diskTarget() + "[" + index + "]", path,
                        limit.longValue(), excess.longValue()));
                break;
            }
        }
        return out;
    }
}
