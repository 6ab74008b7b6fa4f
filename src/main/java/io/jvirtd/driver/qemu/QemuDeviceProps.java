package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.util.Map;

/**
 * The address part of a {@code -device} (libvirt's qemuBuildDeviceAddressProps) for the
 * buses of the subset: a PCI address on the i440fx's one bus as {@code "bus":"pci.0"} (on q35
 * {@code "pcie.0"} for the root, {@code "pci.N"} for controller N) and
 * {@code "addr":"0x4"} ({@code "0x1.0x2"} for a function other than 0); a drive address on the
 * built-in IDE controller as {@code "bus":"ide.<bus>","unit":<unit>}, on a SATA controller as
 * {@code "bus":"<controller alias>.<unit>"}. Stateless; any thread.
 */
final class QemuDeviceProps {

    private QemuDeviceProps() {
    }

    static void address(Map<String, Object> props, DomainDef def, DeviceDef dev) {
        XmlNode a = dev.address();
        if (a == null) {
            return;
        }
        switch (a.attr("type")) {
            case "pci" -> {
                int slot = QemuPciSlots.num(a.attr("slot"));
                int fn = QemuPciSlots.num(a.attr("function"));
                int bus = QemuPciSlots.num(a.attr("bus"));
                props.put("bus", QemuXmlOptions.isQ35(def) ? QemuPcieSlots.busName(bus) : "pci." + bus);
                if ("on".equals(a.attr("multifunction"))) {
                    props.put("multifunction", true); // before addr, as qemuBuildDeviceAddressPCIProps
                }
                props.put("addr", "0x" + Integer.toHexString(slot) + (fn == 0 ? "" : ".0x" + Integer.toHexString(fn)));
            }
            case "drive" -> {
                String bus = dev.diskBus();
                String controller = controllerAlias(def, bus, a.attr("controller"));
                if ("ide".equals(bus)) {
                    props.put("bus", controller + "." + a.attr("bus"));
                    props.put("unit", Integer.parseInt(a.attr("unit")));
                } else {
                    props.put("bus", controller + "." + a.attr("unit"));
                }
            }
            default -> throw QemuSubset.unsupported("device address type '" + a.attr("type") + "'");
        }
    }

    /** The id of the disk's controller: its alias once assigned, else what it will be. */
    private static String controllerAlias(DomainDef def, String bus, String index) {
        for (DeviceDef c : def.controllers()) {
            if (bus.equals(c.node().attr("type")) && index.equals(c.node().attr("index")) && c.alias() != null) {
                return c.alias();
            }
        }
        boolean builtin = "0".equals(index) && ("ide".equals(bus) || ("sata".equals(bus) && QemuXmlOptions.isQ35(def)));
        return builtin ? "ide" : bus + index; // q35's ICH9 SATA is QEMU's "ide" bus
    }
}
