package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;

import java.util.Arrays;
import java.util.List;

/**
 * virNetworkDefUpdateSection (src/conf/network_conf.c): one {@code virNetworkUpdate} command
 * on one section of a definition, with libvirt's matching rules and errors. Stateless; the
 * definition is the caller's (under its object's lock).
 */
final class NetworkUpdater {

    static final int CMD_MODIFY = 1;
    static final int CMD_DELETE = 2;
    static final int CMD_ADD_LAST = 3;
    static final int CMD_ADD_FIRST = 4;

    private static final VirErrorDomain NET = VirErrorDomain.NETWORK;

    private NetworkUpdater() {
    }

    static void update(NetworkDef def, int command, int section, int parentIndex, String xml) {
        VirXml.parseString(xml == null ? "" : xml, "network_update_xml", null, NET);
        XElem node = XParse.parse(xml, false);
        switch (section) {
            case 1 -> throw noSupport(def, "bridge");
            case 2 -> throw noSupport(def, "domain");
            case 3 -> throw noSupport(def, "ip");
            case 4 -> dhcpHost(def, command, parentIndex, node);
            case 5 -> dhcpRange(def, command, parentIndex, node);
            case 6 -> throw noSupport(def, "forward");
            case 7 -> forwardInterface(def, command, node);
            case 8 -> throw noSupport(def, "forward pf");
            case 9 -> portGroup(def, command, node);
            case 10 -> dnsHost(def, command, node);
            case 11 -> dnsTxt(def, command, node);
            case 12 -> dnsSrv(def, command, node);
            default -> throw unsupported("can't update unrecognized section of network");
        }
    }

