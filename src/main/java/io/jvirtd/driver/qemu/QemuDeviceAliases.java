package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

/**
 * The device aliases libvirt 9.0 gives at start (qemu_alias.c) for disks, interfaces and the
 * disk controllers: they are QEMU's device ids on the command line and show in the live XML.
 * A disk on a drive address is {@code <bus><controller>-<bus>-<unit>} ({@code ide0-1-0},
 * {@code sata0-0-1}), a virtio disk {@code virtio-disk<index of its target name>}
 * ({@code vdb} is {@code virtio-disk1}); interfaces are {@code net0, net1, ...} in order; the
 * i440fx's built-in IDE controller is {@code ide}, other controllers {@code <type><index>}
 * ({@code sata0}); videos are {@code video0, video1, ...} in order; the memballoon is {@code balloon0}. An alias already set (a {@code ua-} user alias) is kept.
 *
 * <p>Stateless; the caller owns the (live) definition.
 */
final class QemuDeviceAliases {

    private QemuDeviceAliases() {
    }

    static void assign(DomainDef def) {
        for (DeviceDef disk : def.disks()) {
            if (disk.alias() == null) {
                disk.setAlias(diskAlias(disk));
            }
        }
        int n = 0;
        for (DeviceDef net : def.interfaces()) {
            if (net.alias() == null) {
                net.setAlias("net" + n);
            }
            n++;
        }
        for (DeviceDef c : def.controllers()) {
            String type = c.node().attr("type");
            if (c.alias() == null && ("ide".equals(type) || "sata".equals(type))) {
                boolean builtin = c.controllerIndex() == 0 && ("ide".equals(type) || QemuXmlOptions.isQ35(def));
                c.setAlias(builtin ? "ide" : type + c.controllerIndex()); // q35's ICH9 SATA is "ide" too
            }
        }
        int v = 0;
        for (DeviceDef video : def.devices(DeviceKind.VIDEO)) { // 'none' too, as libvirt
            if (video.alias() == null) {
                video.setAlias("video" + v);
            }
            v++;
        }
        for (DeviceDef b : def.devices(DeviceKind.MEMBALLOON)) {
            if (b.alias() == null && !"none".equals(b.model())) {
                b.setAlias("balloon0");
            }
        }
    }

    static String diskAlias(DeviceDef disk) {
        XmlNode a = disk.address();
        String bus = disk.diskBus();
        if (a != null && "drive".equals(a.attr("type"))) {
            return bus + a.attr("controller") + "-" + a.attr("bus") + "-" + a.attr("unit");
        }
        return bus + "-disk" + disk.diskTargetIndex();
    }
}
