package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;
import org.w3c.dom.Element;

import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

/**
 * A client's device XML for attach, detach and update (libvirt's virDomainDeviceDefParse).
 *
 * <p>A device is parsed in the context of the definition it joins: the definition (its inactive
 * form, which keeps every assigned address) with the device added is parsed as a whole, so the
 * new device gets exactly the defaults, checks and PCI address a define would give it
 * ({@link QemuXmlOptions}, {@link QemuSubset}, {@link QemuPciSlots}, on q35 {@link QemuPcieSlots}), and the result is the
 * definition with the device in libvirt's place. For detach and update only the identifying
 * parts are read (target, MAC, address, alias), as libvirt's lookups do.
 *
 * <p>Stateless; any thread.
 */
final class QemuDeviceXml {

    /** A parsed device element and its kind. */
    record Parsed(DeviceKind kind, Element element) {

        /** {@code <target dev>} of a disk. */
        String target() {
            Element t = child(element, "target");
            return t == null ? null : t.getAttribute("dev");
        }

        /** The MAC the XML gives (lower case), or null. */
        String mac() {
            Element m = child(element, "mac");
            return m == null || m.getAttribute("address").isEmpty() ? null
                    : m.getAttribute("address").toLowerCase(Locale.ROOT);
        }

        /** {@code <alias name>}, or null. */
        String alias() {
            Element a = child(element, "alias");
            return a == null || a.getAttribute("name").isEmpty() ? null : a.getAttribute("name");
        }

        /** A PCI address the XML gives as {@code bus * 256 + slot * 8 + function}, or -1. */
        int pciSlotFunction() {
            Element a = child(element, "address");
            if (a == null || !"pci".equals(a.getAttribute("type")) || a.getAttribute("slot").isEmpty()) {
                return -1;
            }
            return QemuPciSlots.num(emptyToNull(a.getAttribute("bus"))) * 256
                    + QemuPciSlots.num(a.getAttribute("slot")) * 8 + QemuPciSlots.num(emptyToNull(a.getAttribute("function")));
        }

        /** Sets {@code <mac address>} (the live copy of a device also attached to the config takes its MAC). */
        void setMac(String mac) {
            Element m = child(element, "mac");
            if (m == null) {
                m = element.getOwnerDocument().createElement("mac");
                element.appendChild(m);
            }
            m.setAttribute("address", mac);
        }
    }

    private QemuDeviceXml() {
    }

    /** Parses {@code xml} as one device: libvirt's errors for bad XML and for an unknown element. */
    static Parsed parse(String xml) {
        Element root = VirXml.parseString(xml == null ? "" : xml, "(device_definition)", null, VirErrorDomain.DOMAIN)
                .getDocumentElement();
        String name = VirXml.localName(root);
        DeviceKind kind = DeviceKind.byElement(name);
        if (kind == null) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN, "unknown device type '" + name + "'");
        }
        return new Parsed(kind, root);
    }

    /**
     * {@code base} with the device added, parsed as a define would parse it (inactive: no
     * aliases or live state; addresses kept). {@code base} is not changed.
     */
    static DomainDef withDevice(DomainDef base, Parsed dev) {
        String xml = base.format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE);
        int at = xml.lastIndexOf("</devices>");
        String joined = xml.substring(0, at) + serialize(dev.element()) + "\n  " + xml.substring(at);
        DomainDef def = DomainDef.parse(joined, DomainDef.PARSE_INACTIVE, QemuXmlOptions.OPTIONS);
        if (dev.kind() == DeviceKind.DISK) {
            // virDomainDiskInsert as attach runs it, on the parsed device: a disk whose XML
            // named no bus is on its default one by now (vdX: virtio) and goes among that bus's
            // disks by target index; the whole-domain parse saw no bus for it and put it last.
            // Attaching vdc then vdb to a guest with vda lists vda, vdb, vdc, as libvirtd.
            def.insertDisk(added(def, dev));
        }
        return def;
    }

    /** The device of {@code kind} in {@code def} that {@link #withDevice} added: a disk by target, else the last one. */
    static DeviceDef added(DomainDef def, Parsed dev) {
        if (dev.kind() == DeviceKind.DISK) {
            for (DeviceDef d : def.disks()) {
                if (d.diskTarget().equals(dev.target())) {
                    return d;
                }
            }
        }
        List<DeviceDef> same = def.devices(dev.kind());
        return same.get(same.size() - 1);
    }

    /** virDomainNetFindIdx: the interface {@code dev} names by MAC, PCI address and alias; libvirt's errors. */
    static DeviceDef findInterface(DomainDef def, Parsed dev) {
        String mac = dev.mac();
        int pci = dev.pciSlotFunction();
        String alias = dev.alias();
        DeviceDef match = null;
        for (DeviceDef n : def.interfaces()) {
            if (mac != null && !mac.equalsIgnoreCase(n.macAddress())) {
                continue;
            }
            if (pci >= 0 && pci != pciSlotFunction(n)) {
                continue;
            }
            if (alias != null && n.alias() != null && !alias.equals(n.alias())) {
                continue;
            }
            if (match != null) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.DOMAIN, mac != null
                        ? "multiple devices matching MAC address " + mac + " found" : "multiple matching devices found");
            }
            match = n;
        }
        if (match != null) {
            return match;
        }
        String addr = "(<null>)";
        if (pci >= 0) {
            addr = String.format(Locale.ROOT, "%04x:%02x:%02x.%d", 0, pci / 256, pci % 256 / 8, pci % 8);
        }
        throw VirException.of(VirErrorNumber.DEVICE_MISSING, VirErrorDomain.DOMAIN,
                "no device found at address '" + addr + "' matching MAC address '" + (mac != null ? mac : "(<null>)")
                        + "' and alias '" + (alias != null ? alias : "(<null>)") + "'");
    }

    /** The disk with target {@code target}, or null. */
    static DeviceDef disk(DomainDef def, String target) {
        for (DeviceDef d : def.disks()) {
            if (d.diskTarget().equals(target)) {
                return d;
            }
        }
        return null;
    }

    /** The device whose alias is {@code alias}, or null. */
    static DeviceDef byAlias(DomainDef def, String alias) {
        for (DeviceDef d : def.devices()) {
            if (alias.equals(d.alias())) {
                return d;
            }
        }
        return null;
    }

    private static int pciSlotFunction(DeviceDef dev) {
        XmlNode a = dev.address();
        if (a == null || !"pci".equals(a.attr("type"))) {
            return -2;
        }
        return QemuPciSlots.num(a.attr("bus")) * 256 + QemuPciSlots.num(a.attr("slot")) * 8
                + QemuPciSlots.num(a.attr("function"));
    }

    private static Element child(Element e, String name) {
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && name.equals(VirXml.localName(c))) {
                return c;
            }
        }
        return null;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String serialize(Element e) {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(e), new StreamResult(w));
            return w.toString();
        } catch (TransformerException ex) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "cannot format device XML: " + ex.getMessage());
        }
    }
}
