package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;

import java.util.Iterator;

/**
 * The {@code <metadata>} element of a domain, kept as libxml2 keeps it, with libvirt's
 * operations on it (src/util/virxml.c: virXMLNodeSanitizeNamespaces, virXMLInjectNamespace,
 * virXMLExtractNamespaceXML; src/conf/domain_conf.c virDomainDefSetMetadata).
 *
 * <p>Stateless helpers; the element itself belongs to its {@link DomainDef}.
 */
final class Metadata {

    private Metadata() {
    }

    /**
     * The element as stored after parse + post-parse: copied out of the document (namespaces
     * declared outside moved onto it), children without namespace dropped, and of children
     * sharing a namespace only the first kept.
     */
    static XElem fromDocument(XElem metadataElem) {
        XElem md = metadataElem.detachedCopy();
        sanitize(md);
        return md;
    }

    static void sanitize(XElem md) {
        java.util.List<String> seen = new java.util.ArrayList<>();
        Iterator<Object> it = md.content.iterator();
        while (it.hasNext()) {
            Object o = it.next();
            String uri = o instanceof XElem e ? e.uri : null;
            if (uri == null) {
                it.remove();
            } else if (seen.contains(uri)) {
                it.remove();
            } else {
                seen.add(uri);
            }
        }
    }

    /** virDomainGetMetadata(ELEMENT): the child in {@code uri} with that namespace stripped, or null. */
    static String get(XElem md, String uri) {
        XElem node = find(md, uri);
        if (node == null) {
            return null;
        }
        XElem copy = node.detachedCopy();
        strip(copy, uri);
        for (Iterator<XElem.Ns> it = copy.nsDecls.iterator(); it.hasNext();) {
            if (uri.equals(it.next().uri())) {
                it.remove();
                break;
            }
        }
        return LibxmlDump.dump(copy, 0);
    }

    private static void strip(XElem e, String uri) {
        if (uri.equals(e.uri)) {
            e.prefix = null;
            e.uri = null;
        }
        for (int i = 0; i < e.attrs.size(); i++) {
            XElem.Attr a = e.attrs.get(i);
            if (uri.equals(a.uri())) {
                // libvirt frees the declaration the attribute points at; it then prints unprefixed
                e.attrs.set(i, new XElem.Attr(null, a.local(), null, a.value()));
            }
        }
        for (Object o : e.content) {
            if (o instanceof XElem c) {
                strip(c, uri);
            }
        }
    }

    static XElem find(XElem md, String uri) {
        if (md == null) {
            return null;
        }
        for (Object o : md.content) {
            if (o instanceof XElem e && uri.equals(e.uri)) {
                return e;
            }
        }
        return null;
    }

    /**
     * virDomainDefSetMetadata(ELEMENT): returns the new {@code <metadata>} element (created
     * when {@code md} is null), or null to keep none.
     */
    static XElem set(XElem md, String uri, String key, String xml) {
        XElem added = null;
        if (xml != null) {
            VirXml.parseString(xml, "(metadata_xml)", null, VirErrorDomain.DOMAIN);
            XElem root = XParse.parse(xml, true);
            if (key == null || !isNcName(key)) {
                throw VirException.internalError(VirErrorDomain.DOMAIN,
                        "failed to validate prefix for a new XML namespace");
            }
            for (XElem.Ns ns : root.nsDecls) {
                if (XElem.eq(ns.prefix(), key)) {
                    throw VirException.internalError(VirErrorDomain.DOMAIN,
                            "failed to create a new XML namespace");
                }
            }
            root.nsDecls.add(new XElem.Ns(key, uri));
            inject(root, key, uri);
            added = root;
            if (md == null) {
                md = new XElem(null, "metadata", null);
            }
        }
        if (md != null) {
            md.content.removeIf(o -> o instanceof XElem e && uri.equals(e.uri));
            if (added != null) {
                md.content.add(added);
            }
        }
        return md;
    }

    private static void inject(XElem e, String key, String uri) {
        if (e.uri == null) {
            e.prefix = key;
            e.uri = uri;
        }
        for (Object o : e.content) {
            if (o instanceof XElem c) {
                inject(c, key, uri);
            }
        }
    }

    /** xmlValidateNCName, ASCII approximation plus any non-ASCII letter. */
    static boolean isNcName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        char c0 = s.charAt(0);
        if (!(Character.isLetter(c0) || c0 == '_')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Prints {@code <metadata>} at {@code indent} spaces, as virXMLFormatMetadata. */
    static void format(StringBuilder out, XElem md, int indent) {
        XmlNode.pad(out, indent);
        out.append(LibxmlDump.dump(md, indent / 2)).append('\n');
    }

    static VirException xmlError(String detail) {
        return VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.DOMAIN, detail);
    }
}
