package io.jvirtd.model.conf;

import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.domain.Uuids;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A virtual network definition (libvirt's {@code virNetworkDef}, src/conf/network_conf.c):
 * parsed with libvirt's defaults and checks ({@link NetworkParser}), formatted byte for byte as
 * {@code virNetworkDefFormat} does, and changed in place by {@code virNetworkUpdate}
 * ({@link NetworkUpdater}).
 *
 * <p>Mutable and not thread-safe: a definition belongs to the network object that holds it,
 * and is read or changed only under that object's lock. {@link #copy} gives an independent one.
 */
public final class NetworkDef {

    /** VIR_NETWORK_XML_INACTIVE. */
    public static final int XML_INACTIVE = 1;

    /** virNetworkForwardType names, in enum order. */
    static final List<String> FORWARD_MODES = List.of("none", "nat", "route", "open", "bridge",
            "private", "vepa", "passthrough", "hostdev");

    String name;
    byte[] uuid;
    boolean ipv6nogw;
    String trustGuestRxFilters;      // tristate: null, "yes", "no"
    XElem metadata;
    final Forward forward = new Forward();
    String bridge;
    String bridgeZone;
    boolean stp = true;
    long delay;
    String macTableManager;          // null = default
    long mtu;
    String mac;                      // formatted, or null
    String domain;
    String domainLocalOnly;
    final Dns dns = new Dns();
    Vlan vlan;
    Bandwidth bandwidth;
    String isolatedPort;
    final List<Ip> ips = new ArrayList<>();
    final List<Route> routes = new ArrayList<>();
    VPort virtualPort;
    final List<PortGroup> portGroups = new ArrayList<>();
    int connections;

    NetworkDef() {
    }

    /**
     * virNetworkDefParse on a client's XML: well-formedness and root element first (libvirt's
     * virXMLParse errors), then the definition.
     *
     * @param validate false here; see {@link #parse(String, boolean, SchemaValidator)}
     */
    public static NetworkDef parse(String xml, boolean validate) {
        return parse(xml, validate, null);
    }

    /**
     * {@link #parse(String, boolean)}, checked against network.rng first when {@code validate}
     * (VIR_NETWORK_DEFINE_VALIDATE / CREATE_VALIDATE).
     */
    public static NetworkDef parse(String xml, boolean validate, SchemaValidator schemas) {
        String text = xml == null ? "" : xml;
        VirXml.parseString(text, "(network_definition)", "network", VirErrorDomain.NETWORK);
        if (validate) {
            SchemaCheck.against(schemas, "network.rng", text);
        }
        return NetworkParser.parse(XParse.parse(text, false));
    }

    /** virNetworkDefParseXML on a {@code <network>} element of a node file. */
    public static NetworkDef fromElement(Element element) {
        return NetworkParser.parse(XParse.fromDom(element, false));
    }

    /** A deep copy made as libvirt makes it: a format/parse cycle. */
    public NetworkDef copy(int flags) {
        return NetworkParser.parse(XParse.parse(format(flags), false));
    }

    public String name() {
        return name;
    }

    public byte[] uuid() {
        return uuid.clone();
    }

    /** The bridge name, or null. */
    public String bridge() {
        return bridge;
    }

    /** The first {@code <ip>}'s family is "ipv6". */
    public boolean firstIpIsV6() {
        return !ips.isEmpty() && "ipv6".equals(ips.get(0).family);
    }

    /** The first {@code <ip>}'s address (null without one). */
    public NetAddr firstIpAddress() {
        return ips.isEmpty() ? null : ips.get(0).address;
    }

    /** The first {@code <ip>}'s prefix as virSocketAddrGetIPPrefix computes it (0 without one). */
    public int firstIpPrefix() {
        if (ips.isEmpty()) {
            return 0;
        }
        Ip ip = ips.get(0);
        return NetAddr.ipPrefix(ip.address, ip.netmask, (int) ip.prefix);
    }

    /** The first {@code <ip>}'s first DHCP range start, or null. */
    public NetAddr firstIpRangeStart() {
        return ips.isEmpty() || ips.get(0).ranges.isEmpty() ? null : ips.get(0).ranges.get(0).start;
    }

    /**
     * virNetworkDefUpdateSection: applies one update command to this definition.
     */
    public void update(int command, int section, int parentIndex, String xml) {
        NetworkUpdater.update(this, command, section, parentIndex, xml);
    }

    /** virNetworkDefFormat. */
    public String format(int flags) {
        StringBuilder b = new StringBuilder(512);
        b.append("<network");
        if ((flags & XML_INACTIVE) == 0 && connections > 0) {
            b.append(" connections='").append(connections).append('\'');
        }
        if (ipv6nogw) {
            b.append(" ipv6='yes'");
        }
        if (trustGuestRxFilters != null) {
            b.append(" trustGuestRxFilters='").append(trustGuestRxFilters).append('\'');
        }
        b.append(">\n");
        XmlNode.textElement(b, 2, "name", name);
        b.append("  <uuid>").append(Uuids.format(uuid)).append("</uuid>\n");
        if (metadata != null) {
            Metadata.format(b, metadata, 2);
        }
        formatForward(b, flags);
        boolean hasBridge = forward.type <= 3;
        if (hasBridge || bridge != null || macTableManager != null) {
            b.append("  <bridge");
            escAttr(b, "name", bridge);
            escAttr(b, "zone", bridgeZone);
            if (hasBridge) {
                b.append(" stp='").append(stp ? "on" : "off").append("' delay='").append(delay).append('\'');
            }
            if (macTableManager != null) {
                b.append(" macTableManager='").append(macTableManager).append('\'');
            }
            b.append("/>\n");
        }
        if (mtu != 0) {
            b.append("  <mtu size='").append(mtu).append("'/>\n");
        }
        if (mac != null) {
            b.append("  <mac address='").append(mac).append("'/>\n");
        }
        if (domain != null) {
            b.append("  <domain name='").append(domain).append('\'');
            if (domainLocalOnly != null) {
                b.append(" localOnly='").append(domainLocalOnly).append('\'');
            }
            b.append("/>\n");
        }
        dns.format(b);
        if (vlan != null) {
            vlan.format(b, 2);
        }
        if (bandwidth != null) {
            bandwidth.format(b, 2);
        }
        if (isolatedPort != null) {
            b.append("  <port isolated='").append(isolatedPort).append("'/>\n");
        }
        for (Ip ip : ips) {
            ip.format(b);
        }
        for (Route r : routes) {
            r.format(b);
        }
        if (virtualPort != null) {
            virtualPort.format(b, 2);
        }
        for (PortGroup pg : portGroups) {
            pg.format(b);
        }
        b.append("</network>\n");
        return b.toString();
    }

    private void formatForward(StringBuilder b, int flags) {
        Forward f = forward;
        if (f.type == 0) {
            return;
        }
        String dev = null;
        if (f.pf == null && !f.ifs.isEmpty() && f.ifs.get(0).dev != null) {
            dev = f.ifs.get(0).dev;
        }
        b.append("  <forward");
        escAttr(b, "dev", dev);
        b.append(" mode='").append(FORWARD_MODES.get(f.type)).append('\'');
        if (f.type == 8) {
            b.append(f.managed ? " managed='yes'" : " managed='no'");
        }
        boolean shortForward = f.ifs.isEmpty() && f.pf == null && f.natStart == null && f.natEnd == null
                && f.portStart == 0 && f.portEnd == 0 && f.driverName == null && f.natIPv6 == null;
        b.append(shortForward ? "/>\n" : ">\n");
        if (f.driverName != null) {
            b.append("    <driver name='").append(f.driverName).append("'/>\n");
        }
        if (f.type == 1) {
            f.formatNat(b);
        }
        if (f.pf != null) {
            b.append("    <pf dev='");
            XmlNode.escape(b, f.pf);
            b.append("'/>\n");
        }
        if (!f.ifs.isEmpty() && (f.pf == null || (flags & XML_INACTIVE) == 0)) {
            for (ForwardIf i : f.ifs) {
                if (i.dev != null) {
                    b.append("    <interface dev='");
                    XmlNode.escape(b, i.dev);
                    b.append('\'');
                    if ((flags & XML_INACTIVE) == 0 && i.connections > 0) {
                        b.append(" connections='").append(i.connections).append('\'');
                    }
                    b.append("/>\n");
                } else {
                    b.append(String.format(Locale.ROOT, "    <address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                            + "function='0x%d'/>\n", i.pciDomain, i.pciBus, i.pciSlot, i.pciFunction));
                }
            }
        }
        if (!shortForward) {
            b.append("  </forward>\n");
        }
    }

    static void escAttr(StringBuilder b, String attr, String value) {
        if (value != null) {
            b.append(' ').append(attr).append("='");
            XmlNode.escape(b, value);
            b.append('\'');
        }
    }

    /** {@code <forward>}. */
    static final class Forward {
        int type;                    // index in FORWARD_MODES; 0 = no forward
        boolean managed;
        String driverName;           // null = default
        final List<ForwardIf> ifs = new ArrayList<>();
        String pf;
        NetAddr natStart;
        NetAddr natEnd;
        long portStart;
        long portEnd;
        String natIPv6;

        void formatNat(StringBuilder b) {
            if (natStart == null && natEnd == null && portStart == 0 && portEnd == 0 && natIPv6 == null) {
                return;
            }
            b.append("    <nat");
            if (natIPv6 != null) {
                b.append(" ipv6='").append(natIPv6).append('\'');
            }
            if (natStart == null && natEnd == null && portStart == 0 && portEnd == 0) {
                b.append("/>\n");
                return;
            }
            b.append(">\n");
            if (natStart != null) {
                b.append("      <address start='").append(natStart).append('\'');
                if (natEnd != null) {
                    b.append(" end='").append(natEnd).append('\'');
                }
                b.append("/>\n");
            }
            if (portStart != 0 || portEnd != 0) {
                b.append("      <port start='").append(portStart).append('\'');
                if (portEnd != 0) {
                    b.append(" end='").append(portEnd).append('\'');
                }
                b.append("/>\n");
            }
            b.append("    </nat>\n");
        }
    }

    /** One forward device: a netdev name, or a PCI address when {@code dev} is null. */
    static final class ForwardIf {
        String dev;
        long pciDomain;
        long pciBus;
        long pciSlot;
        long pciFunction;
        int connections;
    }

    /** {@code <ip>}. */
    static final class Ip {
        String family;
        NetAddr address;
        NetAddr netmask;
        long prefix;
        String localPtr;
        String tftpRoot;
        final List<Range> ranges = new ArrayList<>();
        final List<DhcpHost> hosts = new ArrayList<>();
        String bootFile;
        NetAddr bootServer;

        int effectivePrefix() {
            return NetAddr.ipPrefix(address, netmask, (int) prefix);
        }

        void format(StringBuilder b) {
            b.append("  <ip");
            if (family != null) {
                b.append(" family='").append(family).append('\'');
            }
            if (address != null) {
                b.append(" address='").append(address).append('\'');
            }
            if (netmask != null) {
                b.append(" netmask='").append(netmask).append('\'');
            }
            if (prefix > 0) {
                b.append(" prefix='").append(prefix).append('\'');
            }
            if (localPtr != null) {
                b.append(" localPtr='").append(localPtr).append('\'');
            }
            b.append(">\n");
            if (tftpRoot != null) {
                b.append("    <tftp root='");
                XmlNode.escape(b, tftpRoot);
                b.append("'/>\n");
            }
            if (!ranges.isEmpty() || !hosts.isEmpty()) {
                b.append("    <dhcp>\n");
                for (Range r : ranges) {
                    b.append("      <range start='").append(r.start).append("' end='").append(r.end).append('\'');
                    formatLease(b, r.lease, "range");
                }
                for (DhcpHost h : hosts) {
                    b.append("      <host");
                    if (h.mac != null) {
                        b.append(" mac='").append(h.mac).append('\'');
                    }
                    if (h.id != null) {
                        b.append(" id='").append(h.id).append('\'');
                    }
                    if (h.name != null) {
                        b.append(" name='").append(h.name).append('\'');
                    }
                    if (h.ip != null) {
                        b.append(" ip='").append(h.ip).append('\'');
                    }
                    formatLease(b, h.lease, "host");
                }
                if (bootFile != null) {
                    b.append("      <bootp file='");
                    XmlNode.escape(b, bootFile);
                    b.append('\'');
                    if (bootServer != null) {
                        b.append(" server='").append(bootServer).append('\'');
                    }
                    b.append("/>\n");
                }
                b.append("    </dhcp>\n");
            }
            b.append("  </ip>\n");
        }

        private static void formatLease(StringBuilder b, Lease lease, String el) {
            if (lease == null) {
                b.append("/>\n");
                return;
            }
            b.append(">\n");
            if (lease.expiry == 0) {
                b.append("        <lease expiry='0'/>\n");
            } else {
                b.append("        <lease expiry='").append(Long.toUnsignedString(lease.expiry))
                        .append("' unit='").append(lease.unit).append("'/>\n");
            }
            b.append("      </").append(el).append(">\n");
        }
    }

    /** A DHCP lease time. */
    record Lease(long expiry, String unit) {
    }

    /** {@code <range>}. */
    static final class Range {
        NetAddr start;
        NetAddr end;
        Lease lease;
    }

    /** A static DHCP {@code <host>}. */
    static final class DhcpHost {
        String mac;
        String id;
        String name;
        NetAddr ip;
        Lease lease;
    }

    /** {@code <dns>}. */
    static final class Dns {
        String enable;
        String forwardPlainNames;
        final List<String[]> forwarders = new ArrayList<>();   // {domain, addr}
        final List<String[]> txts = new ArrayList<>();         // {name, value}
        final List<Srv> srvs = new ArrayList<>();
        final List<DnsHost> hosts = new ArrayList<>();

        void format(StringBuilder b) {
            boolean any = !forwarders.isEmpty() || !hosts.isEmpty() || !srvs.isEmpty() || !txts.isEmpty();
            if (enable == null && forwardPlainNames == null && !any) {
                return;
            }
            b.append("  <dns");
            if (enable != null) {
                b.append(" enable='").append(enable).append('\'');
            }
            if (forwardPlainNames != null) {
                b.append(" forwardPlainNames='").append(forwardPlainNames).append('\'');
            }
            if (!any) {
                b.append("/>\n");
                return;
            }
            b.append(">\n");
            for (String[] f : forwarders) {
                b.append("    <forwarder");
                escAttr(b, "domain", f[0]);
                if (f[1] != null) {
                    b.append(" addr='").append(f[1]).append('\'');
                }
                b.append("/>\n");
            }
            for (String[] t : txts) {
                b.append("    <txt name='");
                XmlNode.escape(b, t[0]);
                b.append("' value='");
                if (t[1] != null) {
                    XmlNode.escape(b, t[1]);
                    b.append("'/>\n");
                } else {
                    // virBufferEscapeString prints nothing at all for a NULL value
                    b.setLength(b.length() - " value='".length());
                }
            }
            for (Srv s : srvs) {
                if (s.service == null || s.protocol == null) {
                    continue;
                }
                b.append("    <srv service='");
                XmlNode.escape(b, s.service);
                b.append("' protocol='");
                XmlNode.escape(b, s.protocol);
                b.append('\'');
                escAttr(b, "domain", s.domain);
                escAttr(b, "target", s.target);
                if (s.port != 0) {
                    b.append(" port='").append(s.port).append('\'');
                }
                if (s.priority != 0) {
                    b.append(" priority='").append(s.priority).append('\'');
                }
                if (s.weight != 0) {
                    b.append(" weight='").append(s.weight).append('\'');
                }
                b.append("/>\n");
            }
            for (DnsHost h : hosts) {
                b.append("    <host ip='").append(h.ip == null ? "" : h.ip.toString()).append("'>\n");
                for (String n : h.names) {
                    b.append("      <hostname>");
                    XmlNode.escape(b, n);
                    b.append("</hostname>\n");
                }
                b.append("    </host>\n");
            }
            b.append("  </dns>\n");
        }
    }

    /** A DNS SRV record. */
    static final class Srv {
        String service;
        String protocol;
        String domain;
        String target;
        long port;
        long priority;
        long weight;
    }

    /** A DNS host record. */
    static final class DnsHost {
        NetAddr ip;
        final List<String> names = new ArrayList<>();
    }

    /** {@code <route>}. */
    static final class Route {
        String family;
        NetAddr address;
        NetAddr netmask;
        NetAddr gateway;
        long prefix;
        boolean hasPrefix;
        long metric;
        boolean hasMetric;

        void format(StringBuilder b) {
            b.append("  <route");
            if (family != null) {
                b.append(" family='").append(family).append('\'');
            }
            b.append(" address='").append(address).append('\'');
            if (netmask != null) {
                b.append(" netmask='").append(netmask).append('\'');
            }
            if (hasPrefix) {
                b.append(" prefix='").append(prefix).append('\'');
            }
            b.append(" gateway='").append(gateway).append('\'');
            if (hasMetric && metric > 0) {
                b.append(" metric='").append(metric).append('\'');
            }
            b.append("/>\n");
        }
    }

    /** {@code <portgroup>}. */
    static final class PortGroup {
        String name;
        boolean isDefault;
        String trustGuestRxFilters;
        VPort virtualPort;
        Bandwidth bandwidth;
        Vlan vlan;

        void format(StringBuilder b) {
            b.append("  <portgroup name='").append(name).append('\'');
            if (isDefault) {
                b.append(" default='yes'");
            }
            if (trustGuestRxFilters != null) {
                b.append(" trustGuestRxFilters='").append(trustGuestRxFilters).append('\'');
            }
            b.append(">\n");
            if (vlan != null) {
                vlan.format(b, 4);
            }
            if (virtualPort != null) {
                virtualPort.format(b, 4);
            }
            if (bandwidth != null) {
                bandwidth.format(b, 4);
            }
            b.append("  </portgroup>\n");
        }
    }

    /** {@code <vlan>} (virNetDevVlan). */
    static final class Vlan {
        boolean trunk;
        final List<Long> tags = new ArrayList<>();
        String nativeMode;           // null = default
        long nativeTag;

        void format(StringBuilder b, int in) {
            if (tags.isEmpty()) {
                return;
            }
            XmlNode.pad(b, in);
            b.append("<vlan").append(trunk ? " trunk='yes'" : "").append(">\n");
            for (long t : tags) {
                XmlNode.pad(b, in + 2);
                if (nativeMode != null && nativeTag == t) {
                    b.append("<tag id='").append(t).append("' nativeMode='").append(nativeMode).append("'/>\n");
                } else {
                    b.append("<tag id='").append(t).append("'/>\n");
                }
            }
            XmlNode.pad(b, in);
            b.append("</vlan>\n");
        }
    }

    /** {@code <bandwidth>} (virNetDevBandwidth). */
    static final class Bandwidth {
        long[] in;                   // average, peak, burst, floor; null = none
        long[] out;

        void format(StringBuilder b, int indent) {
            XmlNode.pad(b, indent);
            b.append("<bandwidth>\n");
            rate(b, in, "inbound", indent + 2);
            rate(b, out, "outbound", indent + 2);
            XmlNode.pad(b, indent);
            b.append("</bandwidth>\n");
        }

        private static void rate(StringBuilder b, long[] r, String el, int indent) {
            if (r == null || (r[0] == 0 && r[3] == 0)) {
                return;
            }
            XmlNode.pad(b, indent);
            b.append('<').append(el);
            if (r[0] != 0) {
                b.append(" average='").append(Long.toUnsignedString(r[0])).append('\'');
            }
            if (r[1] != 0) {
                b.append(" peak='").append(Long.toUnsignedString(r[1])).append('\'');
            }
            if (r[3] != 0) {
                b.append(" floor='").append(Long.toUnsignedString(r[3])).append('\'');
            }
            if (r[2] != 0) {
                b.append(" burst='").append(Long.toUnsignedString(r[2])).append('\'');
            }
            b.append("/>\n");
        }
    }

    /** {@code <virtualport>} (virNetDevVPortProfile). */
    static final class VPort {
        static final List<String> TYPES = List.of("none", "802.1Qbg", "802.1Qbh", "openvswitch", "midonet");
        int type;
        Long managerId;
        Long typeId;
        Long typeIdVersion;
        byte[] instanceId;
        String profileId;
        byte[] interfaceId;

        void format(StringBuilder b, int indent) {
            boolean noParams = managerId == null && typeId == null && typeIdVersion == null
                    && instanceId == null && (profileId == null || profileId.isEmpty()) && interfaceId == null;
            XmlNode.pad(b, indent);
            if (type == 0) {
                if (noParams) {
                    b.setLength(b.length() - indent);
                    return;
                }
                b.append("<virtualport>\n");
            } else if (noParams) {
                b.append("<virtualport type='").append(TYPES.get(type)).append("'/>\n");
                return;
            } else {
                b.append("<virtualport type='").append(TYPES.get(type)).append("'>\n");
            }
            XmlNode.pad(b, indent + 2);
            b.append("<parameters");
            boolean qbg = type == 1 || type == 0;
            if (managerId != null && qbg) {
                b.append(" managerid='").append(managerId).append('\'');
            }
            if (typeId != null && qbg) {
                b.append(" typeid='").append(typeId).append('\'');
            }
            if (typeIdVersion != null && qbg) {
                b.append(" typeidversion='").append(typeIdVersion).append('\'');
            }
            if (instanceId != null && qbg) {
                b.append(" instanceid='").append(Uuids.format(instanceId)).append('\'');
            }
            if (interfaceId != null && (type == 4 || type == 3 || type == 0)) {
                b.append(" interfaceid='").append(Uuids.format(interfaceId)).append('\'');
            }
            if (profileId != null && !profileId.isEmpty() && (type == 3 || type == 2 || type == 0)) {
                b.append(" profileid='").append(profileId).append('\'');
            }
            b.append("/>\n");
            XmlNode.pad(b, indent);
            b.append("</virtualport>\n");
        }
    }
}
