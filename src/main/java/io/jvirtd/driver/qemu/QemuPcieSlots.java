package io.jvirtd.driver.qemu;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PCI addresses on a q35 machine, assigned as libvirt 9.0's qemuDomainAssignPCIAddresses does
 * for a pcie-root guest, so that the persistent config and the command line carry them. The
 * buses are the PCI controllers by index: pcie-root (bus 0; its slots take the root ports, the
 * built-in ICH9 functions sit in slot 0x1f: the ISA bridge 1f.0, the SATA controller 1f.2, SMBus
 * 1f.3), pcie-root-port (one slot, 0, for a PCIe device or a pcie-to-pci-bridge) and
 * pcie-to-pci-bridge (slots 1 to 31 for conventional PCI devices: rtl8139, e1000).
 *
 * <p>Addresses the XML gives are checked first, in libvirt's words (virDomainPCIAddressValidate):
 * a root port sits on pcie-root, a bridge on a root port, a root port's bus has slot 0 only,
 * pcie-root's and a bridge's slots start at 1; a bridge with no free root port is libvirt's
 * "Cannot automatically add a new PCI bus" (no root port is added for it).
 *
 * <p>Two passes, as libvirt. The first, on a scratch set, places every device that wants an
 * address in libvirt's order (PCI controllers, interfaces, the USB controller, virtio disks,
 * the memballoon), adding a bus whenever none has room: a pcie-root-port for a PCIe device, a
 * root port and a pcie-to-pci-bridge behind it for the first conventional PCI device. A new
 * guest (no PCI controller but the root in its XML) that needed buses gets one more, empty,
 * root port for a later hot-plug. The added controllers are appended to the definition. The
 * second pass places everything for real on the final buses, the root ports first (functions
 * of one multifunction slot of bus 0, from slot 1 up), then each device at the first free slot
 * of the first bus that takes it. Root ports get {@code <model name>} and {@code <target
 * chassis port>} (chassis = index, port = slot &lt;&lt; 3 | function), bridges their model name.
 *
 * <p>Stateless; the caller owns the definition.
 */
final class QemuPcieSlots {

    static final String ROOT = "pcie-root";
    static final String ROOT_PORT = "pcie-root-port";
    static final String BRIDGE = "pcie-to-pci-bridge";

    /** VIR_PCI_CONNECT_TYPE_PCIE_TO_PCI_BRIDGE, the flags libvirt's error prints for a bridge. */
    private static final int BRIDGE_CONNECT_FLAGS = 1 << 13;

    /** How a device plugs in (libvirt's virDomainPCIConnectFlags, the kinds the subset has). */
    enum Connect { PCIE_DEVICE, PCI_DEVICE, ROOT_PORT, PCIE_TO_PCI_BRIDGE,
        /** a PCI controller model outside the subset: placed nowhere, QemuSubset refuses it after post-parse */
        OUTSIDE }

    private QemuPcieSlots() {
    }

    static void assign(DomainDef def) {
        primarySata(def);
        List<String> models = buses(def);
        int maxIdx = models.size() - 1;

        Buses dry = new Buses(models);
        dry.reserveGiven(def);
        for (DeviceDef dev : order(def)) {
            if (wanted(dev)) {
                dry.next(connect(dev), true);
            }
        }
        if (maxIdx <= 0 && dry.models.size() > maxIdx + 1) {
            dry.next(Connect.PCIE_DEVICE, true); // the one free root port for a later hot-plug
        }
        for (int i = models.size(); i < dry.models.size(); i++) {
            XmlNode c = new XmlNode("controller").attr("type", "pci").attr("index", Integer.toString(i))
                    .attr("model", dry.models.get(i));
            def.addDevice(DeviceDef.of(DeviceKind.CONTROLLER, c));
        }

        Buses buses = new Buses(dry.models);
        buses.reserveGiven(def);
        for (DeviceDef dev : order(def)) {
            if (wanted(dev)) {
                int[] at = buses.next(connect(dev), false);
                if (at == null) {
                    throw noSlots();
                }
                set(dev, at[0], at[1], at[2]);
            }
        }
        buses.setMultifunction(def);
        for (DeviceDef c : def.controllers()) {
            controllerDefaults(c);
        }
    }

