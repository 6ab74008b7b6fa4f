package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirXml;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Reads an already validated XML document (see {@link io.jvirtd.model.VirXml}, which gives
 * libvirt's error shapes) into an {@link XElem} tree, keeping what libxml2 keeps: attribute and
 * namespace-declaration order, comments, CDATA. With {@code keepBlanks == false} it drops
 * whitespace-only text the way libxml2 does under {@code xmlKeepBlanksDefault(0)} (libvirt's
 * setting when it parses domain, snapshot and checkpoint XML): a blank run is dropped unless
 * the element already had non-blank text, or the run is the element's only content, or the
 * element's first child is text.
 *
 * <p>Safe from any thread: each thread reads with its own factory ({@link #FACTORIES}).
 */
final class XParse {

    private XParse() {
    }

    /**
     * One configured factory per thread, reused: {@code XMLInputFactory.newFactory()} looks the
     * implementation up (system property, jaxp.properties, service loader over the class path)
     * on every call, which cost more than reading a small document (20-100 µs against 30 µs) and
     * was paid by every definition, status file and snapshot parsed. The JDK does not promise a
     * factory is thread-safe once configured, hence one per thread. It keeps no document
     * between calls ({@link #parse} closes its source).
     */
    private static final ThreadLocal<XMLInputFactory> FACTORIES = ThreadLocal.withInitial(XParse::newFactory);

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        f.setXMLResolver((publicId, systemId, baseUri, ns) -> {
            throw new XMLStreamException("external entities are not allowed");
        });
        return f;
    }

    static XElem parse(String xml, boolean keepBlanks) {
        // the factory keeps its last reader, and that reader this source: closed when done, so
        // no thread's factory holds on to a document (StringReader.close drops the string)
        StringReader source = new StringReader(VirXml.withoutByteOrderMark(xml));
        try {
            XMLStreamReader r = FACTORIES.get().createXMLStreamReader(source);
            Deque<XElem> stack = new ArrayDeque<>();
            XElem root = null;
            StringBuilder text = null;
            while (r.hasNext()) {
                int ev = r.next();
                switch (ev) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        flush(stack, text);
                        text = null;
                        XElem e = new XElem(r.getPrefix(), r.getLocalName(), r.getNamespaceURI());
                        for (int i = 0; i < r.getNamespaceCount(); i++) {
                            String p = r.getNamespacePrefix(i);
                            e.nsDecls.add(new XElem.Ns(p == null || p.isEmpty() ? null : p,
                                    r.getNamespaceURI(i)));
                        }
                        for (int i = 0; i < r.getAttributeCount(); i++) {
                            String p = r.getAttributePrefix(i);
                            String u = r.getAttributeNamespace(i);
                            e.attrs.add(new XElem.Attr(p == null || p.isEmpty() ? null : p,
                                    r.getAttributeLocalName(i), u == null || u.isEmpty() ? null : u,
                                    r.getAttributeValue(i)));
                        }
                        if (stack.isEmpty()) {
                            root = e;
                        } else {
                            stack.peek().content.add(e);
                        }
                        stack.push(e);
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        flush(stack, text);
                        text = null;
                        XElem e = stack.pop();
                        if (!keepBlanks) {
                            dropBlanks(e.content);
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE -> {
                        if (!stack.isEmpty()) {
                            if (text == null) {
                                text = new StringBuilder();
                            }
                            text.append(r.getText());
                        }
                    }
                    case XMLStreamConstants.CDATA -> {
                        if (!stack.isEmpty()) {
                            flush(stack, text);
                            text = null;
                            stack.peek().content.add(
                                    new XElem.Text(XElem.Text.Kind.CDATA, r.getText(), null));
                        }
                    }
                    case XMLStreamConstants.COMMENT -> {
                        if (!stack.isEmpty()) {
                            flush(stack, text);
                            text = null;
                            stack.peek().content.add(
                                    new XElem.Text(XElem.Text.Kind.COMMENT, r.getText(), null));
                        }
                    }
                    case XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                        if (!stack.isEmpty()) {
                            flush(stack, text);
                            text = null;
                            stack.peek().content.add(new XElem.Text(XElem.Text.Kind.PI,
                                    r.getPIData(), r.getPITarget()));
                        }
                    }
                    default -> {
                    }
                }
            }
            return root;
        } catch (XMLStreamException e) {
            // StAX refuses a prefix no xmlns binds, which libxml2 (and VirXml) accept: read
            // such a document from VirXml's tree (attributes then in name order)
            return fromDom(VirXml.parseString(xml, null, null, VirErrorDomain.XML).getDocumentElement(), keepBlanks);
        } finally {
            source.close();
        }
    }

    /**
     * Converts a DOM element (e.g. a {@code <domain>} inside a node file) into the same tree.
     * The JDK's DOM keeps attributes sorted by name, so attribute order is not the document's
     * here; libvirt's own elements do not care, only metadata prints its attributes as found.
     */
    static XElem fromDom(org.w3c.dom.Element el, boolean keepBlanks) {
        // an unbound prefix: libxml2 keeps "prefix:name" as the name of an element without namespace
        boolean unbound = el.getNamespaceURI() == null && el.getPrefix() != null;
        XElem e = unbound ? new XElem(null, el.getNodeName(), null)
                : new XElem(el.getPrefix(), VirXml.localName(el), el.getNamespaceURI());
        org.w3c.dom.NamedNodeMap am = el.getAttributes();
        for (int i = 0; i < am.getLength(); i++) {
            org.w3c.dom.Attr a = (org.w3c.dom.Attr) am.item(i);
            String nsUri = a.getNamespaceURI();
            if ("http://www.w3.org/2000/xmlns/".equals(nsUri)) {
                String p = a.getPrefix() == null ? null : a.getLocalName();
                e.nsDecls.add(new XElem.Ns(p, a.getValue()));
            } else if (nsUri == null || a.getLocalName() == null) {
                e.attrs.add(new XElem.Attr(null, a.getName(), null, a.getValue()));
            } else {
                e.attrs.add(new XElem.Attr(a.getPrefix(), a.getLocalName(), nsUri, a.getValue()));
            }
        }
        StringBuilder text = null;
        for (org.w3c.dom.Node n = el.getFirstChild(); n != null; n = n.getNextSibling()) {
            switch (n.getNodeType()) {
                case org.w3c.dom.Node.ELEMENT_NODE -> {
                    text = flushTo(e, text);
                    e.content.add(fromDom((org.w3c.dom.Element) n, keepBlanks));
                }
                case org.w3c.dom.Node.TEXT_NODE -> {
                    if (text == null) {
                        text = new StringBuilder();
                    }
                    text.append(n.getNodeValue());
                }
                case org.w3c.dom.Node.CDATA_SECTION_NODE -> {
                    text = flushTo(e, text);
                    e.content.add(new XElem.Text(XElem.Text.Kind.CDATA, n.getNodeValue(), null));
                }
                case org.w3c.dom.Node.COMMENT_NODE -> {
                    text = flushTo(e, text);
                    e.content.add(new XElem.Text(XElem.Text.Kind.COMMENT, n.getNodeValue(), null));
                }
                case org.w3c.dom.Node.PROCESSING_INSTRUCTION_NODE -> {
                    text = flushTo(e, text);
                    org.w3c.dom.ProcessingInstruction pi = (org.w3c.dom.ProcessingInstruction) n;
                    e.content.add(new XElem.Text(XElem.Text.Kind.PI, pi.getData(), pi.getTarget()));
                }
                default -> {
                }
            }
        }
        flushTo(e, text);
        if (!keepBlanks) {
            dropBlanks(e.content);
        }
        return e;
    }

    private static StringBuilder flushTo(XElem e, StringBuilder text) {
        if (text != null && text.length() > 0) {
            e.content.add(new XElem.Text(XElem.Text.Kind.TEXT, text.toString(), null));
        }
        return null;
    }

    private static void flush(Deque<XElem> stack, StringBuilder text) {
        if (text != null && text.length() > 0 && !stack.isEmpty()) {
            stack.peek().content.add(new XElem.Text(XElem.Text.Kind.TEXT, text.toString(), null));
        }
    }

    static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /** libxml2's areBlanks() decisions, replayed over one element's finished content. */
    private static void dropBlanks(List<Object> content) {
        boolean sawText = false;
        int kept = 0;
        int index = 0;
        int total = content.size();
        Object first = null;
        Iterator<Object> it = content.iterator();
        while (it.hasNext()) {
            Object o = it.next();
            boolean last = index == total - 1;
            index++;
            if (o instanceof XElem.Text t && t.kind() == XElem.Text.Kind.TEXT) {
                if (!isBlank(t.value())) {
                    sawText = true;
                } else if (!sawText
                        && !(kept == 0 && last)
                        && !(first instanceof XElem.Text ft && ft.kind() == XElem.Text.Kind.TEXT)) {
                    it.remove();
                    continue;
                }
            }
            if (kept == 0) {
                first = o;
            }
            kept++;
        }
    }
}
