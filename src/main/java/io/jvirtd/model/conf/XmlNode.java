package io.jvirtd.model.conf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small mutable XML element: name, attributes in insertion order, child elements, text.
 * It holds the parts of a definition that are kept as canonical XML rather than typed fields
 * (most device elements), and formats them the way libvirt's {@code virBuffer} code does:
 * two spaces per level, attributes in 'single quotes', empty elements self-closed, text
 * escaped as {@code virBufferEscapeString} does.
 *
 * <p>Mutable and not thread-safe: it belongs to the definition that holds it (see
 * {@link DomainDef} for the locking rule).
 */
public final class XmlNode {

    private final String name;
    private final LinkedHashMap<String, String> attrs = new LinkedHashMap<>();
    private final List<XmlNode> children = new ArrayList<>();
    private boolean alwaysOpen;
    private String text;

    public XmlNode(String name) {
        this.name = name;
    }

    /** The element name as printed. */
    public String name() {
        return name;
    }

    /** An attribute's value, or null. */
    public String attr(String key) {
        return attrs.get(key);
    }

    /** Sets (value non-null) or removes (null) an attribute; returns this. */
    public XmlNode attr(String key, String value) {
        if (value == null) {
            attrs.remove(key);
        } else {
            attrs.put(key, value);
        }
        return this;
    }

    /** All attributes in print order (read-only view). */
    public Map<String, String> attrs() {
        return Collections.unmodifiableMap(attrs);
    }

    /** The element's text content, or null when it has none. */
    public String text() {
        return text;
    }

    public XmlNode text(String value) {
        this.text = value;
        return this;
    }

    /** The children in print order (live, mutable list). */
    public List<XmlNode> children() {
        return children;
    }

    /** The first child element with this name, or null. */
    public XmlNode child(String childName) {
        for (XmlNode c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /** All child elements with this name. */
    public List<XmlNode> children(String childName) {
        List<XmlNode> out = new ArrayList<>();
        for (XmlNode c : children) {
            if (c.name.equals(childName)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The first child with this name, created (appended) when missing. */
    public XmlNode getOrAdd(String childName) {
        XmlNode c = child(childName);
        if (c == null) {
            c = new XmlNode(childName);
            children.add(c);
        }
        return c;
    }

    /** Adds a child at the end; returns the child. */
    public XmlNode add(XmlNode child) {
        children.add(child);
        return child;
    }

    /** Removes every child with this name. */
    public void remove(String childName) {
        children.removeIf(c -> c.name.equals(childName));
    }

    /** The text of the first child with this name, or null. */
    public String childText(String childName) {
        XmlNode c = child(childName);
        return c == null ? null : c.text;
    }

    /** Attribute of the first child with this name, or null. */
    public String childAttr(String childName, String key) {
        XmlNode c = child(childName);
        return c == null ? null : c.attr(key);
    }

    /** A deep copy. */
    /**
     * Formats this node as an open and a close tag even when it has no content, as libvirt
     * prints some elements ({@code <hyperv mode='passthrough'>} with no feature, for one).
     */
    public XmlNode alwaysOpen() {
        alwaysOpen = true;
        return this;
    }

    public XmlNode copy() {
        XmlNode n = new XmlNode(name);
        n.alwaysOpen = alwaysOpen;
        n.attrs.putAll(attrs);
        n.text = text;
        for (XmlNode c : children) {
            n.children.add(c.copy());
        }
        return n;
    }

    /** Formats as libvirt does, each line prefixed with {@code indent} spaces, ending in a newline. */
    public void format(StringBuilder out, int indent) {
        pad(out, indent);
        out.append('<').append(name);
        for (Map.Entry<String, String> a : attrs.entrySet()) {
            out.append(' ').append(a.getKey()).append("='");
            escape(out, a.getValue());
            out.append('\'');
        }
        if (children.isEmpty() && text == null) {
            out.append(alwaysOpen ? ">\n" : "/>\n");
            if (alwaysOpen) {
                pad(out, indent);
                out.append("</").append(name).append(">\n");
            }
            return;
        }
        out.append('>');
        if (children.isEmpty()) {
            escape(out, text);
            out.append("</").append(name).append(">\n");
            return;
        }
        out.append('\n');
        for (XmlNode c : children) {
            c.format(out, indent + 2);
        }
        pad(out, indent);
        out.append("</").append(name).append(">\n");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        format(sb, 0);
        return sb.toString();
    }

    static void pad(StringBuilder out, int indent) {
        for (int i = 0; i < indent; i++) {
            out.append(' ');
        }
    }

    /**
     * libvirt's {@code virBufferEscapeString}: escapes the five XML specials and silently drops
     * the control characters XML 1.0 cannot carry (all below 0x20 except tab, LF, CR).
     */
    /** {@code <el>value</el>} on a line of its own at {@code indent}; nothing when value is null. */
    static void textElement(StringBuilder out, int indent, String el, String value) {
        if (value == null) {
            return;
        }
        pad(out, indent);
        out.append('<').append(el).append('>');
        escape(out, value);
        out.append("</").append(el).append(">\n");
    }

    static void escape(StringBuilder out, String s) {
        // the runs between characters that change are appended whole (one array copy), not a
        // character at a time: most values (names, paths, numbers) have none, and every
        // definition, status file and snapshot metadata file formats thousands of them
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = switch (c) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '\'' -> "&apos;";
                default -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? null : ""; // other controls dropped
            };
            if (replacement != null) {
                out.append(s, run, i).append(replacement);
                run = i + 1;
            }
        }
        out.append(s, run, s.length());
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        escape(sb, s);
        return sb.toString();
    }
}
