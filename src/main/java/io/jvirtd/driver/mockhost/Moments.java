package io.jvirtd.driver.mockhost;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The snapshots or checkpoints of one domain as a tree (libvirt's
 * {@code virDomainMomentObjList}): nodes by name, parent/child links under a metaroot, and the
 * current moment. Children are kept newest first and depth-first walks visit them in that order,
 * as libvirt's sibling lists do; whole-list walks go in creation order (libvirt walks a hash).
 *
 * <p>Not thread-safe: it belongs to a {@link MockDomain} and is guarded by that domain's lock.
 *
 * @param <D> the moment's definition as the driver keeps it
 */
final class Moments<D> {

    /** One moment ({@code virDomainMomentObj}). */
    static final class Node<D> {
        final String name;
        D def;
        /** {@code def->parent_name}: what the XML says; null for a root. */
        String parentName;
        Node<D> parent;
        Node<D> firstChild;
        Node<D> sibling;
        int nchildren;

        Node(String name, D def, String parentName) {
            this.name = name;
            this.def = def;
            this.parentName = parentName;
        }
    }

    private final Node<D> metaroot = new Node<>(null, null, null);
    private final Map<String, Node<D>> byName = new LinkedHashMap<>();
    private Node<D> current;

    int size() {
        return byName.size();
    }

    Node<D> find(String name) {
        return byName.get(name);
    }

    Collection<Node<D>> all() {
        return byName.values();
    }

    Node<D> current() {
        return current;
    }

    String currentName() {
        return current == null ? null : current.name;
    }

    void setCurrent(Node<D> node) {
        current = node;
    }

    /** Adds an unlinked moment (virDomainMomentAssignDef); the name must be new. */
    Node<D> add(String name, D def, String parentName) {
        Node<D> n = new Node<>(name, def, parentName);
        byName.put(name, n);
        return n;
    }

    /**
     * Forgets a moment (virDomainMomentObjListRemove) without touching links.
     *
     * @return whether it was the current one
     */
    boolean remove(Node<D> node) {
        byName.remove(node.name);
        if (current == node) {
            current = null;
            return true;
        }
        return false;
    }

    /** virDomainMomentLinkParent: hangs the moment under its named parent, or the metaroot. */
    void linkParent(Node<D> node) {
        Node<D> parent = node.parentName == null ? null : byName.get(node.parentName);
        setParent(node, parent == null ? metaroot : parent);
    }

    /**
     * virDomainMomentUpdateRelations: rebuilds every link from the parent names.
     *
     * @return false when a parent is missing or the links form a cycle
     */
    boolean updateRelations() {
        metaroot.firstChild = null;
        metaroot.nchildren = 0;
        for (Node<D> n : byName.values()) {
            n.parent = null;
            n.firstChild = null;
            n.sibling = null;
            n.nchildren = 0;
        }
        boolean ok = true;
        for (Node<D> n : byName.values()) {
            Node<D> parent = n.parentName == null ? metaroot : byName.get(n.parentName);
            if (parent == null) {
                ok = false;
                parent = metaroot;
            }
            for (Node<D> up = parent; up != null && up != metaroot; up = up.parent) {
                if (up == n) {
                    ok = false;
                    parent = metaroot;
                    break;
                }
            }
            setParent(n, parent);
        }
        return ok;
    }

    private void setParent(Node<D> node, Node<D> parent) {
        node.parent = parent;
        parent.nchildren++;
        node.sibling = parent.firstChild;
        parent.firstChild = node;
    }

    /** virDomainMomentDropParent: unlinks the moment from its parent's children. */
    void dropParent(Node<D> node) {
        Node<D> parent = node.parent;
        if (parent == null) {
            return;
        }
        Node<D> prev = null;
        for (Node<D> c = parent.firstChild; c != null; prev = c, c = c.sibling) {
            if (c == node) {
                if (prev == null) {
                    parent.firstChild = c.sibling;
                } else {
                    prev.sibling = c.sibling;
                }
                parent.nchildren--;
                break;
            }
        }
        node.parent = null;
        node.sibling = null;
    }

    /** virDomainMomentDropChildren. */
    void dropChildren(Node<D> node) {
        node.nchildren = 0;
        node.firstChild = null;
    }

    /** virDomainMomentMoveChildren: {@code from}'s children go first among {@code to}'s. */
    void moveChildren(Node<D> from, Node<D> to) {
        if (from.nchildren == 0) {
            return;
        }
        Node<D> child = from.firstChild;
        while (child != null) {
            child.parent = to;
            if (child.sibling == null) {
                child.sibling = to.firstChild;
                break;
            }
            child = child.sibling;
        }
        to.nchildren += from.nchildren;
        to.firstChild = from.firstChild;
        from.firstChild = null;
        from.nchildren = 0;
    }

    /** The parent node, or null for a root (whose parent is the metaroot). */
    Node<D> parentOf(Node<D> node) {
        return node.parent == null || node.parent == metaroot ? null : node.parent;
    }

    List<Node<D>> children(Node<D> node) {
        List<Node<D>> out = new ArrayList<>();
        for (Node<D> c = node.firstChild; c != null; c = c.sibling) {
            out.add(c);
        }
        return out;
    }

    /** virDomainMomentForEachDescendant: depth first, pre-order. */
    void forEachDescendant(Node<D> node, Consumer<Node<D>> action) {
        for (Node<D> c : children(node)) {
            action.accept(c);
            forEachDescendant(c, action);
        }
    }

    /**
     * virDomainMomentObjListGetNames: the moments below {@code from} (null for the whole list)
     * that pass the common flags ({@code Flags.MOMENT_LIST_*}) and {@code filter}.
     */
    List<Node<D>> select(Node<D> from, int flags, Predicate<D> filter) {
        List<Node<D>> out = new ArrayList<>();
        if (from == null) {
            // ROOTS and DESCENDANTS share a bit with opposite meanings: toggle for the metaroot
            flags ^= Flags.MOMENT_LIST_ROOTS;
            from = metaroot;
        }
        int dataFlags = flags & ~(Flags.MOMENT_LIST_DESCENDANTS | Flags.MOMENT_LIST_TOPOLOGICAL);
        int metadata = dataFlags & (Flags.MOMENT_LIST_METADATA | Flags.MOMENT_LIST_NO_METADATA);
        if (metadata == Flags.MOMENT_LIST_NO_METADATA) {
            return out;
        }
        final int leafFlags = dataFlags;
        Consumer<Node<D>> take = n -> {
            if ((leafFlags & Flags.MOMENT_LIST_LEAVES) != 0 && n.nchildren > 0) {
                return;
            }
            if ((leafFlags & Flags.MOMENT_LIST_NO_LEAVES) != 0 && n.nchildren == 0) {
                return;
            }
            if (filter.test(n.def)) {
                out.add(n);
            }
        };
        if ((flags & Flags.MOMENT_LIST_DESCENDANTS) != 0) {
            if (from != metaroot || (flags & Flags.MOMENT_LIST_TOPOLOGICAL) != 0) {
                forEachDescendant(from, take);
            } else {
                byName.values().forEach(take);
            }
        } else {
            children(from).forEach(take);
        }
        return out;
    }
}
