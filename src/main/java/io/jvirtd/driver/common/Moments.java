package io.jvirtd.driver.common;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

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
 * Both drivers keep their snapshots (and the mock host its checkpoints) in one, with the moment
 * rules libvirt's drivers share: assign, cycle check, delete with children.
 *
 * <p>Not thread-safe: it belongs to one domain and is guarded by that domain's lock.
 *
 * @param <D> the moment's definition as the driver keeps it
 */
public final class Moments<D> {

    // virDomainMomentObjList's own list flags
    public static final int LIST_ROOTS = 1;
    public static final int LIST_DESCENDANTS = 1;
    public static final int LIST_TOPOLOGICAL = 1 << 1;
    public static final int LIST_LEAVES = 1 << 2;
    public static final int LIST_NO_LEAVES = 1 << 3;
    public static final int LIST_METADATA = 1 << 4;
    public static final int LIST_NO_METADATA = 1 << 5;

    /** One moment ({@code virDomainMomentObj}). */
    public static final class Node<D> {
        public final String name;
        public D def;
        /** {@code def->parent_name}: what the XML says; null for a root. */
        public String parentName;
        Node<D> parent;
        Node<D> firstChild;
        Node<D> sibling;
        public int nchildren;

        Node(String name, D def, String parentName) {
            this.name = name;
            this.def = def;
            this.parentName = parentName;
        }
    }

    private final Node<D> metaroot = new Node<>(null, null, null);
    private final Map<String, Node<D>> byName = new LinkedHashMap<>();
    private Node<D> current;

    public int size() {
        return byName.size();
    }

    public Node<D> find(String name) {
        return byName.get(name);
    }

    public Collection<Node<D>> all() {
        return byName.values();
    }

    public Node<D> current() {
        return current;
    }

    public String currentName() {
        return current == null ? null : current.name;
    }

    public void setCurrent(Node<D> node) {
        current = node;
    }

    /** Adds an unlinked moment (virDomainMomentAssignDef); the name must be new. */
    public Node<D> add(String name, D def, String parentName) {
        Node<D> n = new Node<>(name, def, parentName);
        byName.put(name, n);
        return n;
    }

    /**
     * Forgets a moment (virDomainMomentObjListRemove) without touching links.
     *
     * @return whether it was the current one
     */
    public boolean remove(Node<D> node) {
        byName.remove(node.name);
        if (current == node) {
            current = null;
            return true;
        }
        return false;
    }

    /** virDomainMomentLinkParent: hangs the moment under its named parent, or the metaroot. */
    public void linkParent(Node<D> node) {
        Node<D> parent = node.parentName == null ? null : byName.get(node.parentName);
        setParent(node, parent == null ? metaroot : parent);
    }

