package io.jvirtd.driver.qemu;

import io.jvirtd.driver.storage.QemuImg;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.SnapshotDef;
import io.jvirtd.model.conf.XmlNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * External disk-only snapshots: a qcow2 overlay per selected disk whose backing file is the
 * disk's current image, and the disk switched to it. On a shut-off guest libvirt 9.0 runs
 * {@code qemu-img create -f qcow2 -o backing_fmt=F,backing_file=OLD NEW}
 * (qemuSnapshotCreateInactiveExternal); on a running one QEMU opens the new image
 * ({@code blockdev-add} of its file and qcow2 nodes, {@code "backing":null}) and one
 * {@code transaction} of {@code blockdev-snapshot} actions puts every overlay on top of its
 * disk at once (qemuSnapshotCreateActiveExternal). The image itself is made here with
 * {@code qemu-img create -u} and the disk's size from QEMU where libvirt runs QEMU's
 * blockdev-create jobs: the same file, without a job to wait for.
 *
 * <p>Stateless; a worker thread holding the domain's job (process, file and QMP work, no lock).
 */
final class QemuOverlays {

    private QemuOverlays() {
    }

    /** qemuSnapshotPrepareDiskExternal's file checks, and the qcow2 default of a new image. */
    static void prepare(SnapshotDef def, DomainDef dom, boolean reuse) {
        List<DeviceDef> disks = dom.disks();
        for (int i = 0; i < def.disks().size(); i++) {
            SnapshotDef.Disk sd = def.disks().get(i);
            if (!"external".equals(sd.snapshot())) {
                continue;
            }
            if (sd.driverType() == null) {
                sd.setDriverType("qcow2");
            } else if (!"qcow2".equals(sd.driverType()) && !"qed".equals(sd.driverType())) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "external snapshot format for disk " + sd.name() + " is unsupported: " + sd.driverType());
            }
            if (disks.get(i).sourcePath() == null) {
                throw VirException.internalError(VirErrorDomain.QEMU,
                        "external inactive snapshots are not supported on 'none' disks");
            }
            Path p = Path.of(sd.path());
            if (!Files.exists(p)) {
                if (reuse) {
                    throw VirException.systemError(VirErrorDomain.QEMU, 2, "missing existing file for disk "
                            + sd.name() + ": " + sd.path(), "No such file or directory");
                }
            } else {
                if (!Files.isRegularFile(p)) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                            "mismatch between configured type for snapshot disk '" + sd.name()
                                    + "' and the type of existing file '" + sd.path() + "'");
                }
                long size;
                try {
                    size = Files.size(p);
                } catch (IOException e) {
                    size = 0;
                }
                if (!reuse && size > 0) {
                    throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                            "external snapshot file for disk " + sd.name()
                                    + " already exists and is not a block device: " + sd.path());
                }
            }
        }
    }

    /**
     * A shut-off guest: the overlays made with qemu-img (unless {@code reuse}), then
     * {@code persistent}'s disks point at them, as libvirt's inactive XML then shows them
     * (the new source, no backing chain written).
     */
    static void createOffline(QemuImg qemuImg, SnapshotDef def, DomainDef persistent, boolean reuse) {
        List<DeviceDef> disks = persistent.disks();
        List<Path> created = new ArrayList<>();
        try {
            for (int i = 0; i < def.disks().size() && !reuse; i++) {
                SnapshotDef.Disk sd = def.disks().get(i);
                if (!"external".equals(sd.snapshot())) {
                    continue;
                }
                DeviceDef disk = disks.get(i);
                String oldFormat = formatOf(disk);
                Path target = Path.of(sd.path());
                boolean existed = Files.exists(target);
                qemuImg.run(List.of("qemu-img", "create", "-f", sd.driverType(), "-o",
                        "backing_fmt=" + oldFormat + ",backing_file=" + escapeComma(disk.sourcePath()),
                        sd.path()), false);
                if (!existed) {
                    created.add(target);
                }
            }
        } catch (RuntimeException e) {
            for (Path p : created) { // unlink images if creation has failed
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // as libvirt: a warning at most
                }
            }
            throw e;
        }
        for (int i = 0; i < def.disks().size(); i++) {
            SnapshotDef.Disk sd = def.disks().get(i);
            if ("external".equals(sd.snapshot())) {
                switchSource(disks.get(i), sd, null);
            }
        }
    }

    /**
     * Puts the disks {@code targets} of {@code edited} (a copy of the running definition that
     * {@link #createLive} changed while QEMU worked) into {@code current}, the running
     * definition as it is now, each in its place: the overlays' disks come in and whatever else
     * changed in {@code current} meanwhile stays. Caller holds the domain's monitor.
     */
    static void takeDisks(DomainDef current, DomainDef edited, List<String> targets) {
        for (String target : targets) {
            DeviceDef now = byTarget(current, target);
            DeviceDef changed = byTarget(edited, target);
            if (now != null && changed != null) {
                List<DeviceDef> devices = current.devices();
                devices.set(devices.indexOf(now), changed.copy());
            }
        }
    }

    /**
     * A running guest: each overlay made, opened by QEMU and put on top of its disk in one
     * transaction; then the live disk's source is the overlay (a new node index) with the old
     * image as its backing store, and the persistent disk (when {@code persistent} is not null)
     * names the overlay and its backing file. The overlays take node numbers
     * {@code firstIndex, firstIndex + 1, ...}, one per external disk.
     */
    static void createLive(QemuImg qemuImg, QmpMonitor mon, SnapshotDef def, DomainDef live, DomainDef persistent,
                           boolean reuse, int firstIndex) {
        List<DeviceDef> disks = live.disks();
        Map<Integer, Integer> newIndex = new LinkedHashMap<>();
        int next = firstIndex; // from the domain's one node counter (QemuDomain#takeNodeIndexes)
        List<Map<String, Object>> actions = new ArrayList<>();
        List<Path> created = new ArrayList<>();
        List<String> added = new ArrayList<>();
        try {
            Map<String, Long> sizes = null;
            for (int i = 0; i < def.disks().size(); i++) {
                SnapshotDef.Disk sd = def.disks().get(i);
                if (!"external".equals(sd.snapshot())) {
                    continue;
                }
                DeviceDef disk = disks.get(i);
                String oldNode = "libvirt-" + disk.node().childAttr("source", "index") + "-format";
                int idx = next++;
                newIndex.put(i, idx);
                if (!reuse) {
                    if (sizes == null) {
                        sizes = nodeSizes(mon);
                    }
                    Long size = sizes.get(oldNode);
                    if (size == null) {
                        throw VirException.internalError(VirErrorDomain.QEMU, "cannot find node '" + oldNode + "'");
                    }
                    Path target = Path.of(sd.path());
                    boolean existed = Files.exists(target);
                    qemuImg.run(List.of("qemu-img", "create", "-f", sd.driverType(), "-u", "-o",
                            "backing_fmt=" + formatOf(disk) + ",backing_file=" + escapeComma(disk.sourcePath()),
                            sd.path(), Long.toString(size)), false);
                    if (!existed) {
                        created.add(target);
                    }
                }
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("driver", "file");
                file.put("filename", sd.path());
                file.put("node-name", "libvirt-" + idx + "-storage");
                file.put("auto-read-only", true);
                file.put("discard", "unmap");
                mon.execute("blockdev-add", file, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                added.add("libvirt-" + idx + "-storage");
                Map<String, Object> fmt = new LinkedHashMap<>();
                fmt.put("node-name", "libvirt-" + idx + "-format");
                fmt.put("read-only", false);
                fmt.put("driver", sd.driverType());
                fmt.put("file", "libvirt-" + idx + "-storage");
                fmt.put("backing", null);
                mon.execute("blockdev-add", fmt, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                added.add(0, "libvirt-" + idx + "-format");
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("node", oldNode);
                data.put("overlay", "libvirt-" + idx + "-format");
                Map<String, Object> action = new LinkedHashMap<>();
                action.put("type", "blockdev-snapshot");
                action.put("data", data);
                actions.add(action);
            }
            mon.execute("transaction", Map.of("actions", actions), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        } catch (RuntimeException e) {
            for (String node : added) {
                try {
                    mon.execute("blockdev-del", Map.of("node-name", node), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                } catch (RuntimeException ignored) {
                    // QEMU gone or the node in use: nothing more to undo
                }
            }
            for (Path p : created) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a warning at most, as libvirt
                }
            }
            throw e;
        }
        for (Map.Entry<Integer, Integer> e : newIndex.entrySet()) {
            DeviceDef disk = disks.get(e.getKey());
            SnapshotDef.Disk sd = def.disks().get(e.getKey());
            String oldPath = disk.sourcePath();
            String oldFormat = formatOf(disk);
            XmlNode oldSource = disk.node().child("source");
            XmlNode oldBacking = disk.node().child("backingStore");
            XmlNode backing = new XmlNode("backingStore").attr("type", "file")
                    .attr("index", oldSource.attr("index"));
            backing.add(new XmlNode("format").attr("type", oldFormat));
            backing.add(new XmlNode("source").attr("file", oldPath));
            backing.add(oldBacking != null ? oldBacking.copy() : new XmlNode("backingStore"));
            switchSource(disk, sd, backing);
            disk.node().child("source").attr("index", Integer.toString(e.getValue()));
            if (persistent != null) {
                DeviceDef pdisk = byTarget(persistent, disk.diskTarget());
                if (pdisk != null && oldPath.equals(pdisk.sourcePath())) {
                    XmlNode pb = new XmlNode("backingStore").attr("type", "file");
                    pb.add(new XmlNode("format").attr("type", oldFormat));
                    pb.add(new XmlNode("source").attr("file", oldPath));
                    XmlNode below = pdisk.node().child("backingStore"); // libvirt keeps the config's chain under it
                    if (below != null) {
                        pb.add(below.copy());
                    }
                    switchSource(pdisk, sd, pb);
                }
            }
        }
    }

    /** The disk now reads the overlay: its source and format, and {@code backing} (or none). */
    private static void switchSource(DeviceDef disk, SnapshotDef.Disk sd, XmlNode backing) {
        disk.node().remove("backingStore");
        disk.node().child("source").attr("file", sd.path()).attr("index", null);
        XmlNode drv = disk.node().getOrAdd("driver");
        if (drv.attr("name") == null) {
            drv.attr("name", "qemu");
        }
        drv.attr("type", sd.driverType());
        if (backing != null) {
            disk.node().add(backing);
        }
        disk.sortCanonical();
    }

    private static String formatOf(DeviceDef disk) {
        String f = disk.node().childAttr("driver", "type");
        return f == null ? "raw" : f;
    }

    private static DeviceDef byTarget(DomainDef def, String target) {
        for (DeviceDef d : def.disks()) {
            if (target.equals(d.diskTarget())) {
                return d;
            }
        }
        return null;
    }

    /** The highest node index the live XML uses (sources and backing stores). */
    static int maxIndex(DomainDef live) {
        int max = 0;
        for (DeviceDef disk : live.disks()) {
            max = Math.max(max, index(disk.node().child("source")));
            for (XmlNode b = disk.node().child("backingStore"); b != null; b = b.child("backingStore")) {
                max = Math.max(max, index(b));
            }
        }
        return max;
    }

    private static int index(XmlNode n) {
        if (n == null || n.attr("index") == null) {
            return 0;
        }
        try {
            return Integer.parseInt(n.attr("index"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Each node's virtual size, from {@code query-named-block-nodes}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> nodeSizes(QmpMonitor mon) {
        Object r = mon.execute("query-named-block-nodes", Map.of("flat", true), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        Map<String, Long> out = new LinkedHashMap<>();
        if (r instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> n = (Map<String, Object>) o;
                Object image = n.get("image");
                if (image instanceof Map<?, ?> m && m.get("virtual-size") instanceof Number size) {
                    out.put(String.valueOf(n.get("node-name")), size.longValue());
                }
            }
        }
        return out;
    }

    /** virQEMUBuildBufferEscapeComma: qemu-img's -o values double a comma. */
    private static String escapeComma(String s) {
        return s.replace(",", ",,");
    }
}
