package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link DomainDef} from parsed XML the way libvirt 9.0 does:
 * {@code virDomainDefParseXML} (same checks in the same order, so the first error reported is
 * libvirt's), then the post-parse steps with the driver's {@link DomainXmlOptions} (defaults,
 * implicit controllers, drive addresses, console for serial ...), then its validation.
 *
 * <p>Stateless; safe from any thread.
 */
final class DomainCanon {

    private DomainCanon() {
    }

    static DomainDef parse(Element root, int flags, DomainXmlOptions options) {
        return parse(XParse.fromDom(root, false), flags, options);
    }

    static DomainDef parseString(String xml, int flags, DomainXmlOptions options) {
        return parse(XParse.parse(xml, false), flags, options);
    }

    static DomainDef parse(XElem root, int flags, DomainXmlOptions options) {
        DomainDef d = new DomainDef();
        d.options = options;
        parseIds(d, root, flags);
        parseCaps(d, root);
        Sections.parseAll(d, root, flags);
        Devices.parseAll(d, root, flags);
        PostParse.run(d, flags);
        options.validate(d, flags);
        DomainValidate.validate(d);
        return d;
    }

    private static void parseIds(DomainDef d, XElem root, int flags) {
        d.id = -1;
        if ((flags & DomainDef.PARSE_INACTIVE) == 0) {
            String id = root.attr("id");
            if (id != null) {
                d.id = Values.propInt(root, "id", id, true);
            }
        }
        d.name = root.childText("name");
        if (d.name == null) {
            throw VirException.of(VirErrorNumber.NO_NAME, VirErrorDomain.DOMAIN, null);
        }
        String uuid = root.childText("uuid");
        if (uuid == null) {
            d.uuid = DomainDef.generateUuid();
            d.uuidGenerated = true;
        } else {
            byte[] u = DomainDef.parseUuid(uuid);
            if (u == null) {
                throw VirException.internalError(VirErrorDomain.DOMAIN, "malformed uuid element");
            }
            d.uuid = u;
        }
        List<XElem> genids = root.children("genid");
        if (!genids.isEmpty()) {
            if (genids.size() != 1) {
                throw DomainDef.xmlError("element 'genid' can only appear once");
            }
            d.genidRequested = true;
            String g = root.childText("genid");
            if (g == null) {
                d.genid = DomainDef.formatUuid(DomainDef.generateUuid());
            } else {
                byte[] u = DomainDef.parseUuid(g);
                if (u == null) {
                    throw VirException.internalError(VirErrorDomain.DOMAIN, "malformed genid element");
                }
                d.genid = DomainDef.formatUuid(u);
            }
        }
    }

    private static void parseCaps(DomainDef d, XElem root) {
        String virtType = root.attr("type");
        XElem osEl = root.child("os");
        XElem typeEl = osEl == null ? null : osEl.child("type");
        String osType = typeEl == null ? null : emptyToNull(typeEl.text());
        String arch = typeEl == null ? null : emptyToNull(typeEl.attr("arch"));
        d.bootloader = root.childText("bootloader");
        d.bootloaderArgs = root.childText("bootloader_args");
        d.osMachine = typeEl == null ? null : emptyToNull(typeEl.attr("machine"));
        XElem devs = root.child("devices");
        d.emulator = devs == null ? null : devs.childText("emulator");
        if (virtType == null || virtType.isEmpty()) {
            throw VirException.internalError(VirErrorDomain.DOMAIN, "missing domain type attribute");
        }
        if (!Enums.VIRT_TYPES.contains(virtType)) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "invalid domain type " + virtType);
        }
        d.virtType = virtType;
        if (osType == null) {
            if (d.bootloader != null) {
                d.osType = "xen";
            } else {
                throw DomainDef.xmlError("an os <type> must be specified");
            }
        } else {
            if (!Enums.OS_TYPES.contains(osType)) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "unknown OS type '" + osType + "'");
            }
            d.osType = osType;
        }
        if ("linux".equals(d.osType) && "xen".equals(d.virtType)) {
            d.osType = "xen";
        }
        if (arch != null) {
            if (!Enums.ARCHES.contains(arch)) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "Unknown architecture " + arch);
            }
            d.osArch = arch;
        } else {
            d.osArch = d.options.defaultArch();
        }
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    // ---------------------------------------------------------------- canonical order helpers

    private static final List<String> CPUTUNE_ORDER = List.of("shares", "period", "quota",
            "global_period", "global_quota", "emulator_period", "emulator_quota",
            "iothread_period", "iothread_quota", "vcpupin", "emulatorpin", "iothreadpin",
            "emulatorsched", "vcpusched", "iothreadsched", "cachetune", "memorytune");

    static void sortCputune(XmlNode ct) {
        sortByOrder(ct, CPUTUNE_ORDER);
    }

    private static final List<String> MEMTUNE_ORDER = List.of("hard_limit", "soft_limit",
            "min_guarantee", "swap_hard_limit");

    static void sortMemtune(XmlNode mt) {
        sortByOrder(mt, MEMTUNE_ORDER);
    }

    static final List<String> OS_ORDER = List.of("firmware", "init", "initarg", "initenv",
            "initdir", "inituser", "initgroup", "loader", "nvram", "kernel", "initrd", "cmdline",
            "dtb", "root", "acpi", "boot", "bootmenu", "bios", "smbios");

    static void sortOs(XmlNode os) {
        sortByOrder(os, OS_ORDER);
    }

    static void sortPerf(XmlNode perf) {
        perf.children().sort((a, b) -> Integer.compare(Enums.PERF_EVENTS.indexOf(a.attr("name")),
                Enums.PERF_EVENTS.indexOf(b.attr("name"))));
    }

    static void sortDevice(DeviceKind kind, XmlNode node) {
        Devices.sort(kind, node);
    }

    /** Stable sort of children by the position of their name in {@code order}. */
    static void sortByOrder(XmlNode n, List<String> order) {
        n.children().sort((a, b) -> Integer.compare(rank(order, a.name()), rank(order, b.name())));
    }

    private static int rank(List<String> order, String name) {
        int i = order.indexOf(name);
        return i < 0 ? order.size() : i;
    }

    // ---------------------------------------------------------------- iothreads

    static List<Integer> iothreadIds(XmlNode holder) {
        List<Integer> ids = new ArrayList<>();
        if (holder == null) {
            return ids;
        }
        XmlNode idsNode = holder.child("iothreadids");
        if (idsNode != null) {
            for (XmlNode t : idsNode.children("iothread")) {
                ids.add(Integer.parseInt(t.attr("id")));
            }
            return ids;
        }
        String n = holder.childText("iothreads");
        if (n != null) {
            int count = Integer.parseInt(n);
            for (int i = 1; i <= count; i++) {
                ids.add(i);
            }
        }
        return ids;
    }

    /**
     * The iothreads holder after ids changed. Like libvirt, once the set is no longer 1..n
     * filled automatically, the ids are printed explicitly.
     */
    static XmlNode iothreadsNode(List<Integer> ids, XmlNode old) {
        XmlNode holder = new XmlNode("iothreads-holder");
        if (ids.isEmpty()) {
            XmlNode def = old == null ? null : old.child("defaultiothread");
            if (def != null) {
                holder.add(def.copy());
                return holder;
            }
            return null;
        }
        holder.add(new XmlNode("iothreads").text(Integer.toString(ids.size())));
        XmlNode idsNode = new XmlNode("iothreadids");
        for (int id : ids) {
            XmlNode t = new XmlNode("iothread").attr("id", Integer.toString(id));
            XmlNode oldIds = old == null ? null : old.child("iothreadids");
            if (oldIds != null) {
                for (XmlNode o : oldIds.children("iothread")) {
                    if (Integer.toString(id).equals(o.attr("id"))) {
                        t = o.copy();
                    }
                }
            }
            idsNode.add(t);
        }
        holder.add(idsNode);
        XmlNode def = old == null ? null : old.child("defaultiothread");
        if (def != null) {
            holder.add(def.copy());
        }
        return holder;
    }
}
