package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * Device {@code <address>} elements (virDomainDeviceAddressParseXML / the address part of
 * virDomainDeviceInfoFormat): numbers read as C's strtoul base 0 and printed in libvirt's
 * fixed widths. Stateless; safe from any thread.
 */
final class Address {

    private Address() {
    }

    static final List<String> TYPES = List.of("pci", "drive", "virtio-serial", "ccid", "usb",
            "spapr-vio", "virtio-s390", "ccw", "virtio-mmio", "isa", "dimm", "unassigned");

    /** The canonical address, or null when libvirt keeps none (type none / virtio-s390). */
    static XmlNode canon(XmlNode a) {
        String type = a.attr("type");
        if (type == null) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "No type specified for device address");
        }
        if (!TYPES.contains(type)) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "unknown address type '" + type + "'");
        }
        XmlNode n = new XmlNode("address").attr("type", type);
        switch (type) {
            case "pci" -> {
                long dom = num(a, "domain");
                long bus = num(a, "bus");
                long slot = num(a, "slot");
                long fn = num(a, "function");
                // virPCIDeviceAddressIsValid (src/util/virpci.c, VIR_FROM_NONE)
                if (dom != 0 || bus != 0 || slot != 0 || fn != 0) {
                    if (bus > 0xff) {
                        throw pciErr("Invalid PCI address bus='0x" + Long.toHexString(bus) + "', must be <= 0xFF");
                    }
                    if (slot > 0x1f) {
                        throw pciErr("Invalid PCI address slot='0x" + Long.toHexString(slot) + "', must be <= 0x1F");
                    }
                    if (fn > 7) {
                        throw pciErr("Invalid PCI address function=0x" + Long.toHexString(fn) + ", must be <= 7");
                    }
                    if (dom == 0 && bus == 0 && slot == 0) {
                        throw pciErr("Invalid PCI address 0000:00:00, at least one of domain, bus, or slot must be > 0");
                    }
                }
                if (dom != 0 || bus != 0 || slot != 0 || fn != 0) {
                    n.attr("domain", "0x" + CNumbers.hex(dom, 4));
                    n.attr("bus", "0x" + CNumbers.hex(bus, 2));
                    n.attr("slot", "0x" + CNumbers.hex(slot, 2));
                    n.attr("function", "0x" + fn);
                }
                n.attr("multifunction", a.attr("multifunction"));
                XmlNode z = a.child("zpci");
                if (z != null) {
                    n.add(new XmlNode("zpci")
                            .attr("uid", "0x" + CNumbers.hex(num(z, "uid"), 4))
                            .attr("fid", "0x" + CNumbers.hex(num(z, "fid"), 8)));
                }
            }
            case "drive" -> {
                n.attr("controller", Long.toString(num(a, "controller")));
                n.attr("bus", Long.toString(num(a, "bus")));
                n.attr("target", Long.toString(num(a, "target")));
                n.attr("unit", Long.toString(num(a, "unit")));
            }
            case "virtio-serial" -> {
                n.attr("controller", Long.toString(num(a, "controller")));
                n.attr("bus", Long.toString(num(a, "bus")));
                n.attr("port", Long.toString(num(a, "port")));
            }
            case "ccid" -> {
                n.attr("controller", Long.toString(num(a, "controller")));
                n.attr("slot", Long.toString(num(a, "slot")));
            }
            case "usb" -> {
                n.attr("bus", Long.toString(num(a, "bus")));
                n.attr("port", a.attr("port"));
            }
            case "spapr-vio" -> {
                if (a.attr("reg") != null) {
                    n.attr("reg", "0x" + CNumbers.hex(num(a, "reg"), 8));
                }
            }
            case "ccw" -> {
                n.attr("cssid", "0x" + Long.toHexString(num(a, "cssid")));
                n.attr("ssid", "0x" + Long.toHexString(num(a, "ssid")));
                n.attr("devno", "0x" + CNumbers.hex(num(a, "devno"), 4));
            }
            case "isa" -> {
                long io = num(a, "iobase");
                long irq = num(a, "irq");
                if (io > 0) {
                    n.attr("iobase", "0x" + Long.toHexString(io));
                }
                if (irq > 0) {
                    n.attr("irq", "0x" + Long.toHexString(irq));
                }
            }
            case "dimm" -> {
                n.attr("slot", Long.toString(num(a, "slot")));
                long base = num(a, "base");
                if (base != 0) {
                    n.attr("base", "0x" + Long.toHexString(base));
                }
            }
            case "virtio-s390" -> {
                return null;
            }
            default -> {
            }
        }
        return n;
    }

    private static VirException pciErr(String msg) {
        return VirException.of(io.jvirtd.model.VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, msg);
    }

    /** strtoul(s, 0): 0x.. hex, 0.. octal, else decimal; 0 when absent. */
    static long num(XmlNode a, String attr) {
        String v = a.attr(attr);
        if (v == null) {
            return 0;
        }
        String s = v.trim();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            if (s.length() > 1 && s.startsWith("0")) {
                return Long.parseLong(s.substring(1), 8);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw Values.xmlErr("Invalid value for attribute '" + attr + "' in element 'address': '" + v + "'.");
        }
    }
}
