package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.domain.Uuids;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * The small XML toolkit the host-interface and node-device definitions share: libvirt's XPath
 * idioms on a DOM ({@code virXPathString("string(./a[1])")}, {@code virXMLPropString}), the C
 * number parsers behind them ({@code virStrToLong_*} on {@code strtol}/{@code strtoul}, any
 * base), the {@code virXMLProp*} helpers with their error texts (domain XML), virUUIDParse,
 * {@code <link>} of virInterfaceLinkParseXML/virInterfaceLinkFormat, and an indenting output
 * buffer like virBuffer's. Stateless; safe from any thread.
 */
final class InterfaceXml {

    private InterfaceXml() {
    }

    /** The element children of {@code e} named {@code name} (no namespace), in document order. */
    static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getNamespaceURI() == null && name.equals(VirXml.localName(c))) {
                out.add(c);
            }
        }
        return out;
    }

    /** {@code ./name[1]}: the first child element of that name, or null. */
    static Element first(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getNamespaceURI() == null && name.equals(VirXml.localName(c))) {
                return c;
            }
        }
        return null;
    }

    /**
     * {@code ./a/b/...}: the first element in document order reached by the path of child names,
     * or null.
     */
    static Element path(Element e, String... names) {
        return path(e, names, 0);
    }

    private static Element path(Element e, String[] names, int at) {
        if (at == names.length) {
            return e;
        }
        for (Element c : children(e, names[at])) {
            Element found = path(c, names, at + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** virXPathString("string(./a/b[1])"): the string value of the first match; null when none or empty. */
    static String text(Element e, String... names) {
        Element found = path(e, names);
        return found == null ? null : nonEmpty(found.getTextContent());
    }

    /**
     * virXPathString("string(./a/@attr)"): the value of {@code attr} on the first element reached
     * by the path that has it; null when none or empty.
     */
    static String pathAttr(Element e, String attr, String... names) {
        return nonEmpty(pathAttr(e, attr, names, 0));
    }

    private static String pathAttr(Element e, String attr, String[] names, int at) {
        if (at == names.length) {
            Attr a = e.getAttributeNode(attr);
            return a == null ? null : a.getValue();
        }
        for (Element c : children(e, names[at])) {
            String v = pathAttr(c, attr, names, at + 1);
            if (v != null) {
                return nonEmpty(v);
            }
        }
        return null;
    }

    /** virXMLPropString: the attribute's value ("" when empty), or null when absent. */
    static String prop(Element e, String attr) {
        Attr a = e.getAttributeNode(attr);
        return a == null ? null : a.getValue();
    }

    static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** libxml2's node->name. */
    static String name(Element e) {
        return VirXml.localName(e);
    }

    // ---- C number parsing





    // ---- virXMLProp* (errors in domain XML)

    static VirException xmlError(VirErrorDomain domain, String detail) {
        return VirException.of(VirErrorNumber.XML_ERROR, domain, detail);
    }

    static VirException missingAttr(Element e, String attr) {
        return xmlError(VirErrorDomain.XML, "Missing required attribute '" + attr + "' in element '"
                + name(e) + "'");
    }

    /** virXMLPropEnum: index in {@code values} (index 0 allowed unless nonZero), or -1 when absent. */
    static int propEnum(Element e, String attr, List<String> values, boolean required, boolean nonZero) {
        String v = prop(e, attr);
        if (v == null) {
            if (required) {
                throw missingAttr(e, attr);
            }
            return -1;
        }
        int idx = values.indexOf(v);
        if (idx < 0 || (nonZero && idx == 0)) {
            throw xmlError(VirErrorDomain.XML, "Invalid value for attribute '" + attr + "' in element '"
                    + name(e) + "': '" + v + "'.");
        }
        return idx;
    }

    /** virXMLPropUInt: the value, or -1 when absent and not required. */
    static long propUInt(Element e, String attr, int base, boolean required) {
        String v = prop(e, attr);
        if (v == null) {
            if (required) {
                throw missingAttr(e, attr);
            }
            return -1;
        }
        Long n = CNumbers.strToUIntP(v, base);
        if (n == null) {
            throw xmlError(VirErrorDomain.XML, "Invalid value for attribute '" + attr + "' in element '"
                    + name(e) + "': '" + v + "'. Expected non-negative integer value");
        }
        return n;
    }

    /** virXMLPropInt: the value, or {@code dflt} when absent. */
    static int propInt(Element e, String attr, int base, int dflt) {
        String v = prop(e, attr);
        if (v == null) {
            return dflt;
        }
        Integer n = CNumbers.strToInt(v, base);
        if (n == null) {
            throw xmlError(VirErrorDomain.XML, "Invalid value for attribute '" + attr + "' in element '"
                    + name(e) + "': '" + v + "'. Expected integer value");
        }
        return n;
    }

    // ---- UUIDs

    /** virUUIDParse then virUUIDFormat: the canonical text, or null when libvirt refuses it. */
    static String canonicalUuid(String s) {
        return Uuids.parse(s).map(Uuids::format).orElse(null);
    }

    // ---- <link> (device_conf.c)

    /** virNetDevIfState names; index 0 means "no state". */
    static final List<String> LINK_STATES = List.of("", "unknown", "notpresent", "down", "lowerlayerdown",
            "testing", "dormant", "up");

    /** virNetDevIfLink: speed (unsigned, 0 = none) and state index (0 = none). */
    record Link(long speed, int state) {
        static final Link NONE = new Link(0, 0);

        /** virInterfaceLinkParseXML: state first, then speed. */
        static Link parse(Element lnk) {
            if (lnk == null) {
                return NONE;
            }
            int state = propEnum(lnk, "state", LINK_STATES, false, false);
            long speed = propUInt(lnk, "speed", 10, false);
            return new Link(Math.max(speed, 0), Math.max(state, 0));
        }

        /** virInterfaceLinkFormat. */
        void format(Out out) {
            if (speed == 0 && state == 0) {
                return;
            }
            StringBuilder sb = new StringBuilder("<link");
            if (speed != 0) {
                sb.append(" speed='").append(speed).append('\'');
            }
            if (state != 0) {
                sb.append(" state='").append(LINK_STATES.get(state)).append('\'');
            }
            out.line(sb.append("/>").toString());
        }
    }

    // ---- output

    /** virBuffer with auto-indent: every line starts at the current indent. */
    static final class Out {
        private final StringBuilder sb = new StringBuilder();
        private int indent;

        Out line(String text) {
            sb.append(" ".repeat(indent)).append(text).append('\n');
            return this;
        }

        /** virBufferEscapeString("<el>%s</el>\n", value): nothing when value is null. */
        Out text(String el, String value) {
            if (value != null) {
                line("<" + el + ">" + escape(value) + "</" + el + ">");
            }
            return this;
        }

        Out open(String text) {
            line(text);
            indent += 2;
            return this;
        }

        Out close(String text) {
            indent -= 2;
            line(text);
            return this;
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    /** virBufferEscapeString's escaping. */
    static String escape(String s) {
        return XmlNode.escape(s);
    }
}
