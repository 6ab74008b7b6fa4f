package io.jvirtd.driver.mockhost;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.NodeInfo;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Builds a {@link MockHost} from a test-driver node file (testOpenFromFile / testParseNodeInfo
 * in test_driver.c), failing with the errors libvirt gives for the same file.
 *
 * <p>A node file is {@code <node>} with optional {@code <cpu>} overrides ({@code nodes},
 * {@code sockets}, {@code cores}, {@code threads}, {@code active}, {@code mhz}, {@code model})
 * and {@code <memory>} in KiB, followed by domains, networks, interfaces, pools and node devices.
 * Each family has its loader ({@link #loadObjects}); {@code <auth>} users make the file refused
 * over the remote protocol ({@link #refuseNamedUsers}). A file
 * host has no NUMA cells, whatever {@code <cpu><nodes>} says: libvirt builds its capabilities
 * before reading the file. Stateless; safe from any thread.
 */
final class NodeFile {

    /** virNodeInfo's model buffer is char[32], NUL included. */
    private static final int MODEL_MAX_BYTES = 31;

    private NodeFile() {
    }

    /**
     * Loads the node file at {@code path}, as given in the URI (relative paths resolve against
     * the daemon's working directory, as in libvirtd).
     */
    static MockHost load(String path, SchemaValidator schemas) {
        Document doc = VirXml.parseFile(Path.of(path), path, "node", VirErrorDomain.TEST);
        MockHost host = new MockHost(parseNodeInfo(doc), List.of(), schemas);
        loadObjects(host, doc, path);
        refuseNamedUsers(doc);
        return host;
    }

    /**
     * testParseAuthUsers, then testConnectAuthenticate as libvirtd runs it: a file whose
     * {@code /node/auth/user} names anyone (each must have a name) asks for a username, and a
     * daemon has no callback to ask the remote client with (it opens the driver with no
     * virConnectAuth), so virAuthGetUsername refuses every such connection.
     */
    static void refuseNamedUsers(Document doc) {
        NodeList users;
        try {
            users = (NodeList) XPathFactory.newInstance().newXPath()
                    .evaluate("/node/auth/user", doc, XPathConstants.NODESET);
        } catch (XPathExpressionException e) {
            throw new IllegalStateException("bad built-in XPath", e);
        }
        if (users.getLength() == 0) {
            return;
        }
        for (int i = 0; i < users.getLength(); i++) {
            if (users.item(i).getTextContent().isEmpty()) {
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.TEST,
                        "missing username in /node/auth/user field");
            }
        }
        throw VirException.invalidArg(VirErrorDomain.AUTH, "Missing authentication credentials");
    }

    /**
     * testOpenParse after the node info: domains, networks, interfaces, storage pools (with their
     * volumes) and node devices, in libvirt's order (the first error wins as in libvirt).
     *
     * @param nodeFile the node file's path, for {@code file=} references; null for built-in XML
     */
    static void loadObjects(MockHost host, Document doc, String nodeFile) {
        NodeDomains.load(host, doc, nodeFile);
        NodeNetworks.load(host, doc, nodeFile);
        NodeInterfaces.load(host, doc, nodeFile);
        NodePools.load(host, doc, nodeFile);
        NodeDevices.load(host, doc, nodeFile);
    }

    /** testParseNodeInfo: each field overrides the default; checked in libvirt's order. */
    static NodeInfo parseNodeInfo(Document doc) {
        XPath xpath = XPathFactory.newInstance().newXPath();
        NodeInfo d = MockHost.DEFAULT_NODE_INFO;
        int nodes = uint(xpath, doc, "/node/cpu/nodes[1]", "cpu nodes", d.nodes());
        int sockets = uint(xpath, doc, "/node/cpu/sockets[1]", "cpu sockets", d.sockets());
        int cores = uint(xpath, doc, "/node/cpu/cores[1]", "cpu cores", d.cores());
        int threads = uint(xpath, doc, "/node/cpu/threads[1]", "cpu threads", d.threads());
        // C unsigned int arithmetic: the product wraps, and so does Java's int product.
        int cpus = cores * threads * sockets * nodes;
        String active = text(xpath, doc, "/node/cpu/active[1]");
        if (active != null) {
            int activeCpus = (int) require(CNumbers.parseUIntPositive(active), "cpu active");
            if (Integer.compareUnsigned(activeCpus, cpus) < 0) {
                cpus = activeCpus;
            }
        }
        int mhz = uint(xpath, doc, "/node/cpu/mhz[1]", "cpu mhz", d.mhz());
        String model = text(xpath, doc, "/node/cpu/model[1]");
        if (model == null) {
            model = d.model();
        } else if (model.getBytes(StandardCharsets.UTF_8).length > MODEL_MAX_BYTES) {
            throw VirException.internalError(VirErrorDomain.TEST,
                    "Model " + model + " too big for destination");
        }
        long memory = d.memoryKiB();
        String mem = text(xpath, doc, "/node/memory[1]");
        if (mem != null) {
            memory = require(CNumbers.parseULongLongPositive(mem), "memory");
        }
        return new NodeInfo(model, memory, cpus, mhz, nodes, sockets, cores, threads);
    }

    private static int uint(XPath xpath, Document doc, String expr, String what, int dflt) {
        String s = text(xpath, doc, expr);
        return s == null ? dflt : (int) require(CNumbers.parseUIntPositive(s), what);
    }

    private static long require(OptionalLong value, String what) {
        if (value.isEmpty()) {
            throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.TEST,
                    "invalid node " + what + " value");
        }
        return value.getAsLong();
    }

    /** virXPathString's rule: an absent or empty string value counts as "not there". */
    private static String text(XPath xpath, Document doc, String expr) {
        try {
            String s = xpath.evaluate("string(" + expr + ")", doc);
            return s == null || s.isEmpty() ? null : s;
        } catch (XPathExpressionException e) {
            throw new IllegalStateException("bad built-in XPath " + expr, e);
        }
    }
}