    /**
     * virDomainMomentUpdateRelations: rebuilds every link from the parent names.
     *
     * @return false when a parent is missing or the links form a cycle
     */
    public boolean updateRelations() {
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
    public void dropParent(Node<D> node) {
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
    public void dropChildren(Node<D> node) {
        node.nchildren = 0;
        node.firstChild = null;
    }

    /** virDomainMomentMoveChildren: {@code from}'s children go first among {@code to}'s. */
    public void moveChildren(Node<D> from, Node<D> to) {
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
    public Node<D> parentOf(Node<D> node) {
        return node.parent == null || node.parent == metaroot ? null : node.parent;
    }

    public List<Node<D>> children(Node<D> node) {
        List<Node<D>> out = new ArrayList<>();
        for (Node<D> c = node.firstChild; c != null; c = c.sibling) {
            out.add(c);
        }
        return out;
    }

    /** virDomainMomentForEachDescendant: depth first, pre-order. */
    public void forEachDescendant(Node<D> node, Consumer<Node<D>> action) {
        for (Node<D> c : children(node)) {
            action.accept(c);
            forEachDescendant(c, action);
        }
    }

    /**
     * virDomainMomentObjListGetNames: the moments below {@code from} (null for the whole list)
     * that pass the common flags ({@code LIST_*}) and {@code filter}.
     */
    public List<Node<D>> select(Node<D> from, int flags, Predicate<D> filter) {
        List<Node<D>> out = new ArrayList<>();
        if (from == null) {
            // ROOTS and DESCENDANTS share a bit with opposite meanings: toggle for the metaroot
            flags ^= LIST_ROOTS;
            from = metaroot;
        }
        int dataFlags = flags & ~(LIST_DESCENDANTS | LIST_TOPOLOGICAL);
        int metadata = dataFlags & (LIST_METADATA | LIST_NO_METADATA);
        if (metadata == LIST_NO_METADATA) {
            return out;
        }
        final int leafFlags = dataFlags;
        Consumer<Node<D>> take = n -> {
            if ((leafFlags & LIST_LEAVES) != 0 && n.nchildren > 0) {
                return;
            }
            if ((leafFlags & LIST_NO_LEAVES) != 0 && n.nchildren == 0) {
                return;
            }
            if (filter.test(n.def)) {
                out.add(n);
            }
        };
        if ((flags & LIST_DESCENDANTS) != 0) {
            if (from != metaroot || (flags & LIST_TOPOLOGICAL) != 0) {
                forEachDescendant(from, take);
            } else {
                byName.values().forEach(take);
            }
        } else {
            children(from).forEach(take);
        }
        return out;
    }

    /** virDomainMomentAssignDef: a new node, unless the name is taken. */
    public static <D> Node<D> assign(Moments<D> moments, String name, D def, String parentName) {
        checkNew(moments, name);
        return moments.add(name, def, parentName);
    }

    /** {@link #assign}'s refusal of a taken name, for a caller that must know before it assigns. */
    public static <D> void checkNew(Moments<D> moments, String name) {
        if (moments.find(name) != null) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.DOMAIN,
                    "domain moment " + name + " already exists");
        }
    }

    /** virDomainMomentCheckCycles. */
    public static <D> void checkCycles(Moments<D> moments, String name, String parentName) {
        if (parentName == null) {
            return;
        }
        if (name.equals(parentName)) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN, "cannot set moment " + name + " as its own parent");
        }
        Node<D> other = moments.find(parentName);
        if (other == null) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN,
                    "parent " + parentName + " for moment " + name + " not found");
        }
        while (other != null && other.parentName != null) {
            if (other.parentName.equals(name)) {
                throw VirException.invalidArg(VirErrorDomain.DOMAIN,
                        "parent " + other.name + " would create cycle to " + name);
            }
            other = moments.find(other.parentName);
        }
    }

    /** How a delete re-points a child's parent name (node and definition). */
    public interface Reparent<D> {
        void set(Node<D> child, String parentName);
    }

    /**
     * A delete's tree work (virDomainMomentForEachDescendant, MoveChildren, DropParent): with
     * {@code children} or {@code childrenOnly} the descendants go (the node becomes current if
     * one of them was); else its children move up to its parent. Unless {@code childrenOnly}
     * the node goes too, and its parent becomes current if it was.
     */
    public static <D> void deleteMoment(Moments<D> moments, Node<D> node, boolean children,
                                        boolean childrenOnly, Reparent<D> reparent) {
        if (children || childrenOnly) {
            boolean[] wasCurrent = {false};
            moments.forEachDescendant(node, n -> wasCurrent[0] |= moments.remove(n));
            if (wasCurrent[0]) {
                moments.setCurrent(node);
            }
        } else if (node.nchildren > 0) {
            Node<D> parent = moments.parentOf(node);
            for (Node<D> c : moments.children(node)) {
                reparent.set(c, parent == null ? null : parent.name);
            }
            moments.moveChildren(node, node.parent);
        }
        if (childrenOnly) {
            moments.dropChildren(node);
        } else {
            moments.dropParent(node);
            if (node == moments.current()) {
                Node<D> parent = node.parentName == null ? null : moments.find(node.parentName);
                moments.setCurrent(parent);
            }
            moments.remove(node);
        }
    }
}
