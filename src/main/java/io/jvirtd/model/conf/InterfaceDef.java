package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;

/**
 * A host interface definition as libvirt 9.0 keeps it (src/conf/interface_conf.c,
 * {@code virInterfaceDef}): ethernet, bridge, bond or vlan, with start mode, MTU, protocols
 * (ipv4/ipv6: dhcp, autoconf, addresses, gateway) and link on the top level, and the nested
 * interfaces of bridges and bonds. {@link #parse} has virInterfaceDefParseXML's checks and error
 * texts in its order; {@link #format} is byte-identical to virInterfaceDefFormat.
 *
 * <p>Immutable once parsed; safe to share between threads.
 */
public final class InterfaceDef {

    /** virInterfaceType. */
    public static final List<String> TYPES = List.of("ethernet", "bridge", "bond", "vlan");
    private static final int ETHERNET = 0;
    private static final int BRIDGE = 1;
    private static final int BOND = 2;
    private static final int VLAN = 3;
    /** VIR_INTERFACE_TYPE_LAST: parsing a top-level interface. */
    private static final int TOP = 4;

    private static final List<String> START_MODES = List.of("", "none", "onboot", "hotplug");
    private static final List<String> BOND_MODES = List.of("", "balance-rr", "active-backup", "balance-xor",
            "broadcast", "802.3ad", "balance-tlb", "balance-alb");
    private static final List<String> MII_CARRIERS = List.of("", "ioctl", "netif");
    private static final List<String> ARP_VALIDATES = List.of("", "active", "backup", "all");
    private static final int MONIT_NONE = 0;
    private static final int MONIT_MII = 1;
    private static final int MONIT_ARP = 2;

    /** VIR_INTERFACE_DEFINE_VALIDATE. */
    public static final int DEFINE_VALIDATE = 1;

    /** One {@code <ip>} of a protocol. */
    private record Ip(String address, int prefix) {
    }

    /** One {@code <protocol>}: dhcp (peerdns -1 = unset), autoconf, addresses, gateway. */
    private record Protocol(String family, boolean dhcp, int peerdns, boolean autoconf, List<Ip> ips,
                            String gateway) {
    }

    private final int type;
    private final String name;
    private final int startMode;
    private final long mtu;
    private final String mac;
    private final InterfaceXml.Link link;
    private final List<Protocol> protocols;
    // bridge
    private final int stp;
    private final String delay;
    // bridge and bond members
    private final List<InterfaceDef> members;
    // bond
    private final int bondMode;
    private final int monit;
    private final int frequency;
    private final int downdelay;
    private final int updelay;
    private final int carrier;
    private final int interval;
    private final String target;
    private final int validate;
    // vlan
    private final String tag;
    private final String vlanDev;

    private InterfaceDef(Builder b) {
        this.type = b.type;
        this.name = b.name;
        this.startMode = b.startMode;
        this.mtu = b.mtu;
        this.mac = b.mac;
        this.link = b.link;
        this.protocols = List.copyOf(b.protocols);
        this.stp = b.stp;
        this.delay = b.delay;
        this.members = List.copyOf(b.members);
        this.bondMode = b.bondMode;
        this.monit = b.monit;
        this.frequency = b.frequency;
        this.downdelay = b.downdelay;
        this.updelay = b.updelay;
        this.carrier = b.carrier;
        this.interval = b.interval;
        this.target = b.target;
        this.validate = b.validate;
        this.tag = b.tag;
        this.vlanDev = b.vlanDev;
    }

    /** The interface name. */
    public String name() {
        return name;
    }

    /** The MAC address text as given (ethernet only), or null. */
    public String mac() {
        return mac;
    }

    /** virInterfaceType as text. */
    public String type() {
        return TYPES.get(type);
    }

    /**
     * virInterfaceDefParseString: a client's XML (document name "(interface_definition)").
     *
     * @param flags without {@link #DEFINE_VALIDATE}
     */
    public static InterfaceDef parse(String xml, int flags) {
        return parse(xml, flags, null);
    }

