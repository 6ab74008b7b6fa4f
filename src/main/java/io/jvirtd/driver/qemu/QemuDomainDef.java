package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.Enums;
import io.jvirtd.model.conf.ScaledValue;
import io.jvirtd.model.domain.Uuids;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A QEMU domain definition: the subset of libvirt's domain XML this driver runs so far, parsed
 * strictly (an element or attribute outside the subset is refused with CONFIG_UNSUPPORTED, never
 * dropped), with libvirt's QEMU defaults filled in and formatted as libvirtd's QEMU driver
 * prints it. The subset: type qemu, name, uuid, title, description, memory, currentMemory,
 * vcpu, os (hvm, x86_64, machine, kernel, initrd, cmdline, boot), features acpi/apic, a custom
 * CPU model, clock
 * offset utc, on_poweroff/on_reboot/on_crash, emulator, pty serial with log, pty console,
 * memballoon virtio or none.
 *
 * <p>Threads: mutable, not thread-safe; the driver copies a definition under the domain's lock
 * and formats copies.
 */
final class QemuDomainDef {

    static final String DEFAULT_EMULATOR = "/usr/bin/qemu-system-x86_64";

    String virtType = "qemu";
    int id = -1;
    String name;
    byte[] uuid;
    String title;
    String description;
    long memoryKiB;
    long currentMemoryKiB;
    int vcpus = 1;
    String arch = "x86_64";
    String machine = "pc";
    String kernel;
    String initrd;
    String cmdline;
    final List<String> bootDevs = new ArrayList<>();
    boolean acpi;
    boolean apic;
    /** A named custom CPU model, or null for QEMU's default (qemu64, which libvirt prints). */
    String cpuModel;
    String cpuFallback = "allow";
    String onPoweroff = "destroy";
    String onReboot = "restart";
    String onCrash = "destroy";
    String emulator = DEFAULT_EMULATOR;
    final List<Serial> serials = new ArrayList<>();
    boolean console;
    String memballoon = "virtio";

    /** A pty serial port; {@code ptyPath} is live state (null while not running). */
    static final class Serial {
        String logFile;
        String logAppend;
        String ptyPath;

        Serial copy() {
            Serial s = new Serial();
            s.logFile = logFile;
            s.logAppend = logAppend;
            s.ptyPath = ptyPath;
            return s;
        }
    }

    QemuDomainDef copy() {
        QemuDomainDef d = new QemuDomainDef();
        d.virtType = virtType;
        d.id = id;
        d.name = name;
        d.uuid = uuid.clone();
        d.title = title;
        d.description = description;
        d.memoryKiB = memoryKiB;
        d.currentMemoryKiB = currentMemoryKiB;
        d.vcpus = vcpus;
        d.arch = arch;
        d.machine = machine;
        d.kernel = kernel;
        d.initrd = initrd;
        d.cmdline = cmdline;
        d.bootDevs.addAll(bootDevs);
        d.acpi = acpi;
        d.apic = apic;
        d.cpuModel = cpuModel;
        d.cpuFallback = cpuFallback;
        d.onPoweroff = onPoweroff;
        d.onReboot = onReboot;
        d.onCrash = onCrash;
        d.emulator = emulator;
        for (Serial s : serials) {
            d.serials.add(s.copy());
        }
        d.console = console;
        d.memballoon = memballoon;
        return d;
    }

    // ================================================================== parse

    /** Parses domain XML (inactive: live-only parts such as the id are ignored). */
    static QemuDomainDef parse(String xml) {
        Element root = VirXml.parseString(xml == null ? "" : xml, "(domain_definition)", "domain",
                VirErrorDomain.DOMAIN).getDocumentElement();
        return parse(root, false);
    }

