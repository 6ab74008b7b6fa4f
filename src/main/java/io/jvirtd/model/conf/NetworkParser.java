package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.Uuids;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * virNetworkDefParseXML and its helpers (src/conf/network_conf.c, networkcommon_conf.c,
 * netdev_bandwidth_conf.c, netdev_vlan_conf.c, netdev_vport_profile_conf.c): the same checks
 * in the same order, with libvirt's codes, error domains and texts. Stateless.
 */
final class NetworkParser {

    private static final VirErrorDomain NET = VirErrorDomain.NETWORK;

    private NetworkParser() {
    }

    static VirException err(VirErrorNumber code, String detail) {
        return VirException.of(code, NET, detail);
    }

    static VirException xmlErr(String detail) {
        return err(VirErrorNumber.XML_ERROR, detail);
    }

    static VirException detail(String detail) {
        return err(VirErrorNumber.XML_DETAIL, detail);
    }

    static VirException unsupported(String detail) {
        return err(VirErrorNumber.CONFIG_UNSUPPORTED, detail);
    }

    static NetworkDef parse(XElem root) {
        NetworkDef def = new NetworkDef();
        def.name = root.childText("name");
        if (def.name == null) {
            throw VirException.of(VirErrorNumber.NO_NAME, NET, null);
        }
        int slash = def.name.indexOf('/');
        if (slash >= 0) {
            throw VirException.of(VirErrorNumber.XML_DETAIL, VirErrorDomain.XML, "invalid char in name: /");
        }
        String uuid = root.childText("uuid");
        if (uuid == null) {
            def.uuid = Uuids.random();
        } else {
            Optional<byte[]> u = Uuids.parse(uuid);
            if (u.isEmpty()) {
                throw VirException.internalError(NET, "malformed uuid element");
            }
            def.uuid = u.get();
        }
        String ipv6 = emptyToNull(root.attr("ipv6"));
        if (ipv6 != null) {
            if (ipv6.equals("yes")) {
                def.ipv6nogw = true;
            } else if (!ipv6.equals("no")) {
                throw xmlErr("Invalid ipv6 setting '" + ipv6 + "' in network '" + def.name + "'");
            }
        }
        def.trustGuestRxFilters = tristate(root, "trustGuestRxFilters");
        XElem domainNode = root.child("domain");
        if (domainNode != null) {
            def.domain = domainNode.attr("name");
            def.domainLocalOnly = tristate(domainNode, "localOnly");
        }
        XElem bw = root.child("bandwidth");
        if (bw != null) {
            def.bandwidth = parseBandwidth(bw);
        }
        XElem vlanNode = root.child("vlan");
        if (vlanNode != null) {
            def.vlan = parseVlan(vlanNode);
        }
        XElem port = root.child("port");
        if (port != null) {
            def.isolatedPort = tristate(port, "isolated");
        }
        XElem bridge = root.child("bridge");
        String stp = null;
        if (bridge != null) {
            def.bridge = emptyToNull(bridge.attr("name"));
            def.bridgeZone = emptyToNull(bridge.attr("zone"));
            stp = emptyToNull(bridge.attr("stp"));
            String delay = emptyToNull(bridge.attr("delay"));
            if (delay != null) {
                long d = strtoul(delay, 10, false, -1L >>> 1);
                if (d < 0) {
                    throw xmlErr("Invalid delay value in network '" + def.name + "'");
                }
                def.delay = d;
            }
            String mtm = emptyToNull(bridge.attr("macTableManager"));
            if (mtm != null) {
                if (!mtm.equals("kernel") && !mtm.equals("libvirt")) {
                    throw xmlErr("Invalid macTableManager setting '" + mtm + "' in network '" + def.name + "'");
                }
                def.macTableManager = mtm;
            }
        }
        def.stp = !(stp != null && stp.equals("off"));
        XElem macNode = root.child("mac");
        String mac = macNode == null ? null : emptyToNull(macNode.attr("address"));
        if (mac != null) {
            byte[] m = parseMac(mac);
            if (m == null) {
                throw xmlErr("Invalid bridge mac address '" + mac + "' in network '" + def.name + "'");
            }
            if ((m[0] & 1) != 0) {
                throw xmlErr("Invalid multicast bridge mac address '" + mac + "' in network '" + def.name + "'");
            }
            def.mac = formatMac(m);
        }
        XElem mtuNode = root.child("mtu");
        String mtu = mtuNode == null ? null : emptyToNull(mtuNode.attr("size"));
        if (mtu != null) {
            long v = strtoul(mtu, 10, true, 0xffffffffL);
            if (v < 0) {
                throw xmlErr("Invalid mtu size '" + mtu + "' in network '" + def.name + "'");
            }
            def.mtu = v;
        }
        XElem dns = root.child("dns");
        if (dns != null) {
            parseDns(def.name, dns, def.dns);
        }
        XElem vport = root.child("virtualport");
        if (vport != null) {
            def.virtualPort = parseVPort(vport, true);
        }
        for (XElem pg : root.children("portgroup")) {
            def.portGroups.add(parsePortGroup(pg));
        }
        for (XElem ip : root.children("ip")) {
            def.ips.add(parseIp(def.name, ip));
        }
        for (XElem r : root.children("route")) {
            def.routes.add(parseRoute(def.name, r));
        }
        checkRouteGateways(def);
        XElem fwd = root.child("forward");
        if (fwd != null) {
            parseForward(def.name, fwd, def.forward);
        }
        checkForwardMode(def, stp);
        XElem md = root.child("metadata");
        if (md != null) {
            def.metadata = Metadata.fromDocument(md);
        }
        return def;
    }

