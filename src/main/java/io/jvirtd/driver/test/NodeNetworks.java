package io.jvirtd.driver.test;

import io.jvirtd.model.InetText;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainInterface;
import org.w3c.dom.Element;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The little of a node's networks the domain side needs: for virDomainInterfaceAddresses the
 * test driver derives a guest address from the first {@code <ip>} of the network an interface
 * is attached to (testDomainInterfaceAddressFromNet). Read once when the host is built; the
 * network objects themselves belong to the network driver. Stateless helpers.
 */
final class NodeNetworks {

    /**
     * One network's first {@code <ip>}: family ("ipv4"/"ipv6"), address, prefix as
     * virSocketAddrGetIPPrefix computes it, and the first DHCP range start (or null).
     */
    record Addr(String family, String address, int prefix, String rangeStart) {
    }

    private NodeNetworks() {
    }

    /** Loads the node file's networks into the host (testParseNetworks). */
    static void load(MockHost host, org.w3c.dom.Document doc, String nodeFile) {
    }

    /** Reads the {@code <network>} elements (already resolved from {@code file=}). */
    static Map<String, Addr> read(Iterable<Element> networks) {
        Map<String, Addr> out = new LinkedHashMap<>();
        for (Element net : networks) {
            String name = childText(net, "name");
            Element ip = firstChild(net, "ip");
            if (name == null || ip == null) {
                continue;
            }
            String family = ip.getAttribute("family");
            String address = ip.getAttribute("address");
            int prefix = -1;
            if (!ip.getAttribute("prefix").isEmpty()) {
                try {
                    prefix = Integer.parseInt(ip.getAttribute("prefix").trim());
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
            }
            if (prefix <= 0) {
                prefix = prefixOf(address, ip.getAttribute("netmask"));
            }
            String start = null;
            Element dhcp = firstChild(ip, "dhcp");
            Element range = dhcp == null ? null : firstChild(dhcp, "range");
            if (range != null && !range.getAttribute("start").isEmpty()) {
                start = range.getAttribute("start");
            }
            out.put(name, new Addr(family.isEmpty() ? "ipv4" : family, address, prefix, start));
        }
        return out;
    }

    /**
     * The guest address for the {@code offset}-th interface: the range start (or the network
     * address) plus {@code offset}; for IPv6 only the last byte moves, as in libvirt.
     */
    static DomainInterface.IpAddress guestAddress(Map<String, Addr> networks, String network,
                                                  long offset) {
        Addr a = networks.get(network);
        if (a == null) {
            throw VirException.of(VirErrorNumber.NO_NETWORK, VirErrorDomain.TEST,
                    "no network with matching name '" + network + "'");
        }
        String base = a.rangeStart() != null ? a.rangeStart() : a.address();
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(base).getAddress();
        } catch (UnknownHostException e) {
            throw VirException.internalError(VirErrorDomain.TEST, "invalid network address " + base);
        }
        boolean v6 = "ipv6".equals(a.family());
        if (v6) {
            bytes[15] = (byte) (bytes[15] + offset);
        } else {
            long v = ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xffL) << 16)
                    | ((bytes[2] & 0xffL) << 8) | (bytes[3] & 0xffL);
            v = (v + offset) & 0xffffffffL;
            bytes = new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
        }
        String text;
        try {
            text = InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        if (v6) {
            text = InetText.ipv6(bytes);
        }
        return new DomainInterface.IpAddress(v6 ? DomainInterface.IpAddress.TYPE_IPV6
                : DomainInterface.IpAddress.TYPE_IPV4, text, a.prefix());
    }

    /** virSocketAddrGetIPPrefix for a netmask or the address's natural class. */
    private static int prefixOf(String address, String netmask) {
        try {
            if (!netmask.isEmpty()) {
                byte[] m = InetAddress.getByName(netmask).getAddress();
                int bits = 0;
                for (byte b : m) {
                    bits += Integer.bitCount(b & 0xff);
                }
                return bits;
            }
            byte[] a = InetAddress.getByName(address).getAddress();
            if (a.length != 4) {
                return -1;
            }
            if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0) {
                return 0;
            }
            int octet = a[0] & 0xff;
            if ((octet & 0x80) == 0) {
                return 8;
            } else if ((octet & 0xC0) == 0x80) {
                return 16;
            } else if ((octet & 0xE0) == 0xC0) {
                return 24;
            }
            return -1;
        } catch (UnknownHostException e) {
            return -1;
        }
    }

    static Element firstChild(Element parent, String name) {
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(io.jvirtd.model.VirXml.localName(e))) {
                return e;
            }
        }
        return null;
    }

    static String childText(Element parent, String name) {
        Element e = firstChild(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }
}
