package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.Map;
import java.util.Set;

/**
 * A structural check of network XML standing in for libvirt's RelaxNG validation against
 * network.rng (VIR_NETWORK_DEFINE_VALIDATE): elements and attributes the schema does not know
 * are refused with XML_INVALID_SCHEMA and libxml2's wording for the two common cases (an
 * unknown element directly in {@code <network>}, anything unknown deeper in an interleave).
 * Value syntax is left to the parser, which checks it anyway. Stateless.
 */
final class NetworkSchema {

    private static final String RNG = "/usr/share/libvirt/schemas/network.rng";

    /** element path -> allowed attributes; children allowed are the paths one level down. */
    private static final Map<String, Set<String>> ATTRS = Map.ofEntries(
            Map.entry("network", Set.of("ipv6", "trustGuestRxFilters", "connections")),
            Map.entry("network/name", Set.of()),
            Map.entry("network/uuid", Set.of()),
            Map.entry("network/title", Set.of()),
            Map.entry("network/description", Set.of()),
            Map.entry("network/metadata", Set.of()),
            Map.entry("network/bridge", Set.of("name", "stp", "delay", "macTableManager", "zone")),
            Map.entry("network/mtu", Set.of("size")),
            Map.entry("network/mac", Set.of("address")),
            Map.entry("network/domain", Set.of("name", "localOnly")),
            Map.entry("network/forward", Set.of("dev", "mode", "managed")),
            Map.entry("network/forward/driver", Set.of("name")),
            Map.entry("network/forward/interface", Set.of("dev", "connections")),
            Map.entry("network/forward/pf", Set.of("dev")),
            Map.entry("network/forward/address", Set.of("type", "domain", "bus", "slot", "function", "multifunction")),
            Map.entry("network/forward/nat", Set.of("ipv6")),
            Map.entry("network/forward/nat/address", Set.of("start", "end")),
            Map.entry("network/forward/nat/port", Set.of("start", "end")),
            Map.entry("network/dns", Set.of("enable", "forwardPlainNames")),
            Map.entry("network/dns/forwarder", Set.of("addr", "domain")),
            Map.entry("network/dns/txt", Set.of("name", "value")),
            Map.entry("network/dns/srv", Set.of("service", "protocol", "domain", "target", "port", "priority",
                    "weight")),
            Map.entry("network/dns/host", Set.of("ip")),
            Map.entry("network/dns/host/hostname", Set.of()),
            Map.entry("network/ip", Set.of("address", "netmask", "prefix", "family", "localPtr")),
            Map.entry("network/ip/tftp", Set.of("root")),
            Map.entry("network/ip/dhcp", Set.of()),
            Map.entry("network/ip/dhcp/range", Set.of("start", "end")),
            Map.entry("network/ip/dhcp/range/lease", Set.of("expiry", "unit")),
            Map.entry("network/ip/dhcp/host", Set.of("mac", "id", "name", "ip")),
            Map.entry("network/ip/dhcp/host/lease", Set.of("expiry", "unit")),
            Map.entry("network/ip/dhcp/bootp", Set.of("file", "server")),
            Map.entry("network/route", Set.of("family", "address", "netmask", "prefix", "gateway", "metric")),
            Map.entry("network/port", Set.of("isolated")),
            Map.entry("network/vlan", Set.of("trunk")),
            Map.entry("network/vlan/tag", Set.of("id", "nativeMode")),
            Map.entry("network/bandwidth", Set.of()),
            Map.entry("network/bandwidth/inbound", Set.of("average", "peak", "burst", "floor")),
            Map.entry("network/bandwidth/outbound", Set.of("average", "peak", "burst")),
            Map.entry("network/virtualport", Set.of("type")),
            Map.entry("network/virtualport/parameters", Set.of("managerid", "typeid", "typeidversion",
                    "instanceid", "profileid", "interfaceid")),
            Map.entry("network/portgroup", Set.of("name", "default", "trustGuestRxFilters")),
            Map.entry("network/portgroup/vlan", Set.of("trunk")),
            Map.entry("network/portgroup/vlan/tag", Set.of("id", "nativeMode")),
            Map.entry("network/portgroup/bandwidth", Set.of()),
            Map.entry("network/portgroup/bandwidth/inbound", Set.of("average", "peak", "burst", "floor")),
            Map.entry("network/portgroup/bandwidth/outbound", Set.of("average", "peak", "burst")),
            Map.entry("network/portgroup/virtualport", Set.of("type")),
            Map.entry("network/portgroup/virtualport/parameters", Set.of("managerid", "typeid", "typeidversion",
                    "instanceid", "profileid", "interfaceid")));

    private NetworkSchema() {
    }

    static void validate(XElem root) {
        String bad = check(root, "network");
        if (bad != null) {
            throw VirException.of(VirErrorNumber.XML_INVALID_SCHEMA, VirErrorDomain.XML,
                    "Unable to validate doc against " + RNG + "\n" + bad);
        }
    }

    /** The libxml2-style complaint for the first problem below {@code e}, or null. */
    private static String check(XElem e, String path) {
        Set<String> attrs = ATTRS.get(path);
        for (XElem.Attr a : e.attrs) {
            if (a.uri() == null && !attrs.contains(a.local())) {
                return path.equals("network") ? "Invalid attribute " + a.local() + " for element network\n"
                        : chain(path);
            }
        }
        if (path.equals("network/metadata")) {
            return null;
        }
        for (XElem c : e.elements()) {
            String cp = path + "/" + c.local;
            if (c.uri != null || !ATTRS.containsKey(cp)) {
                String first = "Element " + e.local + " has extra content: " + c.local + "\n";
                return path.equals("network") ? first : first + chain(path);
            }
            String bad = check(c, cp);
            if (bad != null) {
                return bad;
            }
        }
        return null;
    }

    /** "Extra element X in interleave / Element PARENT failed to validate content" up to the root. */
    private static String chain(String path) {
        String[] p = path.split("/");
        StringBuilder sb = new StringBuilder();
        for (int i = p.length - 1; i >= 1; i--) {
            sb.append("Extra element ").append(p[i]).append(" in interleave\nElement ").append(p[i - 1])
                    .append(" failed to validate content\n");
        }
        return sb.toString();
    }
}
