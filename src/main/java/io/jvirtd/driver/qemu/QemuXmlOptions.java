package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.DomainXmlOptions;
import io.jvirtd.model.conf.XmlNode;

import java.util.List;

/**
 * The QEMU driver's domain XML options, libvirt 9.0's QEMU xmlopt (qemuDomainXMLConfInit:
 * virQEMUDriverDomainDefParserConfig) for what this driver runs: the host's arch, QEMU's
 * default emulator, machine {@code pc} and CPU {@code qemu64}, and the devices libvirt adds to
 * an x86 guest and prints back (qemuDomainDefAddDefaultDevices: USB controller, PCI root,
 * PS/2 mouse and keyboard, virtio balloon; an {@code <audio type='none'/>} backend; the serial
 * target model; their fixed i440fx PCI addresses; a video's default model, {@link QemuVideo}). Then {@link QemuSubset} refuses what the
 * driver does not run. Whatever needs the emulator's capabilities (machine aliases, virt type)
 * is the lifecycle's, at define and start.
 *
 * <p>Stateless; any thread.
 */
final class QemuXmlOptions {

    static final String DEFAULT_EMULATOR = "/usr/bin/qemu-system-x86_64";
    static final String DEFAULT_MACHINE = "pc";

    /** What every QEMU domain parse passes (define, create, config and status files). */
    static final DomainXmlOptions OPTIONS = DomainXmlOptions.GENERIC
            .withDefaultArch("x86_64")
            .withDevicePostParse(QemuVideo::defaultModel)
            .withPostParse(QemuXmlOptions::postParse)
            .withValidate(QemuSubset::check);

    /** i440fx: the PIIX3 USB function and the first free slot, where libvirt puts them. */
    static final String USB_PCI_SLOT = "0x01";
    static final String USB_PCI_FUNCTION = "0x2";

    private QemuXmlOptions() {
    }

    private static void postParse(DomainDef d, int flags) {
        if (d.emulator() == null) {
            d.setEmulator(DEFAULT_EMULATOR);
        }
        if (d.osMachine() == null) {
            d.setOsMachine(DEFAULT_MACHINE);
        }
        defaultCpu(d);
        controllers(d);
        serials(d);
        inputs(d);
        if (d.devices(DeviceKind.AUDIO).isEmpty()) {
            d.addDevice(DeviceDef.of(DeviceKind.AUDIO, new XmlNode("audio").attr("id", "1").attr("type", "none")));
        }
        balloon(d);
        QemuDeviceDefaults.apply(d);
        // qemuDomainAssignAddresses: the implicit disk controllers exist by now
        if (isQ35(d)) {
            QemuPcieSlots.assign(d);
        } else {
            QemuPciSlots.assign(d);
        }
    }

    static boolean isQ35(DomainDef d) {
        return d.osMachine() != null && (d.osMachine().equals("q35") || d.osMachine().startsWith("pc-q35"));
    }

    /** qemuDomainDefSetDefaultCPU: QEMU's default model for TCG, printed back; check none. */
    private static void defaultCpu(DomainDef d) {
        XmlNode cpu = d.cpuNode();
        if (cpu == null) {
            cpu = new XmlNode("cpu").attr("mode", "custom").attr("match", "exact");
            d.setCpuNode(cpu);
        }
        if (!"custom".equals(cpu.attr("mode"))) {
            return; // QemuSubset refuses it
        }
        if (cpu.attr("check") == null) {
            cpu.attr("check", "none");
        }
        XmlNode model = cpu.child("model");
        if (model == null) {
            cpu.children().add(0, new XmlNode("model").attr("fallback", "forbid").text("qemu64"));
        } else if (model.attr("fallback") == null) {
            model.attr("fallback", "allow");
        }
    }

