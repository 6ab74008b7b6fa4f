package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.DomainDef;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Changes parts of a domain definition that {@link DomainDef} has no setter for (block I/O tune,
 * interface bandwidth, blkio devices, balloon period): the definition is formatted, edited as a
 * DOM tree, and parsed back, so the parser puts the new elements in libvirt's canonical order.
 * The running id survives the round trip; nothing else a test domain carries is lost (the test
 * namespace is only read when a node file loads).
 *
 * <p>Stateless; the caller holds the lock of the domain the definition belongs to.
 */
final class DefEdit {

    private DefEdit() {
    }

    /** Returns a new definition: {@code def} with {@code edit} applied to its root element. */
    static DomainDef edit(DomainDef def, Consumer<Element> edit) {
        String xml = def.format(DomainDef.XML_SECURE);
        Document doc = VirXml.parseString(xml, null, "domain", VirErrorDomain.DOMAIN);
        edit.accept(doc.getDocumentElement());
        DomainDef fresh = DomainDef.parse(serialize(doc), DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        fresh.setId(def.id());
        return fresh;
    }

    static Document document(Element e) {
        return e.getOwnerDocument();
    }

    /** The first child element with this name, or null. */
    static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(VirXml.localName(e))) {
                return e;
            }
        }
        return null;
    }

    /** The {@code index}-th device element of this kind under {@code <devices>}. */
    static Element device(Element root, String kind, int index) {
        Element devices = child(root, "devices");
        int i = 0;
        for (Node n = devices.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && kind.equals(VirXml.localName(e)) && i++ == index) {
                return e;
            }
        }
        throw new IllegalStateException("no " + kind + " #" + index + " in formatted domain XML");
    }

    /** Appends a new child element; returns it. */
    static Element append(Element parent, String name) {
        Element e = parent.getOwnerDocument().createElement(name);
        parent.appendChild(e);
        return e;
    }

    static void removeChildren(Element parent, String name) {
        List<Node> drop = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(VirXml.localName(e))) {
                drop.add(n);
            }
        }
        drop.forEach(parent::removeChild);
    }

    private static String serialize(Document doc) {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(w));
            return w.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize domain XML", e);
        }
    }
}