    /**
     * A live attach on q35 ({@code joined}: the live definition with the device, placed as a define
     * would place it) takes a free slot of the buses there are: libvirt adds no controller to a
     * running guest (qemuDomainEnsurePCIAddress), and with no free root port (or bridge slot)
     * its answer is "No more available PCI slots". The one empty root port a new guest gets is
     * what a first hot-plugged PCIe device uses. An address the XML gives is checked as
     * virDomainPCIAddressEnsureAddr does: function 0 only, and not on pcie-root, which has no
     * hot-plug (QEMU would refuse the device_add).
     */
    static void checkHotplug(DomainDef live, DomainDef joined, DeviceDef added) {
        if (!QemuXmlOptions.isQ35(live)) {
            return;
        }
        XmlNode a = added.address();
        if (a != null && "pci".equals(a.attr("type")) && a.attr("slot") != null) {
            if (num(a.attr("function")) != 0) {
                throw VirException.internalError(VirErrorDomain.DOMAIN, "Only PCI device addresses with function=0 are supported");
            }
            if (num(a.attr("bus")) == 0) {
                throw xmlError("The device at PCI address " + String.format(Locale.ROOT, "0000:00:%02x.0", num(a.attr("slot")))
                        + " requires hotplug capability, but the PCI controller with index='0' doesn't support hotplug");
            }
        }
        if (buses(joined).size() > buses(live).size()) {
            throw noSlots();
        }
    }

    /** The QEMU id of PCI bus {@code bus}: the root's {@code pcie.0}, a controller's {@code pci.N}. */
    static String busName(int bus) {
        return bus == 0 ? "pcie.0" : "pci." + bus;
    }

