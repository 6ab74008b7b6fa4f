package io.jvirtd.model.conf;

import java.util.Locale;

/**
 * Prints an {@link XElem} as libxml2's {@code xmlNodeDump(buf, doc, node, level, 1)} does with
 * {@code xmlIndentTreeOutput = 1} (how libvirt prints {@code <metadata>} and what
 * virDomainGetMetadata returns): double-quoted attributes, two spaces per level, children on
 * their own lines unless the element holds text (then its content is printed as is).
 *
 * <p>Stateless; safe from any thread.
 */
final class LibxmlDump {

    private LibxmlDump() {
    }

    /** The dump without indentation before the first line and without a final newline. */
    static String dump(XElem e, int level) {
        StringBuilder sb = new StringBuilder();
        element(sb, e, level, true);
        return sb.toString();
    }

    private static void element(StringBuilder out, XElem e, int level, boolean format) {
        out.append('<').append(e.qname());
        for (XElem.Ns ns : e.nsDecls) {
            out.append(" xmlns");
            if (ns.prefix() != null) {
                out.append(':').append(ns.prefix());
            }
            out.append("=\"");
            attrEscape(out, ns.uri());
            out.append('"');
        }
        for (XElem.Attr a : e.attrs) {
            out.append(' ').append(a.qname()).append("=\"");
            attrEscape(out, a.value());
            out.append('"');
        }
        if (e.content.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        boolean fmt = format;
        if (fmt) {
            for (Object o : e.content) {
                if (o instanceof XElem.Text t
                        && (t.kind() == XElem.Text.Kind.TEXT || t.kind() == XElem.Text.Kind.CDATA)) {
                    fmt = false;
                    break;
                }
            }
        }
        if (fmt) {
            out.append('\n');
        }
        for (Object o : e.content) {
            if (fmt && !(o instanceof XElem.Text t && t.kind() == XElem.Text.Kind.TEXT)) {
                indent(out, level + 1);
            }
            if (o instanceof XElem c) {
                element(out, c, level + 1, fmt);
            } else {
                XElem.Text t = (XElem.Text) o;
                switch (t.kind()) {
                    case TEXT -> textEscape(out, t.value());
                    case CDATA -> out.append("<![CDATA[").append(t.value()).append("]]>");
                    case COMMENT -> out.append("<!--").append(t.value()).append("-->");
                    case PI -> {
                        out.append("<?").append(t.target());
                        if (t.value() != null && !t.value().isEmpty()) {
                            out.append(' ').append(t.value());
                        }
                        out.append("?>");
                    }
                }
            }
            if (fmt) {
                out.append('\n');
            }
        }
        if (fmt) {
            indent(out, level);
        }
        out.append("</").append(e.qname()).append('>');
    }

    private static void indent(StringBuilder out, int level) {
        int n = Math.min(level, 30) * 2;
        for (int i = 0; i < n; i++) {
            out.append(' ');
        }
    }

    private static void textEscape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
    }

    private static void attrEscape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                case '\t' -> out.append("&#9;");
                default -> {
                    if (c >= 0x80) {
                        int cp = s.codePointAt(i);
                        if (Character.isSupplementaryCodePoint(cp)) {
                            i++;
                        }
                        out.append("&#x").append(Integer.toHexString(cp).toUpperCase(Locale.ROOT)).append(';');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
