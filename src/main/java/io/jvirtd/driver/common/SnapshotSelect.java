package io.jvirtd.driver.common;

import static io.jvirtd.model.domain.SnapshotFlags.FILTERS_LOCATION;
import static io.jvirtd.model.domain.SnapshotFlags.FILTERS_STATUS;
import static io.jvirtd.model.domain.SnapshotFlags.LIST_ACTIVE;
import static io.jvirtd.model.domain.SnapshotFlags.LIST_DISK_ONLY;
import static io.jvirtd.model.domain.SnapshotFlags.LIST_EXTERNAL;
import static io.jvirtd.model.domain.SnapshotFlags.LIST_INACTIVE;
import static io.jvirtd.model.domain.SnapshotFlags.LIST_INTERNAL;
import static io.jvirtd.model.domain.SnapshotFlags.STATE_DISK_SNAPSHOT;
import static io.jvirtd.model.domain.SnapshotFlags.STATE_SHUTOFF;

import io.jvirtd.model.conf.SnapshotDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.SnapshotFlags;
import io.jvirtd.model.domain.SnapshotRef;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * virDomainSnapshotObjListGetNames: which snapshots a list, count or children call returns for
 * its public flags (the moment list's tree flags plus the state and location filters). Both
 * drivers' snapshot calls use it. Stateless; the caller holds the domain's lock.
 */
public final class SnapshotSelect {

    private SnapshotSelect() {
    }

    /** The snapshot filter flags every list/count call accepts. */
    public static final int LIST_FLAGS = SnapshotFlags.LIST_ROOTS | SnapshotFlags.LIST_TOPOLOGICAL
            | SnapshotFlags.FILTERS_ALL;
    /** ... and every children call. */
    public static final int CHILD_FLAGS = SnapshotFlags.LIST_DESCENDANTS | SnapshotFlags.LIST_TOPOLOGICAL
            | SnapshotFlags.FILTERS_ALL;

    /** The snapshots below {@code from} (null: the whole list) that {@code flags} select. */
    public static List<Moments.Node<SnapshotDef>> select(Moments<SnapshotDef> snapshots,
                                                         Moments.Node<SnapshotDef> from, int flags) {
        int moment = 0;
        int[][] map = {
            {SnapshotFlags.LIST_ROOTS, Moments.LIST_ROOTS},
            {SnapshotFlags.LIST_TOPOLOGICAL, Moments.LIST_TOPOLOGICAL},
            {SnapshotFlags.LIST_LEAVES, Moments.LIST_LEAVES},
            {SnapshotFlags.LIST_NO_LEAVES, Moments.LIST_NO_LEAVES},
            {SnapshotFlags.LIST_METADATA, Moments.LIST_METADATA},
            {SnapshotFlags.LIST_NO_METADATA, Moments.LIST_NO_METADATA},
        };
        int rest = flags;
        for (int[] m : map) {
            if ((rest & m[0]) != 0) {
                rest &= ~m[0];
                moment |= m[1];
            }
        }
        if ((rest & FILTERS_STATUS) == FILTERS_STATUS) {
            rest &= ~FILTERS_STATUS;
        }
        if ((rest & FILTERS_LOCATION) == FILTERS_LOCATION) {
            rest &= ~FILTERS_LOCATION;
        }
        // LEAVES and NO_LEAVES together mean no leaf filter (zeroed like the other groups)
        if ((moment & (Moments.LIST_LEAVES | Moments.LIST_NO_LEAVES))
                == (Moments.LIST_LEAVES | Moments.LIST_NO_LEAVES)) {
            moment &= ~(Moments.LIST_LEAVES | Moments.LIST_NO_LEAVES);
        }
        int filter = rest;
        Predicate<SnapshotDef> keep = def -> matches(def, filter);
        return snapshots.select(from, moment, keep);
    }

    /** virDomainSnapshotFilter. */
    private static boolean matches(SnapshotDef def, int flags) {
        if ((flags & FILTERS_STATUS) != 0) {
            if ((flags & LIST_INACTIVE) == 0 && def.state() == STATE_SHUTOFF) {
                return false;
            }
            if ((flags & LIST_DISK_ONLY) == 0 && def.state() == STATE_DISK_SNAPSHOT) {
                return false;
            }
            if ((flags & LIST_ACTIVE) == 0 && def.state() != STATE_SHUTOFF
                    && def.state() != STATE_DISK_SNAPSHOT) {
                return false;
            }
        }
        if ((flags & LIST_INTERNAL) != 0 && def.isExternal()) {
            return false;
        }
        return (flags & LIST_EXTERNAL) == 0 || def.isExternal();
    }

    /** The names of {@code nodes}, at most {@code max} (the list-names calls' cap). */
    public static List<String> names(List<Moments.Node<SnapshotDef>> nodes, int max) {
        List<String> out = new ArrayList<>();
        for (Moments.Node<SnapshotDef> n : nodes) {
            if (out.size() >= max) {
                break;
            }
            out.add(n.name);
        }
        return out;
    }

    /** {@code nodes} as snapshot refs of {@code dom} (the list-all calls). */
    public static List<SnapshotRef> refs(List<Moments.Node<SnapshotDef>> nodes, DomainRef dom) {
        List<SnapshotRef> out = new ArrayList<>();
        for (Moments.Node<SnapshotDef> n : nodes) {
            out.add(new SnapshotRef(n.name, dom));
        }
        return out;
    }
}
