package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;

import java.util.List;
import java.util.Set;

/**
 * The part of libvirt's domain XML this driver runs, checked on a parsed and post-parsed
 * definition (the validate hook of {@link QemuXmlOptions}): whatever lies outside is refused
 * with CONFIG_UNSUPPORTED naming the part, never silently dropped. The subset: type, name,
 * uuid, title, description, metadata, memory, currentMemory, vcpu, os (hvm, x86_64, machine,
 * kernel, initrd, cmdline, boot), features acpi/apic, a custom CPU model, cputune vcpupin/emulatorpin, clock offset utc,
 * on_poweroff/on_reboot/on_crash destroy or restart, emulator, a pty serial port 0 with log,
 * its pty console, and the implicit devices {@link QemuXmlOptions} adds (USB controller, PCI
 * root, PS/2 inputs, audio none, memballoon virtio or none), and videos ({@link QemuVideo}); on
 * q35 the qemu-xhci USB controller, the ICH9 SATA controller, pcie-root and the
 * pcie-root-port and pcie-to-pci-bridge controllers ({@link QemuPcieSlots}), no video.
 * One method per device family.
 *
 * <p>Stateless; any thread.
 */
final class QemuSubset {

    private static final Set<String> SECTIONS = Set.of("title", "description", "metadata", "features", "cpu", "cputune",
            "vcpus", "memtune", "resource", "blkiotune", "numatune", "iothreads");
    /** The cputune scalars libvirt's cgroup code applies ({@link QemuCgroupTuning}). */
    private static final Set<String> CPUTUNE_SCALARS = Set.of("shares", "period", "quota", "global_period",
            "global_quota", "emulator_period", "emulator_quota", "iothread_period", "iothread_quota");

    private QemuSubset() {
    }

    static void check(DomainDef d, int parseFlags) {
        for (String s : d.optionalSections()) {
            if (!SECTIONS.contains(s)) {
                throw unsupported(s.startsWith("memory/@") ? "attribute 'dumpCore' of <memory>" : "<" + s + ">");
            }
        }
        if (!"static".equals(d.vcpuPlacement()) || d.vcpuCpuset() != null ) {
            throw unsupported("<vcpu> other than a static count");
        }
        QemuVcpuHotplug.checkDefinition(d);
        cputune(d);
        if (d.optionalSections().contains("iothreads")
                && d.format(DomainDef.XML_INACTIVE).contains("<defaultiothread")) {
            throw unsupported("<defaultiothread>");
        }
        os(d);
        features(d);
        cpu(d);
        XmlNode clock = d.clockNode();
        if (clock != null && (!"utc".equals(clock.attr("offset")) || clock.attrs().size() > 1
                || !clock.children().isEmpty())) {
            throw unsupported("clock other than <clock offset='utc'/>");
        }
        action("on_poweroff", d.onPoweroff());
        action("on_reboot", d.onReboot());
        // any on_crash libvirt takes: none acts, as no device this driver allows reports a panic
        QemuLifecycleActions.validate(d.onPoweroff(), d.onReboot(), d.onCrash());
        QemuDeviceCheck.check(d, QemuXmlOptions.isQ35(d), (parseFlags & DomainDef.PARSE_STATUS) != 0);
        boolean inactive = (parseFlags & DomainDef.PARSE_INACTIVE) != 0;
        for (DeviceDef dev : d.devices()) {
            if (inactive && dev.alias() != null) {
                throw unsupported("device alias '" + dev.alias() + "'");
            }
            switch (dev.kind()) {
                case CONTROLLER -> controller(dev.node(), QemuXmlOptions.isQ35(d));
                case SERIAL -> serial(dev.node());
                case CONSOLE -> console(dev.node());
                case INPUT -> input(dev.node());
                case AUDIO -> audio(dev.node());
                case MEMBALLOON -> balloon(dev.node());
                case VIDEO -> QemuVideo.check(d, dev);
                case DISK, INTERFACE -> { } // QemuDeviceCheck
                default -> throw unsupported("device <" + dev.kind().element() + ">");
            }
        }
    }