    /** virInterfaceDefParseString, checked against interface.rng first with {@link #DEFINE_VALIDATE}. */
    public static InterfaceDef parse(String xml, int flags, SchemaValidator schemas) {
        Element root = VirXml.parseString(xml, "(interface_definition)", "interface", VirErrorDomain.INTERFACE)
                .getDocumentElement();
        if ((flags & DEFINE_VALIDATE) != 0) {
            SchemaCheck.against(schemas, "interface.rng", xml);
        }
        return parse(root, TOP);
    }

    /** virInterfaceDefParseXML on an {@code <interface>} element of a node file. */
    public static InterfaceDef fromElement(Element root) {
        return parse(root, TOP);
    }

    private static VirException err(String detail) {
        return InterfaceXml.xmlError(VirErrorDomain.INTERFACE, detail);
    }

    private static InterfaceDef parse(Element e, int parentType) {
        int type = InterfaceXml.propEnum(e, "type", TYPES, true, false);
        if ((parentType == BOND && type != ETHERNET)
                || (parentType == BRIDGE && type != ETHERNET && type != BOND && type != VLAN)
                || parentType == ETHERNET || parentType == VLAN) {
            throw err("interface has unsupported type '" + TYPES.get(type) + "'");
        }
        Builder b = new Builder();
        b.type = type;
        b.name = InterfaceXml.prop(e, "name");
        if (b.name == null) {
            throw err("interface has no name");
        }
        if (parentType == TOP) {
            parseStartMode(b, e);
            parseMtu(b, e);
            parseProtocols(b, e);
        }
        if (type != BRIDGE) {
            Element lnk = InterfaceXml.first(e, "link");
            if (lnk != null) {
                b.link = InterfaceXml.Link.parse(lnk);
            }
        }
        switch (type) {
            case ETHERNET -> b.mac = InterfaceXml.pathAttr(e, "address", "mac");
            case BRIDGE -> {
                Element bridge = InterfaceXml.first(e, "bridge");
                if (bridge == null) {
                    throw err("bridge interface misses the bridge element");
                }
                parseBridge(b, bridge);
            }
            case BOND -> {
                Element bond = InterfaceXml.first(e, "bond");
                if (bond == null) {
                    throw err("bond interface misses the bond element");
                }
                parseBond(b, bond);
            }
            default -> {
                Element vlan = InterfaceXml.first(e, "vlan");
                if (vlan == null) {
                    throw err("vlan interface misses the vlan element");
                }
                b.tag = InterfaceXml.nonEmpty(InterfaceXml.prop(vlan, "tag"));
                if (b.tag == null) {
                    throw err("vlan interface misses the tag attribute");
                }
                b.vlanDev = InterfaceXml.pathAttr(vlan, "name", "interface");
                if (b.vlanDev == null) {
                    throw err("vlan interface misses name attribute");
                }
            }
        }
        return new InterfaceDef(b);
    }

    private static void parseStartMode(Builder b, Element e) {
        String mode = InterfaceXml.pathAttr(e, "mode", "start");
        if (mode == null) {
            b.startMode = 0;
            return;
        }
        int idx = START_MODES.indexOf(mode);
        if (idx <= 0) {
            throw err("unknown interface startmode " + mode);
        }
        b.startMode = idx;
    }

    /**
     * virXPathUInt on {@code ./mtu/@size}: a value that is not an unsigned number fails without
     * an error of its own (libvirt reports none), absent means 0.
     */
    private static void parseMtu(Builder b, Element e) {
        String size = InterfaceXml.pathAttr(e, "size", "mtu");
        if (size == null) {
            return;
        }
        Long v = CNumbers.strToUIntP(size, 10);
        if (v == null) {
            throw VirException.unknownCause();
        }
        if (v > 100000) {
            throw err("value of the 'size' attribute of 'mtu' element must be at most 100000");
        }
        b.mtu = v;
    }


