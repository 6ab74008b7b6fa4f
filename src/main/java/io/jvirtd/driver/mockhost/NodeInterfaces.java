package io.jvirtd.driver.mockhost;

import io.jvirtd.model.conf.InterfaceDef;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Loads the interfaces of a node file into a host (test_driver.c's testParseInterfaces): each
 * {@code <interface>} (inline, or {@code file=} resolved as {@link NodeDomains#resolve} does) is
 * defined and marked active. Runs once while a host is built, before any connection can see it.
 * Stateless.
 */
final class NodeInterfaces {

    private NodeInterfaces() {
    }

    static void load(MockHost host, Document doc, String nodeFile) {
        for (Element e : NodeDomains.children(doc.getDocumentElement(), "interface")) {
            host.interfaces().assign(InterfaceDef.fromElement(NodeDomains.resolve(e, "interface", nodeFile)), true);
        }
    }
}