    /** Parses a {@code <domain>} element; {@code live} keeps the id and pty paths (status files). */
    static QemuDomainDef parse(Element root, boolean live) {
        QemuDomainDef d = new QemuDomainDef();
        attrs(root, "type", "id");
        String type = root.getAttribute("type");
        if (type.isEmpty()) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                    "missing domain type attribute");
        }
        if (!Enums.VIRT_TYPES.contains(type)) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                    "Invalid value for attribute 'type' in element 'domain': '" + type + "'.");
        }
        d.virtType = type;
        if (live && !root.getAttribute("id").isEmpty()) {
            d.id = Integer.parseInt(root.getAttribute("id"));
        }
        for (Element e : children(root)) {
            switch (VirXml.localName(e)) {
                case "name" -> d.name = text(e);
                case "uuid" -> d.uuid = Uuids.parse(text(e)).orElseThrow(() -> VirException.of(
                        VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.DOMAIN, "malformed uuid element"));
                case "title" -> d.title = text(e);
                case "description" -> d.description = text(e);
                case "memory" -> d.memoryKiB = scaledKiB(e, "memory");
                case "currentMemory" -> d.currentMemoryKiB = scaledKiB(e, "currentMemory");
                case "vcpu" -> {
                    attrs(e, "placement");
                    d.vcpus = positiveInt(text(e), "vcpu");
                }
                case "os" -> parseOs(d, e);
                case "features" -> {
                    for (Element f : children(e)) {
                        switch (VirXml.localName(f)) {
                            case "acpi" -> d.acpi = true;
                            case "apic" -> d.apic = true;
                            default -> throw unsupported("<features><" + VirXml.localName(f) + "/>");
                        }
                    }
                }
                case "clock" -> {
                    attrs(e, "offset");
                    if (!"utc".equals(e.getAttribute("offset")) || !children(e).isEmpty()) {
                        throw unsupported("clock other than <clock offset='utc'/>");
                    }
                }
                case "cpu" -> parseCpu(d, e);
                case "on_poweroff" -> d.onPoweroff = action(e);
                case "on_reboot" -> d.onReboot = action(e);
                case "on_crash" -> d.onCrash = action(e);
                case "devices" -> parseDevices(d, e, live);
                default -> throw unsupported("<" + VirXml.localName(e) + ">");
            }
        }
        if (d.name == null || d.name.isEmpty()) {
            throw VirException.of(VirErrorNumber.NO_NAME, VirErrorDomain.DOMAIN, null);
        }
        if (d.uuid == null) {
            d.uuid = Uuids.random();
        }
        if (d.memoryKiB <= 0) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                    "Memory size must be specified via <memory> or in the <numa> configuration");
        }
        if (d.currentMemoryKiB <= 0 || d.currentMemoryKiB > d.memoryKiB) {
            d.currentMemoryKiB = d.memoryKiB;
        }
        if (d.console && d.serials.isEmpty()) {
            d.serials.add(new Serial()); // libvirt: a serial console implies serial0
        }
        if (d.bootDevs.isEmpty()) { // libvirt: no boot order and no per-device boot means hd
            d.bootDevs.add("hd");
        }
        return d; // the virt type, machine and CPU model are checked against the emulator's capabilities
    }

    /**
     * A custom CPU model (the default is QEMU's qemu64, printed back as libvirt does); whether
     * the emulator has the model is checked at start, as libvirt does. Host-model,
     * host-passthrough, maximum, features and topology are outside the subset.
     */
    private static void parseCpu(QemuDomainDef d, Element cpu) {
        attrs(cpu, "mode", "match", "check");
        String mode = cpu.getAttribute("mode");
        if (!mode.isEmpty() && !mode.equals("custom")) {
            throw unsupported("cpu mode '" + mode + "'");
        }
        String match = cpu.getAttribute("match");
        if (!match.isEmpty() && !match.equals("exact")) {
            throw unsupported("cpu match '" + match + "'");
        }
        String check = cpu.getAttribute("check");
        if (!check.isEmpty() && !check.equals("none")) {
            throw unsupported("cpu check '" + check + "'");
        }
        for (Element c : children(cpu)) {
            if (!VirXml.localName(c).equals("model")) {
                throw unsupported("<cpu><" + VirXml.localName(c) + ">");
            }
            attrs(c, "fallback");
            String fallback = c.getAttribute("fallback");
            if (!fallback.isEmpty() && !fallback.equals("allow") && !fallback.equals("forbid")) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.CPU,
                        "Invalid fallback attribute");
            }
            d.cpuModel = text(c);
            d.cpuFallback = fallback.isEmpty() ? "allow" : fallback;
        }
    }

    private static void parseOs(QemuDomainDef d, Element os) {
        attrs(os);
        for (Element e : children(os)) {
            switch (VirXml.localName(e)) {
                case "type" -> {
                    attrs(e, "arch", "machine");
                    if (!"hvm".equals(text(e))) {
                        throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                                "Emulator '%s' does not support os type '%s'", d.emulator, text(e));
                    }
                    if (!e.getAttribute("arch").isEmpty()) {
                        d.arch = e.getAttribute("arch");
                    }
                    if (!e.getAttribute("machine").isEmpty()) {
                        d.machine = e.getAttribute("machine");
                    }
                }
                case "kernel" -> d.kernel = text(e);
                case "initrd" -> d.initrd = text(e);
                case "cmdline" -> d.cmdline = e.getTextContent();
                case "boot" -> {
                    attrs(e, "dev");
                    String dev = e.getAttribute("dev");
                    if (!Set.of("hd", "cdrom", "network", "fd").contains(dev)) {
                        throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.DOMAIN,
                                "unknown boot device '" + dev + "'");
                    }
                    d.bootDevs.add(dev);
                }
                default -> throw unsupported("<os><" + VirXml.localName(e) + ">");
            }
        }
        if (!"x86_64".equals(d.arch)) {
            throw VirException.format(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Emulator '%s' does not support arch '%s'", d.emulator, d.arch);
        }
    }

    private static void parseDevices(QemuDomainDef d, Element devices, boolean live) {
        attrs(devices);
        for (Element e : children(devices)) {
            switch (VirXml.localName(e)) {
                case "emulator" -> d.emulator = text(e);
                case "serial" -> d.serials.add(parseSerial(e, live));
                case "console" -> {
                    attrs(e, "type", "tty");
                    if (!"pty".equals(e.getAttribute("type"))) {
                        throw unsupported("console type '" + e.getAttribute("type") + "'");
                    }
                    for (Element c : children(e)) {
                        String n = VirXml.localName(c);
                        if (n.equals("target")) {
                            attrs(c, "type", "port");
                            String t = c.getAttribute("type");
                            if (!t.isEmpty() && !t.equals("serial")) {
                                throw unsupported("console target type '" + t + "'");
                            }
                        } else if (!n.equals("source") && !n.equals("log") && !n.equals("alias")) {
                            throw unsupported("<console><" + n + ">");
                        }
                    }
                    d.console = true;
                }
                case "memballoon" -> {
                    attrs(e, "model");
                    String model = e.getAttribute("model");
                    if (!model.equals("virtio") && !model.equals("none")) {
                        throw unsupported("memballoon model '" + model + "'");
                    }
                    for (Element c : children(e)) {
                        if (!Set.of("alias", "address").contains(VirXml.localName(c))) {
                            throw unsupported("<memballoon><" + VirXml.localName(c) + ">");
                        }
                    }
                    d.memballoon = model;
                }
                // implicit devices libvirt adds itself and prints back: accepted when they match
                case "controller", "input", "audio" -> implicitDevice(e);
                default -> throw unsupported("device <" + VirXml.localName(e) + ">");
            }
        }
    }

    private static void implicitDevice(Element e) {
        String kind = VirXml.localName(e);
        String type = e.getAttribute("type");
        boolean ok = switch (kind) {
            case "controller" -> type.equals("usb") || type.equals("pci");
            case "input" -> (type.equals("mouse") || type.equals("keyboard")) && "ps2".equals(e.getAttribute("bus"));
            case "audio" -> type.equals("none");
            default -> false;
        };
        if (!ok) {
            throw unsupported(kind + " type '" + type + "'");
        }
    }

    private static Serial parseSerial(Element e, boolean live) {
        attrs(e, "type");
        if (!"pty".equals(e.getAttribute("type"))) {
            throw unsupported("serial type '" + e.getAttribute("type") + "'");
        }
        Serial s = new Serial();
        for (Element c : children(e)) {
            switch (VirXml.localName(c)) {
                case "log" -> {
                    attrs(c, "file", "append");
                    s.logFile = c.getAttribute("file");
                    String append = c.getAttribute("append");
                    if (!append.isEmpty() && !append.equals("on") && !append.equals("off")) {
                        throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                                "Invalid append attribute value '" + append + "'");
                    }
                    s.logAppend = append.isEmpty() ? null : append;
                }
                case "target" -> {
                    attrs(c, "type", "port");
                    if (!c.getAttribute("port").isEmpty() && !c.getAttribute("port").equals("0")) {
                        throw unsupported("serial port other than 0");
                    }
                    for (Element m : children(c)) {
                        if (!VirXml.localName(m).equals("model") || !"isa-serial".equals(m.getAttribute("name"))) {
                            throw unsupported("serial target model");
                        }
                    }
                }
                case "source" -> {
                    if (live && !c.getAttribute("path").isEmpty()) {
                        s.ptyPath = c.getAttribute("path");
                    }
                }
                case "alias" -> { }
                default -> throw unsupported("<serial><" + VirXml.localName(c) + ">");
            }
        }
        return s;
    }

    private static String action(Element e) {
        String v = text(e);
        if (!Enums.LIFECYCLE_ACTIONS.contains(v)) {
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.DOMAIN,
                    "Invalid " + VirXml.localName(e) + " value: '" + v + "'");
        }
        if (!v.equals("destroy") && !v.equals("restart")) {
            throw unsupported(VirXml.localName(e) + " action '" + v + "'");
        }
        return v;
    }

    /** libvirt's virDomainParseMemory, shared with the full parser: KiB, or -1 when empty. */
    private static long scaledKiB(Element e, String what) {
        attrs(e, "unit", "slots", "dumpCore");
        return ScaledValue.memoryKiB(e.getTextContent(), e.getAttribute("unit"), "./" + what + "[1]");
    }

    private static int positiveInt(String s, String what) {
        try {
            int n = Integer.parseInt(s);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN,
                "maximum vcpus count must be an integer");
    }

    /** Refuses attributes outside {@code allowed}. */
    private static void attrs(Element e, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (int i = 0; i < e.getAttributes().getLength(); i++) {
            Node a = e.getAttributes().item(i);
            String n = a.getLocalName() != null ? a.getLocalName() : a.getNodeName();
            if (n.startsWith("xmlns") || ok.contains(n)) {
                continue;
            }
            throw unsupported("attribute '" + n + "' of <" + VirXml.localName(e) + ">");
        }
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e) {
        return e.getTextContent().strip();
    }

    /** What the subset refuses: libvirt's CONFIG_UNSUPPORTED, naming the part. */
    static VirException unsupported(String what) {
        return VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                what + " is not supported by jvirtd's QEMU driver yet");
    }

    Optional<Serial> serial0() {
        return serials.isEmpty() ? Optional.empty() : Optional.of(serials.get(0));
    }
}