    private static void checkRouteGateways(NetworkDef def) {
        for (NetworkDef.Route r : def.routes) {
            boolean match = false;
            for (NetworkDef.Ip ip : def.ips) {
                if (r.gateway.family() != ip.address.family()) {
                    continue;
                }
                int prefix = ip.effectivePrefix();
                NetAddr a = ip.address.maskByPrefix(prefix);
                NetAddr g = r.gateway.maskByPrefix(prefix);
                if (a != null && g != null && a.equals(g)) {
                    match = true;
                    break;
                }
            }
            if (!match) {
                throw unsupported("unreachable static route gateway '" + r.gateway
                        + "' specified for network '" + def.name + "'");
            }
        }
    }

    private static void checkForwardMode(NetworkDef def, String stp) {
        NetworkDef.Forward f = def.forward;
        String mode = NetworkDef.FORWARD_MODES.get(f.type);
        int nifs = f.ifs.size();
        int npfs = f.pf == null ? 0 : 1;
        switch (f.type) {
            case 0 -> {
            }
            case 1, 2, 3 -> {
                if (def.ips.isEmpty()) {
                    throw xmlErr(mode + " forwarding requested, but no IP address provided for network '"
                            + def.name + "'");
                }
                if (nifs > 1) {
                    throw xmlErr("multiple forwarding interfaces specified for network '" + def.name
                            + "', only one is supported");
                }
                if (f.type == 3 && nifs > 0) {
                    throw xmlErr("forward dev not allowed for network '" + def.name + "' with forward mode='"
                            + mode + "'");
                }
            }
            default -> {
                if (f.type != 4) {
                    if (def.bridge != null) {
                        throw xmlErr("bridge name not allowed in " + mode + " mode (network '" + def.name + "')");
                    }
                    if (def.bridgeZone != null) {
                        throw xmlErr("bridge zone not allowed in " + mode + " mode (network '" + def.name + "')");
                    }
                    if (def.macTableManager != null) {
                        throw xmlErr("bridge macTableManager setting not allowed in " + mode
                                + " mode (network '" + def.name + "')");
                    }
                }
                if (def.delay != 0 || stp != null || def.bridgeZone != null) {
                    throw xmlErr("bridge delay/stp/zone options only allowed in route, nat, and isolated mode, "
                            + "not in " + mode + " (network '" + def.name + "')");
                }
                if (def.bridge != null && (nifs > 0 || npfs > 0)) {
                    throw xmlErr("A network with forward mode='" + mode + "' can specify a bridge name or a "
                            + "forward dev, but not both (network '" + def.name + "')");
                }
            }
        }
        if (def.mtu != 0 && f.type >= 4) {
            throw xmlErr("mtu size only allowed in open, route, nat, and isolated mode, not in " + mode
                    + " (network '" + def.name + "')");
        }
    }

    // ---- forward

    private static void parseForward(String net, XElem node, NetworkDef.Forward def) {
        String type = emptyToNull(node.attr("mode"));
        if (type == null) {
            def.type = 1;
        } else {
            def.type = NetworkDef.FORWARD_MODES.indexOf(type);
            if (def.type < 0) {
                throw unsupported("unknown forwarding type '" + type + "'");
            }
        }
        String managed = emptyToNull(node.attr("managed"));
        if (managed != null && managed.equalsIgnoreCase("yes")) {
            def.managed = true;
        }
        XElem driver = node.child("driver");
        String driverName = driver == null ? null : emptyToNull(driver.attr("name"));
        if (driverName != null) {
            if (!driverName.equals("kvm") && !driverName.equals("vfio")) {
                throw unsupported("Unknown forward <driver name='" + driverName + "'/> in network " + net);
            }
            def.driverName = driverName;
        }
        List<XElem> ifNodes = node.children("interface");
        List<XElem> addrNodes = node.children("address");
        List<XElem> pfNodes = node.children("pf");
        List<XElem> natNodes = node.children("nat");
        if (natNodes.size() > 1) {
            throw xmlErr("Only one <nat> element is allowed in <forward> of network " + net);
        } else if (natNodes.size() == 1) {
            parseNat(net, natNodes.get(0), def);
        }
        String dev = emptyToNull(node.attr("dev"));
        if (dev != null && (!addrNodes.isEmpty() || !pfNodes.isEmpty())) {
            // libvirt's format string has a %s without an argument here; glibc prints "(null)"
            throw xmlErr("the <forward> 'dev' attribute cannot be used when <address> or <pf> sub-elements "
                    + "are present in network (null)");
        }
        if (!ifNodes.isEmpty() || dev != null) {
            if (dev != null) {
                NetworkDef.ForwardIf fi = new NetworkDef.ForwardIf();
                fi.dev = dev;
                def.ifs.add(fi);
            }
            for (int i = 0; i < ifNodes.size(); i++) {
                String devi = ifNodes.get(i).attr("dev");
                if (devi == null) {
                    throw xmlErr("Missing required dev attribute in <forward> <interface> element of network "
                            + net);
                }
                if (i == 0 && dev != null) {
                    if (!devi.equals(dev)) {
                        throw xmlErr("<forward dev='" + dev + "'> must match first <interface dev='" + devi
                                + "'/> in network " + net);
                    }
                    continue;
                }
                for (int j = 0; j < i && j < def.ifs.size(); j++) {
                    if (devi.equals(def.ifs.get(j).dev)) {
                        throw xmlErr("interface '" + devi + "' can only be listed once in network " + net);
                    }
                }
                NetworkDef.ForwardIf fi = new NetworkDef.ForwardIf();
                fi.dev = devi;
                def.ifs.add(fi);
            }
        } else if (!addrNodes.isEmpty()) {
            for (XElem a : addrNodes) {
                String addrType = a.attr("type");
                if (addrType == null) {
                    throw xmlErr("missing address type in network " + net);
                }
                int t = List.of("none", "pci", "netdev").indexOf(addrType);
                if (t < 0) {
                    throw unsupported("unknown address type '" + addrType + "' in network " + net);
                }
                if (t != 1) {
                    throw xmlErr("unsupported address type '" + addrType + "' in network " + net);
                }
                NetworkDef.ForwardIf fi = parsePci(a);
                for (NetworkDef.ForwardIf o : def.ifs) {
                    if (o.dev == null && o.pciDomain == fi.pciDomain && o.pciBus == fi.pciBus
                            && o.pciSlot == fi.pciSlot && o.pciFunction == fi.pciFunction) {
                        throw xmlErr(String.format(Locale.ROOT, "PCI device '%04x:%02x:%02x.%x' can only be listed once "
                                + "in network %s", fi.pciDomain, fi.pciBus, fi.pciSlot, fi.pciFunction, net));
                    }
                }
                def.ifs.add(fi);
            }
        } else if (pfNodes.size() > 1) {
            throw xmlErr("Only one <pf> element is allowed in <forward> of network " + net);
        } else if (pfNodes.size() == 1) {
            String pf = pfNodes.get(0).attr("dev");
            if (pf == null) {
                throw xmlErr("Missing required dev attribute in <pf> element of network '" + net + "'");
            }
            def.pf = pf;
        }
    }

