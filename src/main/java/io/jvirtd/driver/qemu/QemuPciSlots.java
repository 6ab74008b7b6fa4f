package io.jvirtd.driver.qemu;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.util.List;
import java.util.Locale;

/**
 * PCI addresses on an i440fx machine's one bus (pci-root, bus 0), assigned as libvirt 9.0's
 * qemuDomainAssignPCIAddresses does at define, so that the persistent config and the command
 * line carry them: addresses the XML gives are reserved first (twice the same is libvirt's
 * "Attempted double use of PCI Address"), the PIIX3's own functions sit in slot 1 (ISA bridge
 * 1.0, the first IDE controller 1.1, the first USB controller 1.2, the ACPI bridge 1.3), then
 * each device without an address gets the first slot with no function in use, from slot 1 up,
 * in libvirt's order: the primary video (slot 2 when free, where QEMU's first VGA lands),
 * interfaces, device controllers (SATA), virtio disks, the memballoon, the other videos.
 *
 * <p>Stateless; the caller owns the definition.
 */
final class QemuPciSlots {

    private static final int SLOTS = 32;

    private QemuPciSlots() {
    }

    static void assign(DomainDef def) {
        boolean[][] used = new boolean[SLOTS][8];
        for (DeviceDef dev : def.devices()) {
            XmlNode a = dev.address();
            if (a == null || !"pci".equals(a.attr("type")) || a.attr("slot") == null || piix3(dev)) {
                continue;
            }
            int bus = num(a.attr("bus"));
            int slot = num(a.attr("slot"));
            int fn = num(a.attr("function"));
            if (num(a.attr("domain")) != 0 || bus != 0) {
                throw QemuSubset.unsupported("PCI address on bus " + bus);
            }
            if (used[slot][fn]) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                        "Attempted double use of PCI Address " + String.format(Locale.ROOT,
                                "0000:00:%02x.%x", slot, fn));
            }
            used[slot][fn] = true;
        }
        used[0][0] = true; // the host bridge
        for (DeviceDef c : def.controllers()) {
            String type = c.node().attr("type");
            if (c.controllerIndex() == 0 && "ide".equals(type)) {
                fixed(c, used, 1, 1, "Primary IDE controller must have PCI address 0:0:1.1");
            } else if (c.controllerIndex() == 0 && "usb".equals(type)
                    && (c.model() == null || "piix3-uhci".equals(c.model()))) {
                fixed(c, used, 1, 2, "PIIX3 USB controller at index 0 must have PCI address 0:0:1.2");
            }
        }
        used[1][0] = true; // ISA bridge
        used[1][3] = true; // ACPI bridge
        // the primary video: where QEMU itself would put the first VGA after the PIIX3, slot 2
        List<DeviceDef> videos = def.devices(DeviceKind.VIDEO);
        if (!videos.isEmpty() && QemuVideo.isPci(videos.get(0)) && wanted(videos.get(0))) {
            boolean slot2Free = true;
            for (boolean f : used[2]) {
                slot2Free &= !f;
            }
            if (slot2Free) {
                used[2][0] = true;
                set(videos.get(0), 2, 0);
            } else {
                next(videos.get(0), used);
            }
        }

        for (DeviceDef net : def.interfaces()) {
            if (wanted(net)) {
                next(net, used);
            }
        }
        for (DeviceDef c : def.controllers()) {
            String type = c.node().attr("type");
            boolean skip = List.of("pci", "fdc", "ccid").contains(type)
                    || ("usb".equals(type) && "none".equals(c.model()))
                    || ("ide".equals(type) && c.controllerIndex() == 0);
            if (!skip && wanted(c)) {
                next(c, used);
            }
        }
        for (DeviceDef disk : def.disks()) {
            if (!"virtio".equals(disk.diskBus())) {
                continue;
            }
            XmlNode a = disk.address();
            if (a != null && "pci".equals(a.attr("type"))) {
                continue;
            }
            if (a != null) {
                throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                        "virtio disk cannot have an address of type '%s'", a.attr("type"));
            }
            next(disk, used);
        }
        for (DeviceDef b : def.devices(DeviceKind.MEMBALLOON)) {
            if (!"none".equals(b.model()) && wanted(b)) {
                next(b, used);
            }
        }
        for (DeviceDef video : videos) {
            if (QemuVideo.isPci(video) && wanted(video)) {
                next(video, used);
            }
        }
    }

    /** A PIIX3 function: the first IDE or USB controller, placed by {@link #fixed}. */
    private static boolean piix3(DeviceDef dev) {
        if (dev.kind() != DeviceKind.CONTROLLER || dev.controllerIndex() != 0) {
            return false;
        }
        String type = dev.node().attr("type");
        return "ide".equals(type) || ("usb".equals(type)
                && (dev.model() == null || "piix3-uhci".equals(dev.model())));
    }

    /** virDeviceInfoPCIAddressIsWanted: no address yet (or a PCI one without a slot). */
    private static boolean wanted(DeviceDef dev) {
        XmlNode a = dev.address();
        return a == null || ("pci".equals(a.attr("type")) && a.attr("slot") == null);
    }

    private static void fixed(DeviceDef c, boolean[][] used, int slot, int fn, String error) {
        XmlNode a = c.address();
        if (a != null && "pci".equals(a.attr("type")) && a.attr("slot") != null
                && (num(a.attr("bus")) != 0 || num(a.attr("slot")) != slot || num(a.attr("function")) != fn)) {
            throw VirException.internalError(VirErrorDomain.QEMU, error);
        }
        set(c, slot, fn);
        used[slot][fn] = true;
    }

    private static void next(DeviceDef dev, boolean[][] used) {
        for (int slot = 1; slot < SLOTS; slot++) {
            boolean free = true;
            for (boolean f : used[slot]) {
                free &= !f;
            }
            if (free) {
                used[slot][0] = true;
                set(dev, slot, 0);
                return;
            }
        }
        throw VirException.internalError(VirErrorDomain.DOMAIN, "No more available PCI slots");
    }

    private static void set(DeviceDef dev, int slot, int fn) {
        dev.node().remove("address");
        dev.node().add(pciAddress(slot, fn));
        dev.sortCanonical();
    }

    /** {@code <address type='pci' .../>} in libvirt's widths. */
    static XmlNode pciAddress(int slot, int fn) {
        return new XmlNode("address").attr("type", "pci").attr("domain", "0x0000").attr("bus", "0x00")
                .attr("slot", "0x" + CNumbers.hex(slot, 2)).attr("function", "0x" + fn);
    }

    /** The canonical address numbers (0x.. hex as the parser prints them). */
    static int num(String v) {
        if (v == null) {
            return 0;
        }
        return v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
    }
}
