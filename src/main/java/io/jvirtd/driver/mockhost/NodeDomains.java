package io.jvirtd.driver.mockhost;

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
 * reason 0; {@code <test:transient/>} and {@code <test:hasmanagedsave/>} set the flags.
 *
 * <p>Runs once while a host is built, before any connection can see it. Stateless.
 */
final class NodeDomains {

    private NodeDomains() {
    }

    /**
     * Loads the domains of {@code doc}.
     *
     * @param nodeFile the node file's path (for {@code file=} references), null for built-in XML
     */
    static void load(MockHost host, Document doc, String nodeFile) {
        Element root = doc.getDocumentElement();
        for (Element e : children(root, "domain")) {
            loadDomain(host, resolve(e, "domain", nodeFile), nodeFile);
        }
    }

    private static void loadDomain(MockHost host, Element elem, String nodeFile) {
        DomainDef def = DomainDef.fromElement(elem, DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        MockXmlOptions.generateIfnames(def);
        Domains.Added added = Domains.addOrAssign(host, def, false, false);
        MockDomain dom = added.domain();
        try {
            MockXmlOptions.TestNs ns = MockXmlOptions.TestNs.of(dom.def);
            SnapshotOps.loadNodeSnapshots(dom, ns.snapshotXml(), nodeFile);
            dom.persistent = !ns.transientDomain();
            dom.hasManagedSave = ns.hasManagedSave();
            int runstate = ns.runstate();
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
