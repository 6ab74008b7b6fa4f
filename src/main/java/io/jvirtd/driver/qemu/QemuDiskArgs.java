package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line arguments of the disks and their controllers as libvirt 9.0 builds them for
 * QEMU 7.2 (qemuBuildControllersCommandLine, qemuBuildDisksCommandLine): each SATA controller an
 * {@code ahci} device; each disk two {@code -blockdev} nodes, a {@code file} storage node and a
 * {@code raw}/{@code qcow2} format node on it (read-only when the disk is), then its
 * {@code -device} ({@code virtio-blk-pci}, {@code ide-hd} or {@code ide-cd}) with its address,
 * drive, id (the alias) and bootindex. An empty cdrom has no nodes and a device without a drive.
 *
 * <p>Node names are {@code libvirt-N-storage} / {@code libvirt-N-format}, N counted from the
 * last disk (1) to the first, as libvirt prepares storage backwards. At a real start libvirt has
 * read the qcow2 image and knows whether it has a backing file: without one the format node
 * says {@code "backing":null}; with one (an external snapshot's overlay) QEMU opens the chain
 * the image names; {@code domxml-to-native} (no image read) leaves it out.
 *
 * <p>Expects aliases and addresses assigned ({@link QemuDeviceAliases}, {@link QemuPciSlots}).
 * Stateless; any thread.
 */
final class QemuDiskArgs {

    private QemuDiskArgs() {
    }

    /** {@code -device ahci} for each SATA controller (after the USB controller's). */
    static void controllers(List<String> argv, DomainDef def) {
        for (DeviceDef c : def.controllers()) {
            boolean builtin = QemuXmlOptions.isQ35(def) && c.controllerIndex() == 0; // the ICH9's own
            if ("sata".equals(c.node().attr("type")) && !builtin) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("driver", "ahci");
                p.put("id", c.alias() != null ? c.alias() : "sata" + c.controllerIndex());
                QemuDeviceProps.address(p, def, c);
                argv.add("-device");
                argv.add(QmpCodec.json(p));
            }
        }
    }

    /**
     * @param started true at a real start (images read: {@code "backing":null} on qcow2),
     *                false for domxml-to-native
     */
    static void disks(List<String> argv, DomainDef def, Map<DeviceDef, Integer> bootIndexes, boolean started) {
        disks(argv, def, bootIndexes, started, QemuVolumeFiles.NONE);
    }

    /** @param volumes the files of the volume disks, translated through their pools */
    static void disks(List<String> argv, DomainDef def, Map<DeviceDef, Integer> bootIndexes, boolean started,
                      QemuVolumeFiles volumes) {
        List<DeviceDef> disks = def.disks();
        for (int i = 0; i < disks.size(); i++) {
            DeviceDef disk = disks.get(i);
            int node = disks.size() - i;
            String path = volumes.file(disk);
            String formatNode = null;
            if (path != null) {
                for (Map<String, Object> n : blockdevs(disk, node, path, started)) {
                    argv.add("-blockdev");
                    argv.add(QmpCodec.json(n));
                }
                formatNode = formatNode(node);
            }
            argv.add("-device");
            argv.add(QmpCodec.json(device(def, disk, formatNode, bootIndexes.get(disk))));
        }
    }

    /**
     * The {@code file} storage node and the format node on it for a disk image, as
     * {@code -blockdev} takes them and {@code blockdev-add} (hot-plug, media change) too.
     *
     * @param node the node number N of {@code libvirt-N-storage} / {@code libvirt-N-format}
     */
    static List<Map<String, Object>> blockdevs(DeviceDef disk, int node, String path, boolean started) {
        String format = disk.node().childAttr("driver", "type");
        String storage = storageNode(node);
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("driver", "file");
        file.put("filename", path);
        file.put("node-name", storage);
        file.put("auto-read-only", true);
        file.put("discard", "unmap");
        Map<String, Object> fmt = new LinkedHashMap<>();
        fmt.put("node-name", formatNode(node));
        fmt.put("read-only", disk.diskReadonly());
        fmt.put("driver", format);
        fmt.put("file", storage);
        if (started && "qcow2".equals(format) && !QemuDiskSources.hasBacking(disk)) {
            fmt.put("backing", null);
        }
        return List.of(file, fmt);
    }

    static String storageNode(int node) {
        return "libvirt-" + node + "-storage";
    }

    static String formatNode(int node) {
        return "libvirt-" + node + "-format";
    }

    /** The disk's {@code -device} ({@code device_add}) properties; {@code formatNode} null for an empty drive. */
    static Map<String, Object> device(DomainDef def, DeviceDef disk, String formatNode, Integer bootIndex) {
        Map<String, Object> dev = new LinkedHashMap<>();
        dev.put("driver", deviceDriver(disk));
        QemuDeviceProps.address(dev, def, disk);
        if (formatNode != null) {
            dev.put("drive", formatNode);
        }
        dev.put("id", disk.alias());
        if (bootIndex != null) {
            dev.put("bootindex", bootIndex);
        }
        return dev;
    }

    private static String deviceDriver(DeviceDef disk) {
        if ("virtio".equals(disk.diskBus())) {
            return "virtio-blk-pci";
        }
        return "cdrom".equals(disk.diskDevice()) ? "ide-cd" : "ide-hd";
    }
}