    private static void parseProtocols(Builder b, Element e) {
        for (Element p : InterfaceXml.children(e, "protocol")) {
            String family = InterfaceXml.prop(p, "family");
            if (family == null) {
                throw err("protocol misses the family attribute");
            }
            boolean v6 = family.equals("ipv6");
            if (!v6 && !family.equals("ipv4")) {
                throw err("unsupported protocol family '" + family + "'");
            }
            Element route = InterfaceXml.first(p, "route");
            String gateway = route == null ? null : InterfaceXml.nonEmpty(InterfaceXml.prop(route, "gateway"));
            boolean autoconf = v6 && InterfaceXml.first(p, "autoconf") != null;
            boolean dhcp = false;
            int peerdns = -1;
            Element dh = InterfaceXml.first(p, "dhcp");
            if (dh != null) {
                dhcp = true;
                int v = InterfaceXml.propEnum(dh, "peerdns", List.of("absent", "yes", "no"), false, true);
                if (v > 0) {
                    peerdns = v == 1 ? 1 : 0;
                }
            }
            List<Ip> ips = new ArrayList<>();
            for (Element ip : InterfaceXml.children(p, "ip")) {
                String address = InterfaceXml.prop(ip, "address");
                int prefix = 0;
                if (address != null) {
                    prefix = InterfaceXml.propInt(ip, "prefix", 0, 0);
                }
                ips.add(new Ip(address, prefix));
            }
            b.protocols.add(new Protocol(family, dhcp, peerdns, autoconf, ips, gateway));
        }
    }

    /**
     * virInterfaceDefParseBridge. An stp value other than on/off is reported but the parse goes
     * on (libvirt returns success after virReportError), so it is dropped silently here.
     */
    private static void parseBridge(Builder b, Element bridge) {
        String stp = InterfaceXml.prop(bridge, "stp");
        b.stp = -1;
        if (stp != null) {
            if (stp.equals("on")) {
                b.stp = 1;
            } else if (stp.equals("off")) {
                b.stp = 0;
            } else {
                return;
            }
        }
        b.delay = InterfaceXml.prop(bridge, "delay");
        for (Element itf : InterfaceXml.children(bridge, "interface")) {
            b.members.add(parse(itf, BRIDGE));
        }
    }

    private static void parseBond(Builder b, Element bond) {
        String mode = InterfaceXml.pathAttr(bond, "mode");
        if (mode != null) {
            int idx = BOND_MODES.indexOf(mode);
            if (idx <= 0) {
                throw err("unknown bonding mode " + mode);
            }
            b.bondMode = idx;
        }
        for (Element itf : InterfaceXml.children(bond, "interface")) {
            b.members.add(parse(itf, BOND));
        }
        if (InterfaceXml.first(bond, "miimon") != null) {
            b.monit = MONIT_MII;
            Integer freq = CNumbers.strToInt(InterfaceXml.pathAttr(bond, "freq", "miimon"), 10);
            if (freq == null) {
                throw err("bond interface miimon freq missing or invalid");
            }
            b.frequency = freq;
            b.downdelay = optionalInt(bond, "downdelay", "bond interface miimon downdelay invalid");
            b.updelay = optionalInt(bond, "updelay", "bond interface miimon updelay invalid");
            String carrier = InterfaceXml.pathAttr(bond, "carrier", "miimon");
            if (carrier != null) {
                int idx = MII_CARRIERS.indexOf(carrier);
                if (idx <= 0) {
                    throw err("unknown mii bonding carrier " + carrier);
                }
                b.carrier = idx;
            }
        } else if (InterfaceXml.first(bond, "arpmon") != null) {
            b.monit = MONIT_ARP;
            Integer interval = CNumbers.strToInt(InterfaceXml.pathAttr(bond, "interval", "arpmon"), 10);
            if (interval == null) {
                throw err("bond interface arpmon interval missing or invalid");
            }
            b.interval = interval;
            b.target = InterfaceXml.pathAttr(bond, "target", "arpmon");
            if (b.target == null) {
                throw err("bond interface arpmon target missing");
            }
            String validate = InterfaceXml.pathAttr(bond, "validate", "arpmon");
            if (validate != null) {
                int idx = ARP_VALIDATES.indexOf(validate);
                if (idx <= 0) {
                    throw err("unknown arp bonding validate " + validate);
                }
                b.validate = idx;
            }
        }
    }

    private static int optionalInt(Element bond, String attr, String invalid) {
        String v = InterfaceXml.pathAttr(bond, attr, "miimon");
        if (v == null) {
            return 0;
        }
        Integer n = CNumbers.strToInt(v, 10);
        if (n == null) {
            throw err(invalid);
        }
        return n;
    }

