package io.jvirtd.model.conf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A declarative picture of how libvirt prints one element: its attributes in print order, its
 * child elements in print order (each with its own shape), whether it carries text, whether
 * it may repeat. {@link #canon} turns parsed input into a canonical {@link XmlNode}: what the
 * shape does not name is dropped (libvirt ignores unknown XML), the rest is put in libvirt's
 * order. Values are copied as given; callers normalise the ones libvirt rewrites.
 *
 * <p>Shapes are immutable once built (built in static initialisers); safe from any thread.
 */
final class Shape {

    final String name;
    final List<String> attrs;
    final List<Shape> kids;
    boolean text;
    boolean many;
    /** Keep every child and attribute as found (for parts libvirt copies verbatim). */
    boolean verbatim;

    private Shape(String name, List<String> attrs, List<Shape> kids) {
        this.name = name;
        this.attrs = attrs;
        this.kids = kids;
    }

    /** An element with attributes (space separated, print order) and children (print order). */
    static Shape el(String name, String attrs, Shape... kids) {
        List<String> a = attrs == null || attrs.isBlank() ? List.of()
                : Arrays.asList(attrs.trim().split("\\s+"));
        return new Shape(name, a, Arrays.asList(kids));
    }

    /** A text-only element with optional attributes. */
    static Shape txt(String name, String attrs) {
        return el(name, attrs).withText();
    }

    Shape withText() {
        this.text = true;
        return this;
    }

    Shape repeat() {
        this.many = true;
        return this;
    }

    Shape keepAll() {
        this.verbatim = true;
        return this;
    }

    Shape kid(String kidName) {
        for (Shape k : kids) {
            if (k.name.equals(kidName)) {
                return k;
            }
        }
        return null;
    }

    XmlNode canon(XElem e) {
        if (verbatim) {
            return verbatim(e);
        }
        XmlNode n = new XmlNode(name);
        for (String a : attrs) {
            String v = e.attr(a);
            if (v != null) {
                n.attr(a, v);
            }
        }
        for (Shape k : kids) {
            List<XElem> found = e.children(k.name);
            if (found.isEmpty()) {
                continue;
            }
            if (!k.many) {
                found = found.subList(0, 1);
            }
            for (XElem c : found) {
                n.add(k.canon(c));
            }
        }
        if (text) {
            String t = e.text();
            n.text(t.isEmpty() ? null : t);
        }
        return n;
    }

    /**
     * Sorts an existing canonical node's attributes and children into this shape's order.
     * Most nodes are in order already (the post-parse and every typed change sort nodes they
     * mostly did not reorder): those are only checked, which is a short loop of map lookups;
     * the reordering itself is in {@link #reorderChildren} and {@link #reorderAttrs}. (This was
     * one method with the nested loops of the reordering: on a running daemon C2 compiled it
     * four times over, 150-270 ms of compiler CPU each, beside the QEMU its calls wait for:
     * docs/performance.md, issue 14, helper snapcpu.)
     */
    void sort(XmlNode n) {
        if (verbatim) {
            return;
        }
        Order o = order();
        if (o.duplicates || !o.inOrder(o.kidRank, n.children())) {
            reorderChildren(n);
        }
        if (o.duplicates || !o.attrsInOrder(n.attrs().keySet())) {
            reorderAttrs(n);
        }
    }

    /** The children: those each kid names, kid by kid, then those no kid names (each group as found). */
    private void reorderChildren(XmlNode n) {
        List<XmlNode> kidsNow = new ArrayList<>(n.children());
        n.children().clear();
        for (Shape k : kids) {
            for (XmlNode c : kidsNow) {
                if (c.name().equals(k.name)) {
                    n.children().add(c);
                }
            }
        }
        for (XmlNode c : kidsNow) {
            if (kid(c.name()) == null) {
                n.children().add(c);
            }
        }
    }

    /** The attributes: those this shape names in its order, then the others as found. */
    private void reorderAttrs(XmlNode n) {
        List<String> names = new ArrayList<>(n.attrs().keySet());
        List<String[]> pairs = new ArrayList<>();
        for (String a : attrs) {
            if (names.contains(a)) {
                pairs.add(new String[] {a, n.attr(a)});
            }
        }
        for (String a : names) {
            if (!attrs.contains(a)) {
                pairs.add(new String[] {a, n.attr(a)});
            }
        }
        for (String a : names) {
            n.attr(a, null);
        }
        for (String[] p : pairs) {
            n.attr(p[0], p[1]);
        }
    }

    /** Made on first use: a shape's kids may still be filled in while it is built (a backing chain). */
    private Order order;

    private Order order() {
        Order o = order;
        if (o == null) {
            o = new Order(kids, attrs);
            order = o; // racy but safe: Order is immutable (final fields), any thread's copy is equal
        }
        return o;
    }

    /**
     * Each kid's and attribute's place in print order, for the check whether a node is in
     * order: it is when the places of its children (and of its attributes) never go down, those
     * the shape does not name last — exactly the nodes the reordering leaves as they are. With
     * a name twice in the shape that would not hold (the reordering adds such a child twice), so
     * such shapes always reorder. Immutable.
     */
    private static final class Order {
        private static final int UNNAMED = Integer.MAX_VALUE;
        final Map<String, Integer> kidRank;
        final Map<String, Integer> attrRank;
        final boolean duplicates;

        Order(List<Shape> kids, List<String> attrs) {
            Map<String, Integer> k = new HashMap<>();
            boolean dup = false;
            for (int i = 0; i < kids.size(); i++) {
                dup |= k.putIfAbsent(kids.get(i).name, i) != null;
            }
            Map<String, Integer> a = new HashMap<>();
            for (int i = 0; i < attrs.size(); i++) {
                dup |= a.putIfAbsent(attrs.get(i), i) != null;
            }
            this.kidRank = Map.copyOf(k);
            this.attrRank = Map.copyOf(a);
            this.duplicates = dup;
        }

        boolean inOrder(Map<String, Integer> rank, List<XmlNode> children) {
            int last = 0;
            for (int i = 0; i < children.size(); i++) {
                Integer r = rank.get(children.get(i).name());
                int v = r == null ? UNNAMED : r;
                if (v < last) {
                    return false;
                }
                last = v;
            }
            return true;
        }

        boolean attrsInOrder(Iterable<String> names) {
            int last = 0;
            for (String name : names) {
                Integer r = attrRank.get(name);
                int v = r == null ? UNNAMED : r;
                if (v < last) {
                    return false;
                }
                last = v;
            }
            return true;
        }
    }

    /** Everything without a namespace, as found (document order). */
    static XmlNode verbatim(XElem e) {
        XmlNode n = new XmlNode(e.local);
        for (XElem.Attr a : e.attrs) {
            if (a.uri() == null) {
                n.attr(a.local(), a.value());
            }
        }
        boolean any = false;
        for (Object o : e.content) {
            if (o instanceof XElem c && c.uri == null) {
                n.add(verbatim(c));
                any = true;
            }
        }
        if (!any) {
            String t = e.text();
            if (!t.isEmpty()) {
                n.text(t);
            }
        }
        return n;
    }
}
