package io.jvirtd.model.conf;

import io.jvirtd.model.CNumbers;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.ArrayList;
import java.util.List;

/**
 * Helpers shared by the pool and volume XML code: the few XPath shapes storage_conf.c uses
 * ({@code string(./a/b/@c)}, {@code ./a/b} node sets), C number parsing in a given base,
 * virFileSanitizePath, permissions (virStorageDefParsePerms and its printer) and a small
 * indenting buffer like virBuffer. Stateless; safe from any thread.
 */
final class StorageXml {

    private StorageXml() {
    }

    static VirException err(VirErrorNumber code, String detail) {
        return VirException.of(code, VirErrorDomain.STORAGE, detail);
    }

    static VirException xmlError(String detail) {
        return err(VirErrorNumber.XML_ERROR, detail);
    }

    /** Every element reached by the slash-separated element path, in document order. */
    static List<XElem> nodes(XElem ctx, String path) {
        List<XElem> cur = List.of(ctx);
        for (String step : path.split("/")) {
            List<XElem> next = new ArrayList<>();
            for (XElem e : cur) {
                if (step.equals("*")) {
                    next.addAll(e.elements());
                } else {
                    next.addAll(e.children(step));
                }
            }
            cur = next;
        }
        return cur;
    }

    /** The first element on the path, or null. */
    static XElem node(XElem ctx, String path) {
        List<XElem> n = nodes(ctx, path);
        return n.isEmpty() ? null : n.get(0);
    }

    /**
     * virXPathString("string(./PATH)"): the string value of the first node, where a last step
     * {@code @attr} names an attribute; null when there is none or it is empty.
     */
    static String str(XElem ctx, String path) {
        int at = path.lastIndexOf("/@");
        String value = null;
        if (path.startsWith("@")) {
            value = ctx.attr(path.substring(1));
        } else if (at >= 0) {
            String attr = path.substring(at + 2);
            for (XElem e : nodes(ctx, path.substring(0, at))) {
                String v = e.attr(attr);
                if (v != null) {
                    value = v;
                    break;
                }
            }
        } else {
            XElem e = node(ctx, path);
            value = e == null ? null : e.text();
        }
        return value == null || value.isEmpty() ? null : value;
    }






    /** virXMLPropInt(node, attr, 10, NONE): the value, the default when absent. */
    static int propInt(XElem e, String attr, int dflt) {
        String v = e.attr(attr);
        if (v == null) {
            return dflt;
        }
        Integer i = CNumbers.strToInt(v, 10);
        if (i == null) {
            throw Values.xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local + "': '" + v
                    + "'. Expected integer value");
        }
        return i;
    }

    /** virXMLPropUInt(node, attr, base, NONE): the value, the default when absent. */
    static long propUInt(XElem e, String attr, int base, boolean required, long dflt) {
        String v = e.attr(attr);
        if (v == null) {
            if (required) {
                throw Values.missingAttr(e.local, attr);
            }
            return dflt;
        }
        Long i = CNumbers.strToUIntP(v, base);
        if (i == null) {
            throw Values.xmlErr("Invalid value for attribute '" + attr + "' in element '" + e.local + "': '" + v
                    + "'. Expected non-negative integer value");
        }
        return i;
    }

    /** virXMLPropTristateBool: "yes", "no" or null when absent. */
    static String propTristate(XElem e, String attr) {
        if (e == null) {
            return null;
        }
        return Values.propEnum(e, attr, List.of("yes", "no"));
    }

    /** virFileSanitizePath. */
    static String sanitizePath(String path) {
        int uri = path.indexOf("://");
        if (uri >= 0 && path.indexOf('/') > uri) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        int cur = 0;
        int n = path.length();
        if (n >= 2 && path.charAt(0) == '/' && path.charAt(1) == '/' && (n == 2 || path.charAt(2) != '/')) {
            out.append("//");
            cur = 2;
        }
        while (cur < n) {
            char c = path.charAt(cur);
            if (c != '/') {
                out.append(c);
                cur++;
                continue;
            }
            while (cur < n && path.charAt(cur) == '/') {
                cur++;
            }
            if (out.length() != 0 && cur == n) {
                break;
            }
            out.append('/');
        }
        return out.toString();
    }

    /** Permissions of a pool target or volume; -1 (all bits) means "not set" as in libvirt. */
    record Perms(int mode, long uid, long gid, String label) {
        static final Perms UNSET = new Perms(-1, 0xFFFF_FFFFL, 0xFFFF_FFFFL, null);

        boolean isSet() {
            return mode != -1 || uid != 0xFFFF_FFFFL || gid != 0xFFFF_FFFFL || label != null;
        }
    }

    /** virStorageDefParsePerms at {@code path} (e.g. "target/permissions"). */
    static Perms parsePerms(XElem ctx, String path) {
        XElem node = node(ctx, path);
        if (node == null) {
            return Perms.UNSET;
        }
        int mode = -1;
        String m = str(node, "mode");
        if (m != null) {
            Integer v = CNumbers.strToInt(m, 8);
            if (v == null || (v & ~0777) != 0) {
                throw xmlError("malformed octal mode");
            }
            mode = v;
        }
        long uid = id(node, "owner", "malformed owner element");
        long gid = id(node, "group", "malformed group element");
        return new Perms(mode, uid, gid, str(node, "label"));
    }

    private static long id(XElem node, String el, String error) {
        if (node.child(el) == null) {
            return 0xFFFF_FFFFL;
        }
        String s = str(node, el);
        Long v = s == null ? null : CNumbers.strToLongLong(s, 10);
        if (v == null || ((v & 0xFFFF_FFFFL) != v && v != -1)) {
            throw xmlError(error);
        }
        return v & 0xFFFF_FFFFL;
    }

    static void formatPerms(Buf b, Perms p) {
        if (p == null || !p.isSet()) {
            return;
        }
        b.line("<permissions>");
        b.indent(2);
        if (p.mode() != -1) {
            b.line("<mode>0" + Integer.toOctalString(p.mode()) + "</mode>");
        }
        if (p.uid() != 0xFFFF_FFFFL) {
            b.line("<owner>" + (int) p.uid() + "</owner>");
        }
        if (p.gid() != 0xFFFF_FFFFL) {
            b.line("<group>" + (int) p.gid() + "</group>");
        }
        b.escLine("<label>", p.label(), "</label>");
        b.indent(-2);
        b.line("</permissions>");
    }

    /** A virBuffer with auto-indent: each line starts at the current indent. */
    static final class Buf {
        private final StringBuilder sb = new StringBuilder();
        private int indent;

        Buf indent(int delta) {
            indent += delta;
            return this;
        }

        /** Appends a whole line. */
        Buf line(String s) {
            pad();
            sb.append(s).append('\n');
            return this;
        }

        /** virBufferEscapeString(pre%spost): nothing at all when value is null. */
        Buf escLine(String pre, String value, String post) {
            if (value != null) {
                pad();
                sb.append(pre);
                XmlNode.escape(sb, value);
                sb.append(post).append('\n');
            }
            return this;
        }

        /** Starts a line without ending it. */
        Buf start(String s) {
            pad();
            sb.append(s);
            return this;
        }

        /** Appends text to the current line. */
        Buf raw(String s) {
            sb.append(s);
            return this;
        }

        /** Appends escaped text to the current line. */
        Buf esc(String s) {
            XmlNode.escape(sb, s);
            return this;
        }

        private void pad() {
            for (int i = 0; i < indent; i++) {
                sb.append(' ');
            }
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
