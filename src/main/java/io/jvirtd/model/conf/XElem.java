package io.jvirtd.model.conf;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed XML element as libxml2 holds it: prefix, namespace, namespace declarations and
 * attributes in document order, and mixed content (elements, text, CDATA, comments, PIs).
 * Domain XML is read into this tree (see {@link XParse}); metadata is kept in it and printed
 * the way libxml2's {@code xmlNodeDump} does.
 *
 * <p>Mutable, not thread-safe; owned by whatever holds it.
 */
final class XElem {

    /** A namespace declaration {@code xmlns:prefix="uri"} (prefix null for the default). */
    record Ns(String prefix, String uri) {
    }

    /** An attribute; prefix/uri null when it has no namespace. */
    record Attr(String prefix, String local, String uri, String value) {
        String qname() {
            return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
        }
    }

    /** Non-element content. */
    record Text(Kind kind, String value, String target) {
        enum Kind { TEXT, CDATA, COMMENT, PI }
    }

    String prefix;
    String local;
    String uri;
    final List<Ns> nsDecls = new ArrayList<>();
    final List<Attr> attrs = new ArrayList<>();
    /** XElem or Text entries. */
    final List<Object> content = new ArrayList<>();

    XElem(String prefix, String local, String uri) {
        this.prefix = prefix == null || prefix.isEmpty() ? null : prefix;
        this.local = local;
        this.uri = uri == null || uri.isEmpty() ? null : uri;
    }

    String qname() {
        return prefix == null ? local : prefix + ":" + local;
    }

    /** The first child element with this local name (any namespace... libvirt's XPath uses no ns). */
    XElem child(String name) {
        for (Object o : content) {
            if (o instanceof XElem e && e.uri == null && e.local.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** All child elements (no namespace) with this name. */
    List<XElem> children(String name) {
        List<XElem> out = new ArrayList<>();
        for (Object o : content) {
            if (o instanceof XElem e && e.uri == null && e.local.equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    /** All child elements. */
    List<XElem> elements() {
        List<XElem> out = new ArrayList<>();
        for (Object o : content) {
            if (o instanceof XElem e) {
                out.add(e);
            }
        }
        return out;
    }

    /** An attribute without namespace, or null (libvirt's virXMLPropString). */
    String attr(String name) {
        for (Attr a : attrs) {
            if (a.uri == null && a.local.equals(name)) {
                return a.value;
            }
        }
        return null;
    }

    /** XPath string(): all descendant text and CDATA concatenated. */
    String text() {
        StringBuilder sb = new StringBuilder();
        collect(sb);
        return sb.toString();
    }

    private void collect(StringBuilder sb) {
        for (Object o : content) {
            if (o instanceof XElem e) {
                e.collect(sb);
            } else if (o instanceof Text t
                    && (t.kind() == Text.Kind.TEXT || t.kind() == Text.Kind.CDATA)) {
                sb.append(t.value());
            }
        }
    }

    /** libvirt's virXPathString("string(./name[1])"): null when absent or empty. */
    String childText(String name) {
        XElem c = child(name);
        if (c == null) {
            return null;
        }
        String t = c.text();
        return t.isEmpty() ? null : t;
    }

    XElem copy() {
        XElem e = new XElem(prefix, local, uri);
        e.nsDecls.addAll(nsDecls);
        e.attrs.addAll(attrs);
        for (Object o : content) {
            e.content.add(o instanceof XElem x ? x.copy() : o);
        }
        return e;
    }

    /**
     * A copy as libxml2's {@code xmlCopyNode(node, 1)} makes it when the node leaves its
     * document context: namespaces used inside but declared on ancestors of the original are
     * declared on the copy's root, in first-use order (element before its attributes before
     * its children).
     */
    XElem detachedCopy() {
        XElem root = copy();
        root.reconcile(root, new ArrayList<>());
        return root;
    }

    private void reconcile(XElem root, List<Ns> scope) {
        int mark = scope.size();
        if (this != root) {
            scope.addAll(nsDecls);
        }
        if (uri != null) {
            ensureDeclared(root, scope, prefix, uri);
        }
        for (Attr a : attrs) {
            if (a.uri != null) {
                ensureDeclared(root, scope, a.prefix, a.uri);
            }
        }
        for (Object o : content) {
            if (o instanceof XElem e) {
                e.reconcile(root, scope);
            }
        }
        while (scope.size() > mark) {
            scope.remove(scope.size() - 1);
        }
    }

    private static void ensureDeclared(XElem root, List<Ns> scope, String prefix, String uri) {
        for (Ns n : scope) {
            if (eq(n.prefix(), prefix)) {
                return;
            }
        }
        for (Ns n : root.nsDecls) {
            if (eq(n.prefix(), prefix)) {
                return;
            }
        }
        root.nsDecls.add(new Ns(prefix, uri));
    }

    static boolean eq(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
