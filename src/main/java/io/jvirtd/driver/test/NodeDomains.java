package io.jvirtd.driver.test;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the domains of a node file into a host, as test_driver.c's testParseDomains: each
 * {@code <domain>} (inline, or {@code file=} relative to the node file's directory) is defined,
 * gets its {@code <test:domainsnapshot>} snapshots, and is put in the state its
 * {@code <test:runstate>} names (default running, with ids handed out in file order) with
 * reason 0; {@code <test:transient/>} and {@code <test:hasmanagedsave/>} set the flags. Also
 * reads the networks' addresses for virDomainInterfaceAddresses.
 *
 * <p>Runs once while a host is built, before any connection can see it. Stateless.
 */
final class NodeDomains {

    /** The domain and network of test_driver.c's {@code defaultConnXML}. */
    static final String DEFAULT_XML = "<node>"
            + "<domain type='test'>"
            + "  <name>test</name>"
            + "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>"
            + "  <memory>8388608</memory>"
            + "  <currentMemory>2097152</currentMemory>"
            + "  <vcpu>2</vcpu>"
            + "  <os>"
            + "    <type>hvm</type>"
            + "  </os>"
            + "  <devices>"
            + "    <disk type='file' device='disk'>"
            + "      <source file='/guest/diskimage1'/>"
            + "      <target dev='vda' bus='virtio'/>"
            + "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"
            + "    </disk>"
            + "    <interface type='network'>"
            + "      <mac address='aa:bb:cc:dd:ee:ff'/>"
            + "      <source network='default' bridge='virbr0'/>"
            + "      <address type='pci' domain='0x0000' bus='0x00' slot='0x1' function='0x0'/>"
            + "    </interface>"
            + "    <memballoon model='virtio'>"
            + "      <address type='pci' domain='0x0000' bus='0x00' slot='0x2' function='0x0'/>"
            + "    </memballoon>"
            + "  </devices>"
            + "</domain>"
            + "<network>"
            + "  <name>default</name>"
            + "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>"
            + "  <bridge name='virbr0'/>"
            + "  <forward/>"
            + "  <ip address='192.168.122.1' netmask='255.255.255.0'>"
            + "    <dhcp>"
            + "      <range start='192.168.122.2' end='192.168.122.254'/>"
            + "    </dhcp>"
            + "  </ip>"
            + "</network>"
            + "</node>";

    private NodeDomains() {
    }

    /** The built-in default host's domain "test" (running as id 1) and network. */
    static void loadDefault(MockHost host) {
        Document doc = VirXml.parseString(DEFAULT_XML, "(test driver)", "node", VirErrorDomain.TEST);
        load(host, doc, null);
    }

    /**
     * Loads the domains and network addresses of {@code doc}.
     *
     * @param nodeFile the node file's path (for {@code file=} references), null for built-in XML
     */
    static void load(MockHost host, Document doc, String nodeFile) {
        Element root = doc.getDocumentElement();
        List<Element> networks = new ArrayList<>();
        for (Element e : children(root, "network")) {
            networks.add(resolve(e, "network", nodeFile));
        }
        host.setNetworks(NodeNetworks.read(networks));
        for (Element e : children(root, "domain")) {
            loadDomain(host, resolve(e, "domain", nodeFile), nodeFile);
        }
    }

    private static void loadDomain(MockHost host, Element elem, String nodeFile) {
        DomainDef def = DomainDef.fromElement(elem, DomainDef.PARSE_INACTIVE);
        Domains.generateIfnames(def);
        Domains.Added added = Domains.addOrAssign(host, def, false, false);
        TestDomain dom = added.domain();
        try {
            DomainDef nsDef = dom.def;
            SnapshotOps.loadNodeSnapshots(dom, nsDef.testSnapshotXml(), nodeFile);
            dom.persistent = !nsDef.testTransient();
            dom.hasManagedSave = nsDef.testHasManagedSave();
            int runstate = nsDef.testRunstate();
            if (runstate != DomainState.SHUTOFF.number()) {
                Domains.startState(host, dom, StateReason.Running.BOOTED);
            } else {
                Domains.shutdownState(host, dom, 0);
            }
            DomainState state = DomainState.byNumber(runstate);
            dom.setState(state == null ? DomainState.RUNNING : state, 0);
            Domains.checkTaint(dom);
            Domains.generateIoThreadInfos(dom);
        } finally {
            dom.unlock();
        }
    }

    /**
     * testParseXMLDocFromFile: an element with {@code file=} is replaced by the root of that
     * file (relative paths from the node file's directory), which must be {@code rootName}.
     */
    static Element resolve(Element elem, String rootName, String nodeFile) {
        String rel = elem.getAttribute("file");
        if (rel.isEmpty()) {
            return elem;
        }
        String abs = buildFilename(nodeFile, rel);
        return VirXml.parseFile(Path.of(abs), abs, rootName, VirErrorDomain.TEST).getDocumentElement();
    }

    /** testBuildFilename. */
    static String buildFilename(String relativeTo, String filename) {
        if (filename.startsWith("/") || relativeTo == null) {
            return filename;
        }
        Path parent = Path.of(relativeTo).getParent();
        return (parent == null ? "." : parent.toString()) + "/" + filename;
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getNamespaceURI() == null
                    && name.equals(VirXml.localName(e))) {
                out.add(e);
            }
        }
        return out;
    }

    /** The error for a node-file inconsistency libvirt reports as internal. */
    static VirException internal(String detail) {
        return VirException.internalError(VirErrorDomain.TEST, detail);
    }
}