    private static VirException xmlError(String message) {
        return VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN, message);
    }

    static VirException noSlots() {
        return VirException.internalError(VirErrorDomain.DOMAIN, "No more available PCI slots");
    }

    // ------------------------------------------------------------------ the devices

    /** qemuDomainValidateDevicePCISlotsQ35: the first SATA controller is the ICH9's, at 00:1f.2. */
    private static void primarySata(DomainDef def) {
        for (DeviceDef c : def.controllers()) {
            if ("sata".equals(c.node().attr("type")) && c.controllerIndex() == 0) {
                XmlNode a = c.address();
                if (a != null && "pci".equals(a.attr("type")) && a.attr("slot") != null
                        && !(num(a.attr("bus")) == 0 && num(a.attr("slot")) == 0x1f && num(a.attr("function")) == 2)) {
                    throw VirException.internalError(VirErrorDomain.QEMU, "Primary SATA controller must have PCI address 0:0:1f.2");
                }
                set(c, 0, 0x1f, 2);
            }
        }
    }

    /** The PCI controllers' models by index (QemuSubset allows no gap and only the three models). */
    private static List<String> buses(DomainDef def) {
        List<String> models = new ArrayList<>();
        for (DeviceDef c : def.controllers()) {
            if (!"pci".equals(c.node().attr("type"))) {
                continue;
            }
            int idx = c.controllerIndex();
            while (models.size() <= idx) {
                models.add(null);
            }
            models.set(idx, c.model());
        }
        if (models.contains(null)) {
            throw QemuSubset.unsupported("PCI controller indexes with a gap");
        }
        return models;
    }

    /** qemuDomainAssignDevicePCISlots' order, for the devices the subset has on q35. */
    private static List<DeviceDef> order(DomainDef def) {
        List<DeviceDef> out = new ArrayList<>();
        for (DeviceDef c : def.controllers()) {
            if ("pci".equals(c.node().attr("type")) && !ROOT.equals(c.model()) && connect(c) != Connect.OUTSIDE) {
                out.add(c);
            }
        }
        out.addAll(def.interfaces());
        for (DeviceDef c : def.controllers()) {
            if ("usb".equals(c.node().attr("type")) && !"none".equals(c.model())) {
                out.add(c);
            }
        }
        for (DeviceDef disk : def.disks()) {
            if ("virtio".equals(disk.diskBus())) {
                XmlNode a = disk.address();
                if (a != null && !"pci".equals(a.attr("type"))) {
                    throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                            "virtio disk cannot have an address of type '%s'", a.attr("type"));
                }
                out.add(disk);
            }
        }
        for (DeviceDef b : def.devices(DeviceKind.MEMBALLOON)) {
            if (!"none".equals(b.model())) {
                out.add(b);
            }
        }
        return out;
    }

    static Connect connect(DeviceDef dev) {
        if (dev.kind() == DeviceKind.CONTROLLER && "pci".equals(dev.node().attr("type"))) {
            return ROOT_PORT.equals(dev.model()) ? Connect.ROOT_PORT
                    : BRIDGE.equals(dev.model()) ? Connect.PCIE_TO_PCI_BRIDGE : Connect.OUTSIDE;
        }
        if (dev.kind() == DeviceKind.INTERFACE && List.of("rtl8139", "e1000").contains(dev.modelType())) {
            return Connect.PCI_DEVICE;
        }
        return Connect.PCIE_DEVICE;
    }

    /** virDeviceInfoPCIAddressIsWanted: no address yet (or a PCI one without a slot). */
    private static boolean wanted(DeviceDef dev) {
        XmlNode a = dev.address();
        return a == null || ("pci".equals(a.attr("type")) && a.attr("slot") == null);
    }

    private static void controllerDefaults(DeviceDef c) {
        if (!"pci".equals(c.node().attr("type")) || ROOT.equals(c.model())) {
            return;
        }
        XmlNode node = c.node();
        if (node.child("model") == null) {
            node.add(new XmlNode("model").attr("name", ROOT_PORT.equals(c.model()) ? "pcie-root-port" : "pcie-pci-bridge"));
        }
        XmlNode a = c.address();
        if (ROOT_PORT.equals(c.model()) && a != null && "pci".equals(a.attr("type"))) {
            XmlNode t = node.child("target");
            if (t == null) {
                t = new XmlNode("target");
                node.add(t);
            }
            if (t.attr("chassis") == null) {
                t.attr("chassis", Integer.toString(c.controllerIndex()));
            }
            if (t.attr("port") == null) {
                t.attr("port", "0x" + Integer.toHexString((num(a.attr("slot")) << 3) + num(a.attr("function"))));
            }
        }
        c.sortCanonical();
    }

    private static void set(DeviceDef dev, int bus, int slot, int fn) {
        dev.node().remove("address");
        dev.node().add(address(bus, slot, fn));
        dev.sortCanonical();
    }

    private static XmlNode address(int bus, int slot, int fn) {
        return new XmlNode("address").attr("type", "pci").attr("domain", "0x0000")
                .attr("bus", "0x" + CNumbers.hex(bus, 2))
                .attr("slot", "0x" + CNumbers.hex(slot, 2)).attr("function", "0x" + fn);
    }

    static int num(String v) {
        return QemuPciSlots.num(v);
    }

    // ------------------------------------------------------------------ the address set

    /** virDomainPCIAddressSet for the three bus models: which functions of which slots are used. */
    private static final class Buses {
        final List<String> models;
        final List<boolean[][]> used = new ArrayList<>();
        final List<boolean[]> aggregate = new ArrayList<>();

        Buses(List<String> models) {
            this.models = new ArrayList<>(models);
            for (int i = 0; i < models.size(); i++) {
                addUse();
            }
        }

        private void addUse() {
            used.add(new boolean[32][8]);
            aggregate.add(new boolean[32]);
        }

        private void add(String model) {
            models.add(model);
            addUse();
        }

        /** The addresses the XML gives, and the ICH9's own functions in slot 0x1f. */
        void reserveGiven(DomainDef def) {
            used.get(0)[0x1f][0] = true;
            used.get(0)[0x1f][3] = true;
            for (DeviceDef dev : def.devices()) {
                XmlNode a = dev.address();
                if (a == null || !"pci".equals(a.attr("type")) || a.attr("slot") == null) {
                    continue;
                }
                int bus = num(a.attr("bus"));
                int slot = num(a.attr("slot"));
                int fn = num(a.attr("function"));
                if (num(a.attr("domain")) != 0 || bus >= models.size()) {
                    throw QemuSubset.unsupported("PCI address on bus " + bus + " (no PCI controller with that index)");
                }
                String at = String.format(Locale.ROOT, "0000:%02x:%02x.%x", bus, slot, fn);
                validate(dev, at, bus, slot);
                if (used.get(bus)[slot][fn]) {
                    throw xmlError("Attempted double use of PCI Address " + at);
                }
                used.get(bus)[slot][fn] = true;
                if (connect(dev) == Connect.ROOT_PORT && bus == 0) {
                    aggregate.get(0)[slot] = true;
                }
            }
        }

        /**
         * virDomainPCIAddressValidate for an address the XML gives (fromConfig: an endpoint may sit
         * on any bus that takes endpoints, a controller only where its kind plugs in), so that
         * what QEMU would refuse at start is refused at define, in libvirt's words.
         */
        private void validate(DeviceDef dev, String at, int bus, int slot) {
            String model = models.get(bus);
            Connect how = connect(dev);
            if (how == Connect.OUTSIDE || !List.of(ROOT, ROOT_PORT, BRIDGE).contains(model)) {
                return; // QemuSubset refuses the model after post-parse
            }
            if ((how == Connect.ROOT_PORT || how == Connect.PCIE_TO_PCI_BRIDGE) && !takes(model, how)) {
                throw xmlError("The device at PCI address " + at + " cannot be plugged into the PCI controller with index='"
                        + bus + "'. It requires a controller that accepts a "
                        + (how == Connect.ROOT_PORT ? ROOT_PORT : BRIDGE) + ".");
            }
            int first = ROOT_PORT.equals(model) ? 0 : 1;
            int last = ROOT_PORT.equals(model) ? 0 : 31;
            if (slot < first) {
                throw xmlError("Invalid PCI address " + at + ". slot must be >= " + first);
            }
            if (slot > last) {
                throw xmlError("Invalid PCI address " + at + ". slot must be <= " + last);
            }
        }

        /** The next free address for {@code how} as bus, slot, function; grows the set when {@code grow}. */
        int[] next(Connect how, boolean grow) {
            for (int bus = 0; bus < models.size(); bus++) {
                if (!takes(models.get(bus), how)) {
                    continue;
                }
                int[] at = free(bus, how);
                if (at != null) {
                    return at;
                }
            }
            if (!grow) {
                return null;
            }
            switch (how) {
                case PCIE_TO_PCI_BRIDGE -> // virDomainPCIAddressSetGrow adds no root port for a bridge
                    throw VirException.internalError(VirErrorDomain.DOMAIN, String.format(Locale.ROOT,
                            "Cannot automatically add a new PCI bus for a device with connect flags %02x", BRIDGE_CONNECT_FLAGS));
                case PCIE_DEVICE -> {
                    add(ROOT_PORT);
                    return take(models.size() - 1, 0, 0);
                }
                case PCI_DEVICE -> {
                    if (models.contains(BRIDGE)) {
                        throw QemuSubset.unsupported("more conventional PCI devices than one pcie-to-pci-bridge holds");
                    }
                    add(ROOT_PORT);
                    take(models.size() - 1, 0, 0); // the bridge's: the hot-plug port must be another one
                    add(BRIDGE);
                    return take(models.size() - 1, 1, 0);
                }
                default -> throw noSlots();
            }
        }

        private static boolean takes(String model, Connect how) {
            return switch (how) {
                case ROOT_PORT -> ROOT.equals(model);
                case PCIE_DEVICE, PCIE_TO_PCI_BRIDGE -> ROOT_PORT.equals(model);
                case PCI_DEVICE -> BRIDGE.equals(model);
                case OUTSIDE -> false;
            };
        }

        private int[] free(int bus, Connect how) {
            boolean[][] u = used.get(bus);
            int first = BRIDGE.equals(models.get(bus)) || ROOT.equals(models.get(bus)) ? 1 : 0;
            int last = ROOT_PORT.equals(models.get(bus)) ? 0 : 31;
            for (int slot = first; slot <= last; slot++) {
                if (how == Connect.ROOT_PORT && aggregate.get(bus)[slot]) {
                    for (int fn = 0; fn < 8; fn++) {
                        if (!u[slot][fn]) {
                            return take(bus, slot, fn);
                        }
                    }
                    continue;
                }
                boolean empty = true;
                for (boolean f : u[slot]) {
                    empty &= !f;
                }
                if (empty) {
                    if (how == Connect.ROOT_PORT) {
                        aggregate.get(bus)[slot] = true;
                    }
                    return take(bus, slot, 0);
                }
            }
            return null;
        }

        private int[] take(int bus, int slot, int fn) {
            used.get(bus)[slot][fn] = true;
            return new int[] {bus, slot, fn};
        }

        /** virDomainPCIAddressSetAllMulti: function 0 of a slot with other functions in use. */
        void setMultifunction(DomainDef def) {
            for (DeviceDef dev : def.devices()) {
                XmlNode a = dev.address();
                if (a == null || !"pci".equals(a.attr("type")) || a.attr("multifunction") != null
                        || num(a.attr("function")) != 0 || num(a.attr("bus")) >= models.size()) {
                    continue;
                }
                boolean[] fns = used.get(num(a.attr("bus")))[num(a.attr("slot"))];
                for (int fn = 1; fn < 8; fn++) {
                    if (fns[fn]) {
                        a.attr("multifunction", "on");
                        break;
                    }
                }
            }
        }
    }
}
