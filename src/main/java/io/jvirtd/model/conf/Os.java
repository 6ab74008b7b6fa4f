package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * {@code <os>} minus {@code <type>} (which {@link DomainDef} keeps typed): loader/nvram, direct
 * kernel boot, boot order, bootmenu, bios, smbios, firmware features, container init.
 * Stateless; safe from any thread.
 */
final class Os {

    private Os() {
    }

    static XmlNode canon(XElem os, DomainDef d) {
        XmlNode n = new XmlNode("os");
        // virDomainDefParseBootOptions reads only what the OS type uses: hvm firmware, loader,
        // kernel, ACPI and boot devices; xen/xenpvh/uml loader and kernel; exe the init options
        String osType = d.osType;
        boolean hvm = "hvm".equals(osType);
        boolean kernel = hvm || List.of("xen", "xenpvh", "uml").contains(osType);
        XElem fw = hvm ? os.child("firmware") : null;
        if (fw != null) {
            XmlNode f = new XmlNode("firmware");
            for (String name : List.of("enrolled-keys", "secure-boot")) {
                for (XElem fe : fw.children("feature")) {
                    if (name.equals(fe.attr("name"))) {
                        f.add(new XmlNode("feature").attr("enabled", fe.attr("enabled")).attr("name", name));
                        break;
                    }
                }
            }
            if (!f.children().isEmpty()) {
                n.add(f);
            }
        }
        if ("exe".equals(osType)) {
            text(n, os, "init");
            for (XElem a : os.children("initarg")) {
                n.add(new XmlNode("initarg").text(a.text()));
            }
            for (XElem a : os.children("initenv")) {
                n.add(new XmlNode("initenv").attr("name", a.attr("name")).text(a.text()));
            }
            text(n, os, "initdir");
            text(n, os, "inituser");
            text(n, os, "initgroup");
        }
        XElem loader = kernel ? os.child("loader") : null;
        if (loader != null) {
            XmlNode l = new XmlNode("loader");
            l.attr("readonly", loader.attr("readonly"));
            l.attr("secure", loader.attr("secure"));
            String path = DomainCanon.emptyToNull(loader.text());
            String type = loader.attr("type");
            if (type == null && path != null) {
                type = "rom";
            }
            l.attr("type", type);
            l.attr("stateless", loader.attr("stateless"));
            l.text(path);
            n.add(l);
            XElem nv = os.child("nvram");
            if (nv != null) {
                XmlNode v = new XmlNode("nvram").attr("template", nv.attr("template"));
                String p = DomainCanon.emptyToNull(nv.text());
                if (nv.child("source") != null) {
                    v.attr("type", nv.attr("type") == null ? "file" : nv.attr("type"));
                    v.add(Devices.DISK_SOURCE.canon(nv.child("source")));
                } else {
                    v.text(p);
                }
                if (!v.attrs().isEmpty() || v.text() != null || !v.children().isEmpty()) {
                    n.add(v);
                }
            }
        }
        if (kernel) {
            text(n, os, "kernel");
            text(n, os, "initrd");
            text(n, os, "cmdline");
            text(n, os, "dtb");
            text(n, os, "root");
        }
        XElem acpi = hvm ? os.child("acpi") : null;
        if (acpi != null) {
            XElem table = acpi.child("table");
            if (table != null) {
                XmlNode a = new XmlNode("acpi");
                a.add(new XmlNode("table").attr("type", "slic").text(table.text()));
                n.add(a);
            }
        }
        if (hvm && d.bootloader == null) {
            for (XElem b : os.children("boot")) {
                String dev = b.attr("dev");
                if (dev == null) {
                    throw Values.missingAttr("boot", "dev");
                }
                if (!Enums.BOOT_DEVS.contains(dev)) {
                    throw Values.invalidAttr(b, "dev", dev);
                }
                if (n.children("boot").size() < 4) {
                    n.add(new XmlNode("boot").attr("dev", dev));
                }
            }
            XElem bm = os.child("bootmenu");
            if (bm != null && bm.attr("enable") != null) {
                String en = Values.propEnum(bm, "enable", Enums.TRISTATE_BOOL);
                XmlNode m = new XmlNode("bootmenu").attr("enable", en);
                if ("yes".equals(en) && bm.attr("timeout") != null) {
                    m.attr("timeout", bm.attr("timeout"));
                }
                n.add(m);
            }
            XElem bios = os.child("bios");
            if (bios != null) {
                XmlNode b = new XmlNode("bios").attr("useserial", bios.attr("useserial"))
                        .attr("rebootTimeout", bios.attr("rebootTimeout"));
                if (!b.attrs().isEmpty()) {
                    n.add(b);
                }
            }
        }
        XElem smbios = os.child("smbios");
        if (smbios != null && smbios.attr("mode") != null) {
            String mode = smbios.attr("mode");
            if (!List.of("emulate", "host", "sysinfo").contains(mode)) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "unknown smbios mode '" + mode + "'");
            }
            n.add(new XmlNode("smbios").attr("mode", mode));
        }
        return n;
    }

    private static void text(XmlNode n, XElem os, String name) {
        String t = os.childText(name);
        if (t != null) {
            n.add(new XmlNode(name).text(t));
        }
    }
}