    private static NetworkDef.ForwardIf parsePci(XElem a) {
        NetworkDef.ForwardIf fi = new NetworkDef.ForwardIf();
        fi.pciDomain = propUInt(a, "domain", 0);
        fi.pciBus = propUInt(a, "bus", 0);
        fi.pciSlot = propUInt(a, "slot", 0);
        fi.pciFunction = propUInt(a, "function", 0);
        String multi = a.attr("multifunction");
        if (multi != null && !multi.equals("on") && !multi.equals("off")) {
            throw Values.invalidAttr(a, "multifunction", multi);
        }
        boolean empty = fi.pciDomain == 0 && fi.pciBus == 0 && fi.pciSlot == 0;
        if (!empty) {
            VirErrorDomain none = VirErrorDomain.NONE;
            if (fi.pciBus > 0xff) {
                throw VirException.of(VirErrorNumber.XML_ERROR, none,
                        "Invalid PCI address bus='0x" + Long.toHexString(fi.pciBus) + "', must be <= 0xFF");
            }
            if (fi.pciSlot > 0x1f) {
                throw VirException.of(VirErrorNumber.XML_ERROR, none,
                        "Invalid PCI address slot='0x" + Long.toHexString(fi.pciSlot) + "', must be <= 0x1F");
            }
            if (fi.pciFunction > 7) {
                throw VirException.of(VirErrorNumber.XML_ERROR, none,
                        "Invalid PCI address function=0x" + Long.toHexString(fi.pciFunction) + ", must be <= 7");
            }
        }
        return fi;
    }

    private static void parseNat(String net, XElem node, NetworkDef.Forward def) {
        if (def.type != 1) {
            throw xmlErr("The <nat> element can only be used when <forward> 'mode' is 'nat' in network " + net);
        }
        def.natIPv6 = tristate(node, "ipv6");
        List<XElem> addrs = node.children("address");
        String start = null;
        String end = null;
        if (addrs.size() > 1) {
            throw xmlErr("Only one <address> element is allowed in <nat> in <forward> in network " + net);
        } else if (addrs.size() == 1) {
            start = addrs.get(0).attr("start");
            if (start == null) {
                throw xmlErr("missing 'start' attribute in <address> element in <nat> in <forward> in network "
                        + net);
            }
            end = addrs.get(0).attr("end");
            if (end == null) {
                throw xmlErr("missing 'end' attribute in <address> element in <nat> in <forward> in network "
                        + net);
            }
        }
        if (start != null) {
            def.natStart = NetAddr.parse(start, NetAddr.INET);
            if (def.natStart == null) {
                throw xmlErr("Bad ipv4 start address '" + start + "' in <nat> in <forward> in network '" + net + "'");
            }
        }
        if (end != null) {
            def.natEnd = NetAddr.parse(end, NetAddr.INET);
            if (def.natEnd == null) {
                throw xmlErr("Bad ipv4 end address '" + end + "' in <nat> in <forward> in network '" + net + "'");
            }
        }
        if (start != null && end != null) {
            NetAddr.checkRange(def.natStart, def.natEnd, null, 0);
        }
        List<XElem> ports = node.children("port");
        if (ports.size() > 1) {
            throw xmlErr("Only one <port> element is allowed in <nat> in <forward> in network " + net);
        } else if (ports.size() == 1) {
            long ps = xpathUInt(ports.get(0).attr("start"));
            if (ps < 0 || ps > 65535) {
                throw detail("Missing or invalid 'start' attribute in <port> in <nat> in <forward> in network "
                        + net);
            }
            def.portStart = ps;
            long pe = xpathUInt(ports.get(0).attr("end"));
            if (pe < 0 || pe > 65535 || pe < ps) {
                throw detail("Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network " + net);
            }
            def.portEnd = pe;
        }
    }

    // ---- ip