    private static VirException unsupported(String detail) {
        return VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, NET, detail);
    }

    private static VirException invalid(String detail) {
        return VirException.operationInvalid(NET, detail);
    }

    private static VirException noSupport(NetworkDef def, String section) {
        return unsupported("can't update '" + section + "' section of network '" + def.name + "'");
    }

    private static VirException unknownCommand(int command) {
        return unsupported("unrecognized network update command code " + command);
    }

    private static void checkName(NetworkDef def, XElem node, String section) {
        if (!node.local.equals(section)) {
            throw NetworkParser.xmlErr("unexpected element <" + node.local + ">, expecting <" + section
                    + ">, while updating network '" + def.name + "'");
        }
    }

    private static int insertAt(int command, int size) {
        return command == CMD_ADD_FIRST ? 0 : size;
    }

    /** virNetworkIPDefByIndex. */
    private static NetworkDef.Ip ipByIndex(NetworkDef def, int parentIndex) {
        if (parentIndex >= 0) {
            if (parentIndex >= def.ips.size()) {
                throw invalid("couldn't update dhcp host entry - no <ip> element found at index " + parentIndex
                        + " in network '" + def.name + "'");
            }
            return def.ips.get(parentIndex);
        }
        for (NetworkDef.Ip ip : def.ips) {
            if (!ip.ranges.isEmpty() || !ip.hosts.isEmpty()) {
                return ip;
            }
        }
        for (NetworkDef.Ip ip : def.ips) {
            if (ip.address.isV4()) {
                return ip;
            }
        }
        for (NetworkDef.Ip ip : def.ips) {
            if (ip.address.isV6()) {
                return ip;
            }
        }
        throw invalid("couldn't update dhcp host entry - no <ip> element found in network '" + def.name + "'");
    }

    private static void checkMultiDhcp(NetworkDef def, NetworkDef.Ip ipdef) {
        for (NetworkDef.Ip ip : def.ips) {
            if (ip != ipdef && ip.address.family() == ipdef.address.family()
                    && (!ip.ranges.isEmpty() || !ip.hosts.isEmpty())) {
                throw invalid("dhcp is supported only for a single " + (ipdef.address.isV4() ? "IPv4" : "IPv6")
                        + " address on each network");
            }
        }
    }

    private static boolean macEq(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        byte[] x = NetworkParser.parseMac(a);
        byte[] y = NetworkParser.parseMac(b);
        return x != null && y != null ? Arrays.equals(x, y) : a.equalsIgnoreCase(b);
    }

    private static boolean addrEq(NetAddr a, NetAddr b) {
        return a != null && a.equals(b);
    }

    private static void dhcpHost(NetworkDef def, int command, int parentIndex, XElem node) {
        NetworkDef.Ip ipdef;
        boolean partial = command == CMD_DELETE;
        checkName(def, node, "host");
        ipdef = ipByIndex(def, parentIndex);
        NetworkDef.DhcpHost host = NetworkParser.parseDhcpHost(def.name, ipdef, node, partial);
        if (!partial && (host.ip == null || host.ip.family() != ipdef.address.family())) {
            throw invalid("the address family of a host entry IP must match the address family of the dhcp "
                    + "element's parent");
        }
        List<NetworkDef.DhcpHost> hosts = ipdef.hosts;
        String ipText = host.ip == null ? "unknown" : host.ip.toString();
        if (command == CMD_MODIFY) {
            int i = 0;
            for (; i < hosts.size(); i++) {
                NetworkDef.DhcpHost h = hosts.get(i);
                if (macEq(host.mac, h.mac) || addrEq(host.ip, h.ip) || host.name != null && host.name.equals(h.name)) {
                    break;
                }
            }
            if (i == hosts.size()) {
                throw invalid("couldn't locate an existing dhcp host entry with \"mac='"
                        + (host.mac != null ? host.mac : "unknown") + "'\" \"name='" + NetworkParser.cs(host.name) + "'\" \"ip='"
                        + ipText + "'\" in network '" + def.name + "'");
            }
            hosts.set(i, host);
        } else if (command == CMD_ADD_FIRST || command == CMD_ADD_LAST) {
            checkMultiDhcp(def, ipdef);
            for (NetworkDef.DhcpHost h : hosts) {
                if (macEq(host.mac, h.mac) || host.name != null && host.name.equals(h.name) || addrEq(host.ip, h.ip)) {
                    throw invalid("there is an existing dhcp host entry in network '" + def.name
                            + "' that matches \"<host mac='" + (host.mac != null ? host.mac : "unknown")
                            + "' name='" + NetworkParser.cs(host.name) + "' ip='" + ipText + "'/>\"");
                }
            }
            hosts.add(insertAt(command, hosts.size()), host);
        } else if (command == CMD_DELETE) {
            int i = 0;
            for (; i < hosts.size(); i++) {
                NetworkDef.DhcpHost h = hosts.get(i);
                if ((host.mac == null || h.mac == null || macEq(host.mac, h.mac))
                        && (host.name == null || host.name.equals(h.name))
                        && (host.ip == null || host.ip.equals(h.ip))) {
                    break;
                }
            }
            if (i == hosts.size()) {
                throw invalid("couldn't locate a matching dhcp host entry in network '" + def.name + "'");
            }
            hosts.remove(i);
        } else {
            throw unknownCommand(command);
        }
    }

    private static void dhcpRange(NetworkDef def, int command, int parentIndex, XElem node) {
        checkName(def, node, "range");
        NetworkDef.Ip ipdef = ipByIndex(def, parentIndex);
        if (command == CMD_MODIFY) {
            throw unsupported("dhcp ranges cannot be modified, only added or deleted");
        }
        NetworkDef.Range range = NetworkParser.parseRange(def.name, ipdef, node);
        if (ipdef.address.family() != range.start.family()) {
            throw invalid("the address family of a dhcp range must match the address family of the dhcp "
                    + "element's parent");
        }
        int i = 0;
        for (; i < ipdef.ranges.size(); i++) {
            NetworkDef.Range r = ipdef.ranges.get(i);
            if (r.start.equals(range.start) && r.end.equals(range.end)) {
                break;
            }
        }
        if (command == CMD_ADD_FIRST || command == CMD_ADD_LAST) {
            checkMultiDhcp(def, ipdef);
            if (i < ipdef.ranges.size()) {
                throw invalid("there is an existing dhcp range entry in network '" + def.name
                        + "' that matches \"<range start='" + range.start + "' end='" + range.end + "'/>\"");
            }
            ipdef.ranges.add(insertAt(command, ipdef.ranges.size()), range);
        } else if (command == CMD_DELETE) {
            if (i == ipdef.ranges.size()) {
                throw invalid("couldn't locate a matching dhcp range entry in network '" + def.name + "'");
            }
            ipdef.ranges.remove(i);
        } else {
            throw unknownCommand(command);
        }
    }

    private static void forwardInterface(NetworkDef def, int command, XElem node) {
        checkName(def, node, "interface");
        if (command == CMD_MODIFY) {
            throw unsupported("forward interface entries cannot be modified, only added or deleted");
        }
        String dev = node.attr("dev");
        if (dev == null) {
            throw NetworkParser.xmlErr("missing dev attribute in <interface> element");
        }
        List<NetworkDef.ForwardIf> ifs = def.forward.ifs;
        int i = 0;
        for (; i < ifs.size(); i++) {
            if (dev.equals(ifs.get(i).dev)) {
                break;
            }
        }
        if (command == CMD_ADD_FIRST || command == CMD_ADD_LAST) {
            if (i < ifs.size()) {
                throw invalid("there is an existing interface entry in network '" + def.name
                        + "' that matches \"<interface dev='" + dev + "'>\"");
            }
            NetworkDef.ForwardIf fi = new NetworkDef.ForwardIf();
            fi.dev = dev;
            ifs.add(insertAt(command, ifs.size()), fi);
        } else if (command == CMD_DELETE) {
            if (i == ifs.size()) {
                throw invalid("couldn't find an interface entry in network '" + def.name
                        + "' matching <interface dev='" + dev + "'>");
            }
            if (ifs.get(i).connections > 0) {
                throw invalid("unable to delete interface '" + dev + "' in network '" + def.name
                        + "'. It is currently being used  by " + ifs.get(i).connections + " domains.");
            }
            ifs.remove(i);
        } else {
            throw unknownCommand(command);
        }
    }

    private static void portGroup(NetworkDef def, int command, XElem node) {
        checkName(def, node, "portgroup");
        NetworkDef.PortGroup pg = NetworkParser.parsePortGroup(node);
        int foundName = -1;
        int foundDefault = -1;
        for (int i = 0; i < def.portGroups.size(); i++) {
            if (pg.name.equals(def.portGroups.get(i).name)) {
                foundName = i;
            }
            if (def.portGroups.get(i).isDefault) {
                foundDefault = i;
            }
        }
        boolean isAdd = command == CMD_ADD_FIRST || command == CMD_ADD_LAST;
        if (foundName == -1 && (command == CMD_MODIFY || command == CMD_DELETE)) {
            throw invalid("couldn't find a portgroup entry in network '" + def.name
                    + "' matching <portgroup name='" + pg.name + "'>");
        } else if (foundName >= 0 && isAdd) {
            throw invalid("there is an existing portgroup entry in network '" + def.name
                    + "' that matches \"<portgroup name='" + pg.name + "'>\"");
        }
        if (command != CMD_DELETE && pg.isDefault && foundDefault >= 0 && foundDefault != foundName) {
            throw invalid("a different portgroup entry in network '" + def.name
                    + "' is already set as the default. Only one default is allowed.");
        }
        if (command == CMD_MODIFY) {
            def.portGroups.set(foundName, pg);
        } else if (isAdd) {
            def.portGroups.add(insertAt(command, def.portGroups.size()), pg);
        } else if (command == CMD_DELETE) {
            def.portGroups.remove(foundName);
        } else {
            throw unknownCommand(command);
        }
    }

    private static void dnsHost(NetworkDef def, int command, XElem node) {
        boolean isAdd = command == CMD_ADD_FIRST || command == CMD_ADD_LAST;
        if (command == CMD_MODIFY) {
            throw unsupported("DNS HOST records cannot be modified, only added or deleted");
        }
        checkName(def, node, "host");
        NetworkDef.DnsHost host = NetworkParser.parseDnsHost(def.name, node, !isAdd);
        List<NetworkDef.DnsHost> hosts = def.dns.hosts;
        int foundCt = 0;
        int foundIdx = -1;
        for (int i = 0; i < hosts.size(); i++) {
            NetworkDef.DnsHost h = hosts.get(i);
            boolean found = addrEq(host.ip, h.ip);
            if (!isAdd) {
                for (String n : host.names) {
                    if (h.names.contains(n)) {
                        found = true;
                    }
                }
            }
            if (found) {
                foundCt++;
                foundIdx = i;
            }
        }
        if (isAdd) {
            if (foundCt > 0) {
                throw invalid("there is already at least one DNS HOST record with a matching field in network "
                        + def.name);
            }
            hosts.add(insertAt(command, hosts.size()), host);
        } else if (command == CMD_DELETE) {
            if (foundCt == 0) {
                throw invalid("couldn't locate a matching DNS HOST record in network " + def.name);
            }
            if (foundCt > 1) {
                throw invalid("multiple matching DNS HOST records were found in network " + def.name);
            }
            hosts.remove(foundIdx);
        } else {
            throw unknownCommand(command);
        }
    }

    private static void dnsSrv(NetworkDef def, int command, XElem node) {
        boolean isAdd = command == CMD_ADD_FIRST || command == CMD_ADD_LAST;
        if (command == CMD_MODIFY) {
            throw unsupported("DNS SRV records cannot be modified, only added or deleted");
        }
        checkName(def, node, "srv");
        NetworkDef.Srv srv = NetworkParser.parseSrv(def.name, node, !isAdd);
        List<NetworkDef.Srv> srvs = def.dns.srvs;
        int foundCt = 0;
        int foundIdx = -1;
        for (int i = 0; i < srvs.size(); i++) {
            NetworkDef.Srv s = srvs.get(i);
            if ((srv.domain == null || srv.domain.equals(s.domain))
                    && (srv.service == null || srv.service.equals(s.service))
                    && (srv.protocol == null || srv.protocol.equals(s.protocol))
                    && (srv.target == null || srv.target.equals(s.target))) {
                foundCt++;
                foundIdx = i;
            }
        }
        if (isAdd) {
            if (foundCt > 0) {
                throw invalid("there is already at least one DNS SRV record matching all specified fields in "
                        + "network " + def.name);
            }
            srvs.add(insertAt(command, srvs.size()), srv);
        } else if (command == CMD_DELETE) {
            if (foundCt == 0) {
                throw invalid("couldn't locate a matching DNS SRV record in network " + def.name);
            }
            if (foundCt > 1) {
                throw invalid("multiple DNS SRV records matching all specified fields were found in network "
                        + def.name);
            }
            srvs.remove(foundIdx);
        } else {
            throw unknownCommand(command);
        }
    }

    private static void dnsTxt(NetworkDef def, int command, XElem node) {
        boolean isAdd = command == CMD_ADD_FIRST || command == CMD_ADD_LAST;
        if (command == CMD_MODIFY) {
            throw unsupported("DNS TXT records cannot be modified, only added or deleted");
        }
        checkName(def, node, "txt");
        String[] txt = NetworkParser.parseTxt(def.name, node, !isAdd);
        List<String[]> txts = def.dns.txts;
        int i = 0;
        for (; i < txts.size(); i++) {
            if (txt[0].equals(txts.get(i)[0])) {
                break;
            }
        }
        if (isAdd) {
            if (i < txts.size()) {
                throw invalid("there is already a DNS TXT record with name '" + txt[0] + "' in network " + def.name);
            }
            txts.add(insertAt(command, txts.size()), txt);
        } else if (command == CMD_DELETE) {
            if (i == txts.size()) {
                throw invalid("couldn't locate a matching DNS TXT record in network " + def.name);
            }
            txts.remove(i);
        } else {
            throw unknownCommand(command);
        }
    }
}