    private static void os(DomainDef d) {
        if (!"hvm".equals(d.osType())) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Emulator '%s' does not support os type '%s'", d.emulator(), d.osType());
        }
        if (!"x86_64".equals(d.osArch())) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Emulator '%s' does not support arch '%s'", d.emulator(), d.osArch());
        }
        XmlNode os = d.osNode();
        if (os != null) {
            attrs(os, "os");
            children(os, "os", "kernel", "initrd", "cmdline", "boot");
        }
    }

    private static void features(DomainDef d) {
        XmlNode f = d.featuresNode();
        if (f == null) {
            return;
        }
        for (XmlNode c : f.children()) {
            if (!c.name().equals("acpi") && !c.name().equals("apic")) {
                throw unsupported("<features><" + c.name() + "/>");
            }
            attrs(c, c.name());
            children(c, c.name());
        }
    }

    /** A custom CPU model (whether the emulator has it is checked at start, as libvirt does). */
    private static void cpu(DomainDef d) {
        XmlNode cpu = d.cpuNode();
        if (cpu == null) {
            return;
        }
        attrs(cpu, "cpu", "mode", "match", "check");
        value(cpu, "mode", "custom", "cpu mode");
        value(cpu, "match", "exact", "cpu match");
        value(cpu, "check", "none", "cpu check");
        children(cpu, "cpu", "model", "topology");
        XmlNode model = cpu.child("model");
        if (model != null) {
            attrs(model, "cpu><model", "fallback");
        }
    }

    private static void action(String element, String action) {
        if (!"destroy".equals(action) && !"restart".equals(action)) {
            throw unsupported(element + " action '" + action + "'");
        }
    }

    // ------------------------------------------------------------------ device families

    private static void controller(XmlNode c, boolean q35) {
        String type = c.attr("type");
        if (q35) {
            q35Controller(c);
            return;
        }
        if ("usb".equals(type)) {
            value(c, "model", "piix3-uhci", "usb controller model");
            address(c, QemuXmlOptions.USB_PCI_SLOT, QemuXmlOptions.USB_PCI_FUNCTION, "usb controller");
        } else if ("ide".equals(type) || "sata".equals(type)) {
            children(c, "controller", "alias", "address"); // the address: QemuPciSlots
        } else if ("pci".equals(type)) {
            value(c, "model", "pci-root", "pci controller model");
            children(c, "controller", "alias");
        } else {
            throw unsupported("controller type '" + type + "'");
        }
        attrs(c, "controller", "type", "index", "model");
        value(c, "index", "0", "controller index");
    }

    /**
     * On q35: the qemu-xhci USB controller, the ICH9's SATA controller, pcie-root and the
     * pcie-root-port and pcie-to-pci-bridge controllers libvirt adds (addresses: {@link QemuPcieSlots}).
     */
    private static void q35Controller(XmlNode c) {
        String type = c.attr("type");
        if ("usb".equals(type)) {
            value(c, "model", "qemu-xhci", "usb controller model on q35");
            children(c, "controller", "alias", "address");
            value(c, "index", "0", "controller index");
            String ports = c.attr("ports"); // virt-install writes ports='15'
            if (ports != null && !ports.matches("[1-9]|1[0-5]")) {
                throw unsupported("usb controller ports '" + ports + "'");
            }
        } else if ("sata".equals(type)) {
            children(c, "controller", "alias", "address");
            value(c, "index", "0", "controller index");
        } else if ("pci".equals(type)) {
            String model = c.attr("model");
            if (!List.of(QemuPcieSlots.ROOT, QemuPcieSlots.ROOT_PORT, QemuPcieSlots.BRIDGE).contains(model)) {
                throw unsupported("pci controller model '" + model + "' on q35");
            }
            children(c, "controller", "model", "target", "alias", "address");
            XmlNode m = c.child("model");
            if (m != null) {
                attrs(m, "controller><model", "name");
                value(m, "name", QemuPcieSlots.ROOT_PORT.equals(model) ? "pcie-root-port" : "pcie-pci-bridge", "pci controller model name");
            }
            XmlNode t = c.child("target");
            if (t != null) {
                attrs(t, "controller><target", "chassis", "port");
            }
            if (QemuPcieSlots.ROOT.equals(model)) {
                value(c, "index", "0", "pcie-root index");
            }
        } else {
            throw unsupported("controller type '" + type + "'");
        }
        if ("usb".equals(type)) {
            attrs(c, "controller", "type", "index", "model", "ports");
        } else {
            attrs(c, "controller", "type", "index", "model");
        }
    }

    private static void serial(XmlNode s) {
        value(s, "type", "pty", "serial type");
        attrs(s, "serial", "type");
        children(s, "serial", "source", "log", "target", "alias");
        log(s, "serial");
        XmlNode t = s.child("target");
        attrs(t, "serial><target", "type", "port");
        value(t, "type", "isa-serial", "serial target type");
        if (!"0".equals(t.attr("port"))) {
            throw unsupported("serial port other than 0");
        }
        children(t, "serial><target", "model");
        if (t.child("model") != null) {
            value(t.child("model"), "name", "isa-serial", "serial target model");
        }
    }

    private static void console(XmlNode c) {
        value(c, "type", "pty", "console type");
        attrs(c, "console", "type", "tty");
        children(c, "console", "source", "log", "target", "alias");
        XmlNode t = c.child("target");
        value(t, "type", "serial", "console target type");
        if (!"0".equals(t.attr("port"))) {
            throw unsupported("console port other than 0");
        }
    }

    private static void input(XmlNode i) {
        if (!("mouse".equals(i.attr("type")) || "keyboard".equals(i.attr("type")))) {
            throw unsupported("input type '" + i.attr("type") + "'");
        }
        value(i, "bus", "ps2", "input bus");
        attrs(i, "input", "type", "bus");
        children(i, "input", "alias");
    }

    private static void audio(XmlNode a) {
        value(a, "type", "none", "audio type");
        attrs(a, "audio", "id", "type");
        children(a, "audio");
    }

    private static void balloon(XmlNode b) {
        String model = b.attr("model");
        if (!"virtio".equals(model) && !"none".equals(model)) {
            throw unsupported("memballoon model '" + model + "'");
        }
        attrs(b, "memballoon", "model");
        if ("virtio".equals(model)) {
            children(b, "memballoon", "alias", "address", "stats"); // the address: QemuPciSlots
            for (XmlNode st : b.children("stats")) { // the guest statistics' polling period
                attrs(st, "memballoon stats", "period");
            }
        } else {
            children(b, "memballoon");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A pty's {@code <log file append>}: the append value is libvirt's to check. */
    private static void log(XmlNode chr, String what) {
        XmlNode log = chr.child("log");
        if (log != null) {
            attrs(log, what + "><log", "file", "append");
        }
    }

    /** The device's PCI address must be where this driver puts it (children: alias, address). */
    private static void address(XmlNode dev, String slot, String function, String what) {
        children(dev, dev.name(), "alias", "address");
        XmlNode a = dev.child("address");
        if (a != null && !a.attrs().equals(QemuXmlOptions.pciAddress(slot, function).attrs())) {
            throw unsupported(what + " address other than 0000:00:" + slot.substring(2) + "." + function.substring(2));
        }
    }

    private static void value(XmlNode n, String attr, String expected, String what) {
        String v = n.attr(attr);
        if (v != null && !v.equals(expected)) {
            throw unsupported(what + " '" + v + "'");
        }
    }

    /** Refuses attributes outside {@code allowed}. */
    private static void attrs(XmlNode n, String where, String... allowed) {
        List<String> ok = List.of(allowed);
        for (String a : n.attrs().keySet()) {
            if (!ok.contains(a)) {
                throw unsupported("attribute '" + a + "' of <" + where + ">");
            }
        }
    }

    /** Refuses child elements outside {@code allowed}. */
    private static void children(XmlNode n, String where, String... allowed) {
        List<String> ok = List.of(allowed);
        for (XmlNode c : n.children()) {
            if (!ok.contains(c.name())) {
                throw unsupported("<" + where + "><" + c.name() + ">");
            }
        }
    }

    /** What the subset refuses: libvirt's CONFIG_UNSUPPORTED, naming the part. */
    /**
     * {@code <cputune>}: vcpupin and emulatorpin, which {@link QemuVcpuPins} applies at start,
     * iothreadpin ({@link QemuIoThreads}) and the scalars the cgroup code applies; {@code <memtune>}:
     * the three limits of the memory cgroup.
     */
    private static void cputune(DomainDef d) {
        String xml = d.format(DomainDef.XML_INACTIVE);
        if (d.optionalSections().contains("cputune")) {
            children(xml, "cputune", n -> n.equals("vcpupin") || n.equals("emulatorpin") || n.equals("iothreadpin")
                    || CPUTUNE_SCALARS.contains(n));
        }
        if (d.optionalSections().contains("numatune")) {
            children(xml, "numatune", n -> n.equals("memory"));
            if (xml.contains("placement='auto'") && xml.indexOf("placement='auto'") > xml.indexOf("<numatune>")
                    && xml.indexOf("placement='auto'") < xml.indexOf("</numatune>")) {
                throw unsupported("<numatune> placement 'auto'");
            }
        }
        if (d.optionalSections().contains("blkiotune")) {
            children(xml, "blkiotune", n -> n.equals("weight"));
        }
        if (d.optionalSections().contains("resource")) {
            children(xml, "resource", n -> n.equals("partition"));
        }
        if (d.optionalSections().contains("memtune")) {
            children(xml, "memtune", n -> n.equals("hard_limit") || n.equals("soft_limit")
                    || n.equals("swap_hard_limit"));
        }
    }

    private static void children(String xml, String section, java.util.function.Predicate<String> allowed) {
        int from = xml.indexOf("<" + section + ">");
        int to = xml.indexOf("</" + section + ">");
        if (from < 0 || to < from) {
            return;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<([A-Za-z_]+)")
                .matcher(xml.substring(from + section.length() + 2, to));
        while (m.find()) {
            if (!allowed.test(m.group(1))) {
                throw unsupported("<" + section + "><" + m.group(1) + ">");
            }
        }
    }

    static VirException unsupported(String what) {
        return VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                what + " is not supported by jvirtd's QEMU driver yet");
    }
}