    /**
     * The implicit USB controller (PIIX3 UHCI at 00:01.2) and the PCI root; on q35
     * (qemuDomainDefAddDefaultDevices) a qemu-xhci, the ICH9's SATA controller and pcie-root,
     * in that order, their addresses {@link QemuPcieSlots}'.
     */
    private static void controllers(DomainDef d) {
        if (isQ35(d)) {
            controller(d, "usb", "qemu-xhci");
            DeviceDef sata = controller(d, "sata", null);
            if (d.controllers().stream().noneMatch(c -> "pci".equals(c.node().attr("type")) && c.controllerIndex() == 0)) {
                DeviceDef root = DeviceDef.of(DeviceKind.CONTROLLER,
                        new XmlNode("controller").attr("type", "pci").attr("index", "0").attr("model", QemuPcieSlots.ROOT));
                d.devices().add(d.devices().indexOf(sata) + 1, root);
            }
            for (DeviceDef c : d.controllers()) {
                if (!"pci".equals(c.node().attr("type")) || c.controllerIndex() != 0) {
                    continue;
                }
                String model = c.node().attr("model");
                if (model == null) {
                    c.node().attr("model", QemuPcieSlots.ROOT);
                } else if (!QemuPcieSlots.ROOT.equals(model)) { // qemuDomainDefAddDefaultDevices
                    throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.QEMU, "The PCI controller with index='0' must be "
                            + "model='pcie-root' for this machine type, but model='" + model + "' was found instead");
                }
            }
            return;
        }
        DeviceDef usb = controller(d, "usb", "piix3-uhci");
        if (usb.address() == null && "piix3-uhci".equals(usb.node().attr("model"))) {
            usb.node().add(pciAddress(USB_PCI_SLOT, USB_PCI_FUNCTION));
        }
        controller(d, "pci", "pci-root");
    }

    /**
     * libvirt adds the default controllers before the generic post-parse adds those of the
     * disks' buses (an IDE or SATA controller without children); jvirtd's generic part runs
     * first, so they go in front of those.
     */
    private static void addBeforeImplicit(DomainDef d, DeviceDef controller) {
        List<DeviceDef> all = d.devices();
        for (int i = 0; i < all.size(); i++) {
            DeviceDef c = all.get(i);
            if (c.kind() == DeviceKind.CONTROLLER && List.of("ide", "sata").contains(c.node().attr("type"))
                    && c.node().children().isEmpty()) {
                all.add(i, controller);
                return;
            }
        }
        d.addDevice(controller);
    }

    /** The first controller of {@code type} (index 0 added when there is none), its model defaulted. */
    private static DeviceDef controller(DomainDef d, String type, String defaultModel) {
        DeviceDef found = null;
        for (DeviceDef c : d.controllers()) {
            if (found == null && type.equals(c.node().attr("type"))) {
                found = c;
            }
        }
        if (found == null) {
            found = DeviceDef.of(DeviceKind.CONTROLLER, new XmlNode("controller").attr("type", type).attr("index", "0"));
            addBeforeImplicit(d, found);
        }
        if (found.node().attr("model") == null && defaultModel != null) {
            found.node().attr("model", defaultModel);
        }
        return found;
    }

    /** qemuDomainChrDefPostParse: an x86 serial port is an isa-serial. */
    private static void serials(DomainDef d) {
        for (DeviceDef s : d.devices(DeviceKind.SERIAL)) {
            List<XmlNode> children = s.node().children();
            XmlNode t = s.node().child("target");
            if (t == null || t.attr("type") != null) {
                continue;
            }
            XmlNode typed = new XmlNode("target").attr("type", "isa-serial");
            t.attrs().forEach(typed::attr);
            t.children().forEach(typed::add);
            if (typed.child("model") == null) {
                typed.add(new XmlNode("model").attr("name", "isa-serial"));
            }
            children.set(children.indexOf(t), typed);
        }
    }

    /** qemuDomainDefAddImplicitInputDevice: a PS/2 mouse and keyboard. */
    private static void inputs(DomainDef d) {
        for (String type : List.of("mouse", "keyboard")) {
            boolean present = false;
            for (DeviceDef i : d.devices(DeviceKind.INPUT)) {
                present |= type.equals(i.node().attr("type")) && "ps2".equals(i.node().attr("bus"));
            }
            if (!present) {
                d.addDevice(DeviceDef.of(DeviceKind.INPUT, new XmlNode("input").attr("type", type).attr("bus", "ps2")));
            }
        }
    }

    /** The default virtio balloon and its PCI slot. */
    private static void balloon(DomainDef d) {
        List<DeviceDef> balloons = d.devices(DeviceKind.MEMBALLOON);
        if (balloons.isEmpty()) {
            d.addDevice(DeviceDef.of(DeviceKind.MEMBALLOON, new XmlNode("memballoon").attr("model", "virtio")));
            balloons = d.devices(DeviceKind.MEMBALLOON);
        }
    }

    static XmlNode pciAddress(String slot, String function) {
        return new XmlNode("address").attr("type", "pci").attr("domain", "0x0000").attr("bus", "0x00")
                .attr("slot", slot).attr("function", function);
    }
}
