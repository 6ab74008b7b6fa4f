package io.jvirtd.model.conf;

import static io.jvirtd.model.conf.Shape.el;
import static io.jvirtd.model.conf.Shape.txt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Shape.sort, which only checks a node that is in order already and reorders the others: the
 * same node, children and attributes, as reordering every node (the one-method rule it had
 * before), for random nodes of names the shape has, lacks and has twice.
 */
class ShapeSortTest {

    private static final List<Shape> SHAPES = List.of(
            el("disk", "type device model snapshot", el("driver", "name type"), el("source", "file"),
                    txt("serial", ""), el("target", "dev bus"), el("alias", "name").repeat()),
            el("empty", ""),
            // a name twice among the kids and among the attributes: always reordered
            el("twice", "a b a", el("x", ""), el("y", ""), el("x", "")));
    private static final List<String> NAMES = List.of("driver", "source", "serial", "target", "alias",
            "x", "y", "other", "zzz");
    private static final List<String> ATTRS = List.of("type", "device", "model", "snapshot", "a", "b",
            "extra", "more");

    @Test
    void sameAsReorderingEveryNode() {
        Random random = new Random(14);
        int inOrder = 0;
        for (int n = 0; n < 20_000; n++) {
            Shape shape = SHAPES.get(random.nextInt(SHAPES.size()));
            XmlNode node = randomNode(shape.name, random);
            XmlNode expected = node.copy();
            reorderAsBefore(shape, expected);
            List<XmlNode> kidsBefore = new ArrayList<>(node.children());
            shape.sort(node);
            assertEquals(expected.toString(), node.toString(), "sorting " + expected);
            assertEquals(expected.attrs().keySet().stream().toList(), node.attrs().keySet().stream().toList());
            if (kidsBefore.equals(node.children())) {
                inOrder++;
            }
            for (XmlNode c : node.children()) {
                assertSame(c, kidsBefore.stream().filter(k -> k == c).findFirst().orElse(null),
                        "the children are the node's own, not copies");
            }
        }
        // both ways are exercised: nodes already in order and nodes that are not
        org.junit.jupiter.api.Assertions.assertTrue(inOrder > 2_000 && inOrder < 18_000, "in order: " + inOrder);
    }

    @Test
    void aShapeKeptVerbatimIsLeftAlone() {
        Shape verbatim = el("v", "b a", el("k", "")).keepAll();
        XmlNode node = new XmlNode("v").attr("a", "1").attr("b", "2");
        node.add(new XmlNode("z"));
        node.add(new XmlNode("k"));
        String before = node.toString();
        verbatim.sort(node);
        assertEquals(before, node.toString());
    }

    private static XmlNode randomNode(String name, Random random) {
        XmlNode node = new XmlNode(name);
        for (int i = random.nextInt(4); i > 0; i--) {
            node.attr(ATTRS.get(random.nextInt(ATTRS.size())), Integer.toString(random.nextInt(9)));
        }
        for (int i = random.nextInt(6); i > 0; i--) {
            node.add(new XmlNode(NAMES.get(random.nextInt(NAMES.size()))).attr("n", Integer.toString(i)));
        }
        if (random.nextInt(3) == 0) {
            // mostly in order, as the post-parse sorts them
            List<XmlNode> kids = new ArrayList<>(node.children());
            node.children().clear();
            kids.sort(java.util.Comparator.comparingInt(k -> NAMES.indexOf(k.name())));
            node.children().addAll(kids);
        }
        return node;
    }

    /** The rule as it was: every kid's children in kid order, the unnamed after; attributes alike. */
    private static void reorderAsBefore(Shape shape, XmlNode n) {
        if (shape.verbatim) {
            return;
        }
        List<XmlNode> kidsNow = new ArrayList<>(n.children());
        n.children().clear();
        for (Shape k : shape.kids) {
            for (XmlNode c : kidsNow) {
                if (c.name().equals(k.name)) {
                    n.children().add(c);
                }
            }
        }
        for (XmlNode c : kidsNow) {
            if (shape.kid(c.name()) == null) {
                n.children().add(c);
            }
        }
        List<String> names = new ArrayList<>(n.attrs().keySet());
        List<String[]> pairs = new ArrayList<>();
        for (String a : shape.attrs) {
            if (names.contains(a)) {
                pairs.add(new String[] {a, n.attr(a)});
            }
        }
        for (String a : names) {
            if (!shape.attrs.contains(a)) {
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
}