    /** virInterfaceDefFormat. */
    public String format() {
        InterfaceXml.Out out = new InterfaceXml.Out();
        format(out, TOP);
        return out.toString();
    }

    private void format(InterfaceXml.Out out, int parentType) {
        out.open("<interface type='" + TYPES.get(type) + "' name='" + InterfaceXml.escape(name) + "'>");
        if (parentType == TOP) {
            if (startMode != 0) {
                out.line("<start mode='" + START_MODES.get(startMode) + "'/>");
            }
            if (mtu != 0) {
                out.line("<mtu size='" + (int) mtu + "'/>");
            }
            formatProtocols(out);
        }
        if (type != BRIDGE) {
            link.format(out);
        }
        switch (type) {
            case ETHERNET -> {
                if (mac != null) {
                    out.line("<mac address='" + mac + "'/>");
                }
            }
            case BRIDGE -> {
                StringBuilder sb = new StringBuilder("<bridge");
                if (stp == 1) {
                    sb.append(" stp='on'");
                } else if (stp == 0) {
                    sb.append(" stp='off'");
                }
                if (delay != null) {
                    sb.append(" delay='").append(delay).append('\'');
                }
                out.open(sb.append('>').toString());
                for (InterfaceDef m : members) {
                    m.format(out, BRIDGE);
                }
                out.close("</bridge>");
            }
            case BOND -> {
                out.open(bondMode == 0 ? "<bond>" : "<bond mode='" + BOND_MODES.get(bondMode) + "'>");
                if (monit == MONIT_MII) {
                    StringBuilder sb = new StringBuilder("<miimon freq='").append(frequency).append('\'');
                    if (downdelay > 0) {
                        sb.append(" downdelay='").append(downdelay).append('\'');
                    }
                    if (updelay > 0) {
                        sb.append(" updelay='").append(updelay).append('\'');
                    }
                    if (carrier != 0) {
                        sb.append(" carrier='").append(MII_CARRIERS.get(carrier)).append('\'');
                    }
                    out.line(sb.append("/>").toString());
                } else if (monit == MONIT_ARP) {
                    StringBuilder sb = new StringBuilder("<arpmon interval='").append(interval)
                            .append("' target='").append(target).append('\'');
                    if (validate != 0) {
                        sb.append(" validate='").append(ARP_VALIDATES.get(validate)).append('\'');
                    }
                    out.line(sb.append("/>").toString());
                }
                for (InterfaceDef m : members) {
                    m.format(out, BOND);
                }
                out.close("</bond>");
            }
            default -> {
                out.open("<vlan tag='" + tag + "'>");
                out.line("<interface name='" + vlanDev + "'/>");
                out.close("</vlan>");
            }
        }
        out.close("</interface>");
    }

    private void formatProtocols(InterfaceXml.Out out) {
        for (Protocol p : protocols) {
            out.open("<protocol family='" + p.family() + "'>");
            if (p.autoconf()) {
                out.line("<autoconf/>");
            }
            if (p.dhcp()) {
                out.line(p.peerdns() == 0 ? "<dhcp peerdns='no'/>"
                        : p.peerdns() == 1 ? "<dhcp peerdns='yes'/>" : "<dhcp/>");
            }
            for (Ip ip : p.ips()) {
                if (ip.address() != null) {
                    out.line("<ip address='" + ip.address() + "'"
                            + (ip.prefix() != 0 ? " prefix='" + ip.prefix() + "'" : "") + "/>");
                }
            }
            if (p.gateway() != null) {
                out.line("<route gateway='" + p.gateway() + "'/>");
            }
            out.close("</protocol>");
        }
    }

    private static final class Builder {
        int type;
        String name;
        int startMode;
        long mtu;
        String mac;
        InterfaceXml.Link link = InterfaceXml.Link.NONE;
        final List<Protocol> protocols = new ArrayList<>();
        int stp = -1;
        String delay;
        final List<InterfaceDef> members = new ArrayList<>();
        int bondMode;
        int monit = MONIT_NONE;
        int frequency;
        int downdelay;
        int updelay;
        int carrier;
        int interval;
        String target;
        int validate;
        String tag;
        String vlanDev;
    }
}
