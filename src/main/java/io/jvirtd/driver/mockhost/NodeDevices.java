package io.jvirtd.driver.mockhost;

import io.jvirtd.model.conf.NodeDeviceDef;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Loads the node devices of a node file into a host (test_driver.c's testParseNodedevs): each
 * {@code <device>} (inline, or {@code file=} resolved as {@link NodeDomains#resolve} does) is
 * parsed as an existing device and added, replacing an earlier one of the same name. Also gives
 * the host's storage pools the node devices' vHBA hook (scsi pools with an fc_host adapter).
 * Runs once while a host is built, before any connection can see it. Stateless.
 */
final class NodeDevices {

    private NodeDevices() {
    }

    static void load(MockHost host, Document doc, String nodeFile) {
        host.storagePools().setVportHook(host.nodeDevices().vportHook());
        for (Element e : NodeDomains.children(doc.getDocumentElement(), "device")) {
            host.nodeDevices().assign(NodeDeviceDef.fromElement(NodeDomains.resolve(e, "device", nodeFile), false));
        }
    }
}