    static NetworkDef.Ip parseIp(String net, XElem node) {
        NetworkDef.Ip def = new NetworkDef.Ip();
        def.family = emptyToNull(node.attr("family"));
        String address = emptyToNull(node.attr("address"));
        if (address == null) {
            throw xmlErr("Missing required address attribute in network '" + net + "'");
        }
        def.address = NetAddr.parse(address, NetAddr.UNSPEC);
        if (def.address == null) {
            throw xmlErr("Invalid address '" + address + "' in network '" + net + "'");
        }
        String netmask = emptyToNull(node.attr("netmask"));
        if (netmask != null) {
            def.netmask = NetAddr.parse(netmask, NetAddr.UNSPEC);
            if (def.netmask == null) {
                throw xmlErr("Invalid netmask '" + netmask + "' in network '" + net + "'");
            }
        }
        String prefix = node.attr("prefix");
        if (prefix != null) {
            def.prefix = propUIntValue(node, "prefix", prefix, 10);
        }
        def.localPtr = tristate(node, "localPtr");
        if (def.family == null || def.family.equals("ipv4")) {
            if (!def.address.isV4()) {
                throw unsupported((def.family == null ? "no" : "ipv4") + " family specified for non-IPv4 address '"
                        + address + "' in network '" + net + "'");
            }
            if (netmask != null) {
                if (!def.netmask.isV4()) {
                    throw unsupported("Invalid netmask '" + netmask + "' for address '" + address + "' in network '"
                            + net + "' (both must be IPv4)");
                }
                if (def.prefix > 0) {
                    throw unsupported("Network '" + net + "' IP address cannot have both a prefix and a netmask");
                }
            } else if (def.prefix > 32) {
                throw unsupported("Invalid IPv4 prefix '" + def.prefix + "' in network '" + net + "'");
            }
        } else if (def.family.equals("ipv6")) {
            if (!def.address.isV6()) {
                throw unsupported("Family 'ipv6' specified for non-IPv6 address '" + address + "' in network '"
                        + net + "'");
            }
            if (netmask != null) {
                throw unsupported("netmask not allowed for IPv6 address '" + address + "' in network '" + net + "'");
            }
            if (def.prefix > 128) {
                throw unsupported("Invalid IPv6 prefix '" + def.prefix + "' in network '" + net + "'");
            }
        } else {
            throw xmlErr("Unrecognized family '" + def.family + "' in network '" + net + "'");
        }
        XElem dhcp = node.child("dhcp");
        if (dhcp != null) {
            for (XElem c : dhcp.elements()) {
                if (c.uri != null) {
                    continue;
                }
                switch (c.local) {
                    case "range" -> def.ranges.add(parseRange(net, def, c));
                    case "host" -> def.hosts.add(parseDhcpHost(net, def, c, false));
                    case "bootp" -> {
                        if (def.address.isV4()) {
                            String file = c.attr("file");
                            if (file != null) {
                                String server = c.attr("server");
                                NetAddr srv = server == null ? null : NetAddr.parseOrThrow(server, NetAddr.UNSPEC);
                                def.bootFile = file;
                                def.bootServer = srv;
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        XElem tftp = node.child("tftp");
        if (tftp != null) {
            if (!def.address.isV4()) {
                throw unsupported("Unsupported <tftp> element in an IPv6 element in network '" + net + "'");
            }
            def.tftpRoot = emptyToNull(tftp.attr("root"));
        }
        return def;
    }

    static NetworkDef.Range parseRange(String net, NetworkDef.Ip ip, XElem node) {
        NetworkDef.Range r = new NetworkDef.Range();
        String start = node.attr("start");
        if (start == null) {
            throw xmlErr("Missing 'start' attribute in dhcp range for network '" + net + "'");
        }
        r.start = NetAddr.parseOrThrow(start, NetAddr.UNSPEC);
        String end = node.attr("end");
        if (end == null) {
            throw xmlErr("Missing 'end' attribute in dhcp range for network '" + net + "'");
        }
        r.end = NetAddr.parseOrThrow(end, NetAddr.UNSPEC);
        NetAddr.checkRange(r.start, r.end, ip.address, ip.effectivePrefix());
        for (XElem c : node.elements()) {
            if (c.uri == null && c.local.equals("lease")) {
                Lease l = parseLease(c);
                if (l != null) {
                    r.lease = l.lease;
                }
            }
        }
        return r;
    }

    private record Lease(NetworkDef.Lease lease) {
    }

    private static Lease parseLease(XElem node) {
        String expiry = node.attr("expiry");
        if (expiry == null) {
            return null;
        }
        long e = strtoullp(expiry);
        if (e == -2) {
            throw Values.xmlErr("Invalid value for attribute 'expiry' in element 'lease': '" + expiry
                    + "'. Expected non-negative integer value");
        }
        String unit = node.attr("unit");
        if (unit == null) {
            unit = "minutes";
        } else if (!List.of("seconds", "minutes", "hours").contains(unit)) {
            throw Values.invalidAttr(node, "unit", unit);
        }
        if (e != 0) {
            if (unit.equals("seconds") && Long.compareUnsigned(e, 120) < 0
                    || unit.equals("minutes") && Long.compareUnsigned(e, 2) < 0) {
                throw unsupported("The minimum lease time should be greater than 2 minutes");
            }
        }
        return new Lease(new NetworkDef.Lease(e, unit));
    }

    static NetworkDef.DhcpHost parseDhcpHost(String net, NetworkDef.Ip def, XElem node, boolean partialOkay) {
        NetworkDef.DhcpHost host = new NetworkDef.DhcpHost();
        String mac = node.attr("mac");
        if (mac != null) {
            if (def.address.isV6()) {
                throw xmlErr("Invalid to specify MAC address '" + mac + "' in network '" + net
                        + "' IPv6 static host definition");
            }
            byte[] m = parseMac(mac);
            if (m == null) {
                throw xmlErr("Cannot parse MAC address '" + mac + "' in network '" + net + "'");
            }
            if ((m[0] & 1) != 0) {
                throw xmlErr("expected unicast mac address, found multicast '" + mac + "' in network '" + net + "'");
            }
        }
        String id = node.attr("id");
        if (id != null) {
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (!(c == ':' || Character.digit(c, 16) >= 0 && c < 0x80)) {
                    throw xmlErr("Invalid character '" + c + "' in id '" + id + "' of network '" + net + "'");
                }
            }
        }
        String name = node.attr("name");
        if (name != null && (name.isEmpty() || !isAsciiAlnum(name.charAt(0)))) {
            throw xmlErr("Cannot use host name '" + name + "' in network '" + net + "'");
        }
        String ip = node.attr("ip");
        NetAddr inaddr = null;
        if (ip != null) {
            inaddr = NetAddr.parse(ip, NetAddr.UNSPEC);
            if (inaddr == null) {
                throw xmlErr("Invalid IP address in static host definition for network '" + net + "'");
            }
        }
        if (partialOkay) {
            if (mac == null && name == null && ip == null) {
                throw xmlErr("At least one of name, mac, or ip attribute must be specified for static host "
                        + "definition in network '" + net + "' ");
            }
        } else {
            if (def.address.isV6()) {
                if (id == null && name == null) {
                    throw xmlErr("Static host definition in IPv6 network '" + net
                            + "' must have id or name attribute");
                }
            } else if (mac == null && name == null) {
                throw xmlErr("Static host definition in IPv4 network '" + net + "' must have mac or name attribute");
            }
            if (ip == null) {
                throw xmlErr("Missing IP address in static host definition for network '" + net + "'");
            }
        }
        for (XElem c : node.elements()) {
            if (c.uri == null && c.local.equals("lease")) {
                Lease l = parseLease(c);
                if (l != null) {
                    host.lease = l.lease;
                }
            }
        }
        host.mac = mac;
        host.id = id;
        host.name = name;
        host.ip = inaddr;
        return host;
    }

    private static boolean isAsciiAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    // ---- dns

    private static void parseDns(String net, XElem node, NetworkDef.Dns def) {
        def.enable = tristate(node, "enable");
        def.forwardPlainNames = tristate(node, "forwardPlainNames");
        List<XElem> fwds = node.children("forwarder");
        for (XElem f : fwds) {
            String addr = f.attr("addr");
            NetAddr a = null;
            if (addr != null) {
                a = NetAddr.parse(addr, NetAddr.UNSPEC);
                if (a == null) {
                    throw xmlErr("Invalid forwarder IP address '" + addr + "' in network '" + net + "'");
                }
            }
            String domain = f.attr("domain");
            if (addr == null && domain == null) {
                throw xmlErr("Invalid forwarder element, must contain at least one of addr or domain");
            }
            def.forwarders.add(new String[] {domain, a == null ? null : a.toString()});
        }
        List<XElem> hosts = node.children("host");
        for (XElem h : hosts) {
            def.hosts.add(parseDnsHost(net, h, false));
        }
        List<XElem> srvs = node.children("srv");
        for (XElem s : srvs) {
            def.srvs.add(parseSrv(net, s, false));
        }
        List<XElem> txts = node.children("txt");
        for (XElem t : txts) {
            def.txts.add(parseTxt(net, t, false));
        }
        if ("no".equals(def.enable) && (!fwds.isEmpty() || !hosts.isEmpty() || !srvs.isEmpty() || !txts.isEmpty())) {
            throw xmlErr("Extra data in disabled network '" + net + "'");
        }
    }

    static NetworkDef.DnsHost parseDnsHost(String net, XElem node, boolean partialOkay) {
        NetworkDef.DnsHost def = new NetworkDef.DnsHost();
        String ip = node.attr("ip");
        if (ip == null && !partialOkay) {
            throw detail("Missing IP address in network '" + net + "' DNS HOST record");
        }
        if (ip != null) {
            def.ip = NetAddr.parse(ip, NetAddr.UNSPEC);
            if (def.ip == null) {
                throw detail("Invalid IP address in network '" + net + "' DNS HOST record");
            }
        }
        for (XElem c : node.elements()) {
            if (c.uri == null && c.local.equals("hostname") && !c.content.isEmpty()) {
                String name = c.text();
                if (name.isEmpty()) {
                    throw detail("Missing hostname in network '" + net + "' DNS HOST record");
                }
                def.names.add(name);
            }
        }
        if (def.names.isEmpty() && !partialOkay) {
            throw detail("Missing hostname in network '" + net + "' DNS HOST record");
        }
        if (def.ip == null && def.names.isEmpty()) {
            throw detail("Missing ip and hostname in network '" + net + "' DNS HOST record");
        }
        return def;
    }

    private static final String PROTOCOL_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/";
    private static final String SERVICE_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/*";

    static NetworkDef.Srv parseSrv(String net, XElem node, boolean partialOkay) {
        NetworkDef.Srv def = new NetworkDef.Srv();
        def.service = node.attr("service");
        if (def.service == null && !partialOkay) {
            throw detail("missing required service attribute in DNS SRV record of network '" + net + "'");
        }
        if (def.service != null) {
            if (def.service.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw detail("service attribute '" + def.service + "' in network '" + net
                        + "' is too long, limit is 255 bytes");
            }
            if (!onlyChars(def.service, SERVICE_CHARS)) {
                throw detail("invalid character in service attribute '" + def.service + "' in DNS SRV record of "
                        + "network '" + net + "'");
            }
        }
        def.protocol = node.attr("protocol");
        if (def.protocol == null && !partialOkay) {
            throw detail("missing required protocol attribute in DNS SRV record '" + cs(def.service)
                    + "' of network '" + net + "'");
        }
        if (def.protocol != null && !onlyChars(def.protocol, PROTOCOL_CHARS)) {
            throw detail("invalid character in protocol attribute '" + def.protocol + "' in DNS SRV record of "
                    + "network '" + net + "'");
        }
        def.domain = node.attr("domain");
        def.target = node.attr("target");
        long port = xpathUInt(node.attr("port"));
        if (port >= 0 && def.target == null) {
            throw detail("DNS SRV port attribute not permitted without target for service '" + cs(def.service)
                    + "' in network '" + net + "'");
        }
        if (port == -2 || (port >= 0 && (port < 1 || port > 65535))) {
            throw detail("invalid DNS SRV port attribute for service '" + cs(def.service) + "' in network '" + net + "'");
        }
        def.port = Math.max(port, 0);
        long prio = xpathUInt(node.attr("priority"));
        if (prio >= 0 && def.target == null) {
            throw detail("DNS SRV priority attribute not permitted without target for service '" + cs(def.service)
                    + "' in network '" + net + "'");
        }
        if (prio == -2 || prio > 65535) {
            throw detail("Invalid DNS SRV priority attribute for service '" + cs(def.service) + "' in network '"
                    + net + "'");
        }
        def.priority = Math.max(prio, 0);
        long weight = xpathUInt(node.attr("weight"));
        if (weight >= 0 && def.target == null) {
            throw detail("DNS SRV weight attribute not permitted without target for service '" + cs(def.service)
                    + "' in network '" + net + "'");
        }
        if (weight == -2 || weight > 65535) {
            throw detail("invalid DNS SRV weight attribute for service '" + cs(def.service) + "' in network '"
                    + net + "'");
        }
        def.weight = Math.max(weight, 0);
        return def;
    }

    static String[] parseTxt(String net, XElem node, boolean partialOkay) {
        String name = node.attr("name");
        if (name == null) {
            throw detail("missing required name attribute in DNS TXT record of network " + net);
        }
        if (name.indexOf(' ') >= 0 || name.indexOf(',') >= 0) {
            throw detail("prohibited character in DNS TXT record name '" + name + "' of network " + net);
        }
        String value = node.attr("value");
        if (value == null && !partialOkay) {
            throw detail("missing required value attribute in DNS TXT record named '" + name + "' of network "
                    + net);
        }
        return new String[] {name, value};
    }

    private static boolean onlyChars(String s, String allowed) {
        for (int i = 0; i < s.length(); i++) {
            if (allowed.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    // ---- route

    private static NetworkDef.Route parseRoute(String net, XElem node) {
        NetworkDef.Route def = new NetworkDef.Route();
        def.family = node.attr("family");
        String address = node.attr("address");
        String netmask = node.attr("netmask");
        String gateway = node.attr("gateway");
        String prefix = node.attr("prefix");
        if (prefix != null) {
            def.prefix = propUIntValue(node, "prefix", prefix, 10);
            def.hasPrefix = true;
        }
        String metric = node.attr("metric");
        if (metric != null) {
            def.metric = propUIntValue(node, "metric", metric, 10);
            if (def.metric == 0) {
                throw Values.xmlErr("Invalid value for attribute 'metric' in element 'route': Zero is not permitted");
            }
            def.hasMetric = true;
        }
        if (address == null) {
            throw xmlErr(net + ": Missing required address attribute in route definition");
        }
        if (gateway == null) {
            throw xmlErr(net + ": Missing required gateway attribute in route definition");
        }
        def.address = NetAddr.parse(address, NetAddr.UNSPEC);
        if (def.address == null) {
            throw xmlErr(net + ": Bad network address '" + address + "' in route definition");
        }
        def.gateway = NetAddr.parse(gateway, NetAddr.UNSPEC);
        if (def.gateway == null) {
            throw xmlErr(net + ": Bad gateway address '" + gateway + "' in route definition");
        }
        if (def.family == null || def.family.equals("ipv4")) {
            String fam = def.family == null ? "No family specified" : "IPv4 family specified";
            if (!def.address.isV4()) {
                throw xmlErr(net + ": " + fam + " for non-IPv4 address '" + address + "' in route definition");
            }
            if (!def.gateway.isV4()) {
                throw xmlErr(net + ": " + fam + " for non-IPv4 gateway '" + address + "' in route definition");
            }
            if (netmask != null) {
                def.netmask = NetAddr.parse(netmask, NetAddr.UNSPEC);
                if (def.netmask == null) {
                    throw xmlErr(net + ": Bad netmask address '" + netmask + "' in route definition");
                }
                if (!def.netmask.isV4()) {
                    throw xmlErr(net + ": Invalid netmask '" + netmask + "' for address '" + address
                            + "' (both must be IPv4)");
                }
                if (def.hasPrefix) {
                    throw xmlErr(net + ": Route definition cannot have both a prefix and a netmask");
                }
            }
            if (def.prefix > 32) {
                throw xmlErr(net + ": Invalid prefix " + def.prefix + " specified in route definition, must be 0 - 32");
            }
        } else if (def.family.equals("ipv6")) {
            if (!def.address.isV6()) {
                throw xmlErr(net + ": ipv6 family specified for non-IPv6 address '" + address
                        + "' in route definition");
            }
            if (netmask != null) {
                throw xmlErr(net + ": Specifying netmask invalid for IPv6 address '" + address
                        + "' in route definition");
            }
            if (!def.gateway.isV6()) {
                throw xmlErr(net + ": ipv6 specified for non-IPv6 gateway address '" + gateway
                        + "' in route definition");
            }
            if (def.prefix > 128) {
                throw xmlErr(net + ": Invalid prefix " + def.prefix
                        + " specified in route definition, must be 0 - 128");
            }
        } else {
            throw xmlErr(net + ": Unrecognized family '" + def.family + "' in route definition");
        }
        NetAddr test = netmask != null ? def.address.mask(def.netmask) : def.address.maskByPrefix((int) def.prefix);
        if (!def.address.equals(test)) {
            throw xmlErr(net + ": Address '" + address + "' in route definition is not a network address");
        }
        return def;
    }

    // ---- portgroup, bandwidth, vlan, virtualport

    static NetworkDef.PortGroup parsePortGroup(XElem node) {
        NetworkDef.PortGroup def = new NetworkDef.PortGroup();
        def.name = emptyToNull(node.attr("name"));
        if (def.name == null) {
            throw xmlErr("Missing required name attribute in portgroup");
        }
        String isDefault = emptyToNull(node.attr("default"));
        def.isDefault = isDefault != null && isDefault.equalsIgnoreCase("yes");
        def.trustGuestRxFilters = tristate(node, "trustGuestRxFilters");
        XElem vp = node.child("virtualport");
        if (vp != null) {
            def.virtualPort = parseVPort(vp, false);
        }
        XElem bw = node.child("bandwidth");
        if (bw != null) {
            def.bandwidth = parseBandwidth(bw);
        }
        XElem vlan = node.child("vlan");
        if (vlan != null) {
            def.vlan = parseVlan(vlan);
        }
        return def;
    }

    private static NetworkDef.Bandwidth parseBandwidth(XElem node) {
        VirErrorDomain dom = VirErrorDomain.NONE;
        if (node.attr("classID") != null) {
            throw VirException.of(VirErrorNumber.XML_DETAIL, dom,
                    "classID attribute not supported on <bandwidth> in this usage context");
        }
        XElem in = null;
        XElem out = null;
        for (XElem c : node.elements()) {
            if (c.local.equals("inbound")) {
                if (in != null) {
                    throw VirException.of(VirErrorNumber.XML_DETAIL, dom, "Only one child <inbound> element allowed");
                }
                in = c;
            } else if (c.local.equals("outbound")) {
                if (out != null) {
                    throw VirException.of(VirErrorNumber.XML_DETAIL, dom,
                            "Only one child <outbound> element allowed");
                }
                out = c;
            }
        }
        NetworkDef.Bandwidth bw = new NetworkDef.Bandwidth();
        if (in != null) {
            bw.in = parseRate(in);
            if (bw.in[3] != 0) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, dom,
                        "floor attribute is not supported for this config");
            }
        }
        if (out != null) {
            bw.out = parseRate(out);
            if (bw.out[3] != 0) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, dom,
                        "'floor' attribute allowed only in <inbound> element");
            }
        }
        return bw.in == null && bw.out == null ? null : bw;
    }

    private static long[] parseRate(XElem node) {
        VirErrorDomain dom = VirErrorDomain.NONE;
        String average = node.attr("average");
        String peak = node.attr("peak");
        String burst = node.attr("burst");
        String floor = node.attr("floor");
        long[] r = new long[4];
        if (average != null) {
            r[0] = rateValue(average, "average");
        } else if (floor == null) {
            throw VirException.of(VirErrorNumber.XML_DETAIL, dom, "Missing mandatory average or floor attributes");
        }
        if ((peak != null || burst != null) && average == null) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, dom, "'peak' and 'burst' require 'average' attribute");
        }
        if (peak != null) {
            r[1] = rateValue(peak, "peak");
        }
        if (burst != null) {
            r[2] = rateValue(burst, "burst");
        }
        if (floor != null) {
            r[3] = rateValue(floor, "floor");
        }
        return r;
    }

    private static long rateValue(String v, String what) {
        long n = strtoullp(v);
        if (n == -2) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.NONE,
                    "could not convert bandwidth " + what + " value '" + v + "'");
        }
        return n;
    }

    private static NetworkDef.Vlan parseVlan(XElem node) {
        List<XElem> tags = node.children("tag");
        if (tags.isEmpty()) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, "missing tag id - each <vlan> must have at least one <tag id='n'/> subelement");
        }
        NetworkDef.Vlan def = new NetworkDef.Vlan();
        for (XElem t : tags) {
            String id = t.attr("id");
            if (id == null) {
                throw Values.missingAttr("tag", "id");
            }
            long v = propUIntValue(t, "id", id, 10);
            if (v > 4095) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, "vlan tag id " + v + " too large (maximum 4095)");
            }
            def.tags.add(v);
            String nm = t.attr("nativeMode");
            if (nm != null) {
                if (!nm.equals("tagged") && !nm.equals("untagged")) {
                    throw Values.invalidAttr(t, "nativeMode", nm);
                }
                if (def.nativeMode != null) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, "duplicate native vlan setting");
                }
                def.nativeMode = nm;
                def.nativeTag = v;
            }
        }
        def.trunk = tags.size() > 1;
        String trunk = emptyToNull(node.attr("trunk"));
        if (trunk != null) {
            def.trunk = trunk.equalsIgnoreCase("yes");
            if (!def.trunk) {
                if (tags.size() > 1) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, "invalid \"trunk='" + trunk + "'\" in <vlan> - trunk='yes' is required for more "
                            + "than one vlan tag");
                }
                if (def.nativeMode != null) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, "invalid configuration in <vlan> - \"trunk='no'\" is not allowed with a native "
                            + "vlan id");
                }
                if (!trunk.equalsIgnoreCase("no")) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NONE, "invalid \"trunk='" + trunk + "'\" in <vlan> - must be yes or no");
                }
            }
        }
        return def;
    }

    private static NetworkDef.VPort parseVPort(XElem node, boolean requireType) {
        VirErrorDomain dom = VirErrorDomain.NONE;
        NetworkDef.VPort v = new NetworkDef.VPort();
        String type = node.attr("type");
        if (type != null) {
            v.type = NetworkDef.VPort.TYPES.indexOf(type);
            if (v.type <= 0) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, dom, "unknown virtualport type " + type);
            }
        }
        if (v.type == 0 && requireType) {
            throw VirException.of(VirErrorNumber.XML_ERROR, dom, "missing required virtualport type");
        }
        XElem params = null;
        for (XElem c : node.elements()) {
            if (c.local.equals("parameters")) {
                params = c;
                break;
            }
        }
        if (params != null) {
            String mid = params.attr("managerid");
            if (mid != null) {
                long val = strtoul(mid, 0, true, 0xffffffffL);
                if (val < 0) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, dom, "cannot parse value of managerid parameter");
                }
                if (val > 0xff) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, dom, "value of managerid out of range");
                }
                v.managerId = val;
            }
            String tid = params.attr("typeid");
            if (tid != null) {
                long val = strtoul(tid, 0, true, 0xffffffffL);
                if (val < 0) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, dom, "cannot parse value of typeid parameter");
                }
                if (val > 0xffffff) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, dom, "value for typeid out of range");
                }
                v.typeId = val;
            }
            String tidv = params.attr("typeidversion");
            if (tidv != null) {
                long val = strtoul(tidv, 0, true, 0xffffffffL);
                if (val < 0) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, dom,
                            "cannot parse value of typeidversion parameter");
                }
                if (val > 0xff) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, dom, "value of typeidversion out of range");
                }
                v.typeIdVersion = val;
            }
            String iid = params.attr("instanceid");
            if (iid != null) {
                v.instanceId = Uuids.parse(iid).orElseThrow(() -> VirException.of(VirErrorNumber.XML_ERROR, dom,
                        "cannot parse instanceid parameter as a uuid"));
            }
            String pid = params.attr("profileid");
            if (pid != null) {
                if (pid.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 40) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, dom, "profileid parameter too long");
                }
                v.profileId = pid;
            }
            String ifid = params.attr("interfaceid");
            if (ifid != null) {
                v.interfaceId = Uuids.parse(ifid).orElseThrow(() -> VirException.of(VirErrorNumber.XML_ERROR, dom,
                        "cannot parse interfaceid parameter as a uuid"));
            }
        }
        String extra = null;
        boolean hasProfile = v.profileId != null && !v.profileId.isEmpty();
        switch (v.type) {
            case 1 -> extra = hasProfile ? "profileid" : v.interfaceId != null ? "interfaceid" : null;
            case 2 -> extra = v.managerId != null ? "managerid" : v.typeId != null ? "typeid"
                    : v.typeIdVersion != null ? "typeidversion" : v.instanceId != null ? "instanceid"
                    : v.interfaceId != null ? "interfaceid" : null;
            case 3 -> extra = v.managerId != null ? "managerid" : v.typeId != null ? "typeid"
                    : v.typeIdVersion != null ? "typeidversion" : v.instanceId != null ? "instanceid" : null;
            default -> {
            }
        }
        if (extra != null) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.NET, "extra " + extra + " unsupported in <virtualport type='"
                    + NetworkDef.VPort.TYPES.get(v.type) + "'>");
        }
        return v;
    }

    // ---- value helpers

    /** A C string as printf's %s prints it: NULL as "(null)". */
    static String cs(String s) {
        return s == null ? "(null)" : s;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** virXMLPropTristateBool: null when absent, "yes"/"no", else libvirt's error. */
    static String tristate(XElem node, String attr) {
        String v = node.attr(attr);
        if (v == null) {
            return null;
        }
        if (!v.equals("yes") && !v.equals("no")) {
            throw Values.invalidAttr(node, attr, v);
        }
        return v;
    }

    /** virXMLPropUInt(node, attr, base, NONE) on a present attribute. */
    private static long propUIntValue(XElem node, String attr, String value, int base) {
        long v = strtoul(value, base, false, 0xffffffffL);
        if (v < 0) {
            throw Values.xmlErr("Invalid value for attribute '" + attr + "' in element '" + node.local + "': '"
                    + value + "'. Expected non-negative integer value");
        }
        return v;
    }

    private static long propUInt(XElem node, String attr, int base) {
        String v = node.attr(attr);
        return v == null ? 0 : propUIntValue(node, attr, v, base);
    }

    /** virXPathUInt on an attribute: -1 absent/empty, -2 invalid, else the value. */
    private static long xpathUInt(String value) {
        if (value == null || value.isEmpty()) {
            return -1;
        }
        long v = strtoul(value, 10, true, 0xffffffffL);
        return v < 0 ? -2 : v;
    }

    /** virStrToLong_ullp: -2 invalid, else the value (unsigned bit pattern). */
    private static long strtoullp(String s) {
        var v = CNumbers.parseULongLongPositive(s);
        return v.isPresent() ? v.getAsLong() : -2;
    }

    /**
     * strtoul with the whole string consumed: -1 on failure.
     *
     * @param allowNeg virStrToLong_ui semantics (a '-' wraps) rather than the "p" variants
     */
    static long strtoul(String s, int base, boolean allowNeg, long max) {
        java.math.BigInteger v = CNumbers.strto(s, base);
        if (v == null || (!allowNeg && s.indexOf('-') >= 0)) {
            return -1;
        }
        java.math.BigInteger magnitude = v.abs();
        if (magnitude.bitLength() > 63) {
            return -1;
        }
        long r = magnitude.longValue();
        if (v.signum() < 0) {
            if (r > 0xffffffffL) {
                return -1;
            }
            r = (-r) & 0xffffffffL;
        }
        return r > max ? -1 : r;
    }

    /** virMacAddrParse: six hex octets of one or two digits separated by ':'; null when invalid. */
    static byte[] parseMac(String str) {
        byte[] out = new byte[6];
        int p = 0;
        for (int i = 0; i < 6; i++) {
            if (p >= str.length() || Character.digit(str.charAt(p), 16) < 0 || str.charAt(p) > 0x7f) {
                return null;
            }
            int start = p;
            int v = 0;
            while (p < str.length() && str.charAt(p) < 0x80 && Character.digit(str.charAt(p), 16) >= 0) {
                v = v * 16 + Character.digit(str.charAt(p), 16);
                p++;
                if (v > 0xfff) {
                    v = 0x1000;
                }
            }
            if (p - start < 1 || p - start > 2 || v > 0xff) {
                return null;
            }
            out[i] = (byte) v;
            if (i == 5 && (p >= str.length() || str.charAt(p) <= ' ')) {
                return out;
            }
            if (p >= str.length() || str.charAt(p) != ':') {
                return null;
            }
            p++;
        }
        return null;
    }

    static String formatMac(byte[] m) {
        return String.format(Locale.ROOT, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    }
}
