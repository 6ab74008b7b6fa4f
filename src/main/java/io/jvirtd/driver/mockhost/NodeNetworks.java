package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.NetAddr;
import io.jvirtd.model.conf.NetworkDef;
import io.jvirtd.model.domain.DomainInterface;
import org.w3c.dom.Element;


/**
 * Loads a node file's networks (test_driver.c's testParseNetworks): each {@code <network>},
 * inline or {@code file=}, is parsed as network XML, assigned as a persistent definition and
 * started. Also computes the guest addresses virDomainInterfaceAddresses reports for interfaces
 * on a network (testDomainInterfaceAddressFromNet). Stateless helpers.
 */
final class NodeNetworks {

    private NodeNetworks() {
    }

    /** testParseNetworks: the first error wins, as in libvirt. */
    static void load(MockHost host, org.w3c.dom.Document doc, String nodeFile) {
        Element root = doc.getDocumentElement();
        for (Element e : NodeDomains.children(root, "network")) {
            NetworkDef def = NetworkDef.fromElement(NodeDomains.resolve(e, "network", nodeFile));
            host.networks().locked(l -> {
                l.assignDefLocked(def, false, false).active = true;
                return null;
            });
        }
    }

    /**
     * The guest address for the {@code offset}-th interface on {@code network}: its first
     * {@code <ip>}'s first DHCP range start (or the address itself) plus {@code offset}; for
     * IPv6 only the last byte moves, as in libvirt.
     */
    static DomainInterface.IpAddress guestAddress(NetworkList networks, String network, long offset) {
        return networks.locked(l -> {
            NetworkDef def = MockNetworks.byName(l, network).def;
            NetAddr base = def.firstIpRangeStart() != null ? def.firstIpRangeStart() : def.firstIpAddress();
            if (base == null) {
                throw VirException.internalError(VirErrorDomain.TEST, "network '" + network + "' has no IP address");
            }
            boolean v6 = def.firstIpIsV6();
            NetAddr a = base.plus(offset);
            return new DomainInterface.IpAddress(v6 ? DomainInterface.IpAddress.TYPE_IPV6
                    : DomainInterface.IpAddress.TYPE_IPV4, a.toString(), def.firstIpPrefix());
        });
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
