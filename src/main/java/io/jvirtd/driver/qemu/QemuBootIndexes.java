package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code bootindex} each disk and interface gets on the command line (libvirt 9.0's
 * effectiveBootIndex): a device's own {@code <boot order>}, or else, from the
 * {@code <os><boot dev>} list, its position (from 1) for the first disk ({@code hd}), the first
 * cdrom ({@code cdrom}) and the first interface ({@code network}), as
 * qemuProcessPrepareDeviceBootorder does. The two forms never mix: post-parse refuses that.
 *
 * <p>Stateless; any thread.
 */
final class QemuBootIndexes {

    private QemuBootIndexes() {
    }

    /** Device (by identity) to bootindex; a device without one is absent. */
    static Map<DeviceDef, Integer> of(DomainDef def) {
        Map<DeviceDef, Integer> out = new IdentityHashMap<>();
        List<DeviceDef> devs = def.devices();
        boolean perDevice = false;
        for (DeviceDef d : devs) {
            String order = d.node().childAttr("boot", "order");
            if (order != null) {
                out.put(d, Integer.parseInt(order.trim()));
                perDevice = true;
            }
        }
        if (perDevice) {
            return out;
        }
        List<String> boot = def.bootDevices();
        int disk = boot.lastIndexOf("hd") + 1;
        int cdrom = boot.lastIndexOf("cdrom") + 1;
        int network = boot.lastIndexOf("network") + 1;
        for (DeviceDef d : def.disks()) {
            if ("cdrom".equals(d.diskDevice())) {
                put(out, d, cdrom);
                cdrom = 0;
            } else if ("disk".equals(d.diskDevice())) {
                put(out, d, disk);
                disk = 0;
            }
        }
        List<DeviceDef> nets = def.interfaces();
        if (!nets.isEmpty()) {
            put(out, nets.get(0), network);
        }
        return out;
    }

    private static void put(Map<DeviceDef, Integer> out, DeviceDef d, int index) {
        if (index > 0) {
            out.put(d, index);
        }
    }
}
