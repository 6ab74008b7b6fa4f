package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.common.Moments;
import io.jvirtd.driver.common.SnapshotSelect;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.VirXml;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.SnapshotDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.SnapshotRef;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.event.LifecycleCodes;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The test driver's snapshot calls: create (new or redefine, halt), list and count with every
 * filter, tree navigation, current snapshot, XML, revert (with its nine state transitions and
 * their events) and delete (children, children only), as test_driver.c with libvirt's
 * moment-list rules. Snapshots live in their domain's {@link Moments} tree under the domain lock.
 */
abstract class SnapshotOps extends DomainTuningOps {

    /** virDomainSnapshotState numbers the driver looks at. */
    static final int SNAP_RUNNING = 1;
    static final int SNAP_PAUSED = 3;
    static final int SNAP_SHUTOFF = 5;
    static final int SNAP_DISK_SNAPSHOT = 8;

    SnapshotOps(MockHost host) {
        super(host);
    }

    // ------------------------------------------------------------------ node files

    /**
     * testParseDomainSnapshots: the {@code <test:domainsnapshot>} elements of a node-file
     * domain, in internal form ({@code <active>} marks the current one). Runs while the host is
     * built, with the domain locked.
     */
    static void loadNodeSnapshots(MockDomain dom, List<String> snapshotXml, String nodeFile) {
        for (String xml : snapshotXml) {
            Document doc = VirXml.parseString(xml, "(domain_snapshot)", null, VirErrorDomain.TEST);
            Element root = NodeDomains.resolve(doc.getDocumentElement(), "domainsnapshot", nodeFile);
            SnapshotDef def = SnapshotDef.fromElement(root,
                    SnapshotDef.PARSE_INTERNAL | SnapshotDef.PARSE_REDEFINE, MockXmlOptions.OPTIONS);
            Element active = NodeNetworks.firstChild(root, "active");
            boolean current;
            try {
                current = active != null && Long.parseLong(active.getTextContent().trim()) != 0;
            } catch (NumberFormatException e) {
                active = null;
                current = false;
            }
            if (active == null) {
                throw VirException.internalError(VirErrorDomain.DOMAIN_SNAPSHOT,
                        "Could not find 'active' element");
            }
            Moments.Node<SnapshotDef> node = assign(dom.snapshots, def);
            if (current) {
                if (dom.snapshots.current() != null) {
                    throw NodeDomains.internal("more than one snapshot claims to be active");
                }
                dom.snapshots.setCurrent(node);
            }
        }
        if (!dom.snapshots.updateRelations()) {
            throw NodeDomains.internal("Snapshots have inconsistent relations for domain " + dom.name());
        }
    }

    private static Moments.Node<SnapshotDef> assign(Moments<SnapshotDef> moments, SnapshotDef def) {
        return Moments.assign(moments, def.name(), def, def.parentName());
    }

    /** testSnapObjFromName. */
    static Moments.Node<SnapshotDef> snapNode(MockDomain d, String name) {
        Moments.Node<SnapshotDef> n = d.snapshots.find(name);
        if (n == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.TEST,
                    "no domain snapshot with matching name '" + name + "'");
        }
        return n;
    }

    // ------------------------------------------------------------------ create

    @Override
    public SnapshotRef domainSnapshotCreateXML(DomainRef dom, String xml, int flags) {
        checkFlags(flags, Flags.SNAP_CREATE_REDEFINE | Flags.SNAP_CREATE_CURRENT | Flags.SNAP_CREATE_HALT
                | Flags.SNAP_CREATE_QUIESCE | Flags.SNAP_CREATE_ATOMIC | Flags.SNAP_CREATE_LIVE
                | Flags.SNAP_CREATE_VALIDATE, "testDomainSnapshotCreateXML");
        boolean redefine = (flags & Flags.SNAP_CREATE_REDEFINE) != 0;
        boolean updateCurrent = !redefine || (flags & Flags.SNAP_CREATE_CURRENT) != 0;
        int parseFlags = redefine ? SnapshotDef.PARSE_REDEFINE : 0;
        if ((flags & Flags.SNAP_CREATE_VALIDATE) != 0) {
            parseFlags |= SnapshotDef.PARSE_VALIDATE;
        }
        int pf = parseFlags;
        EarlyParse<SnapshotDef> parsed = EarlyParse.of(() -> SnapshotDef.parse(xml, pf, MockXmlOptions.OPTIONS, host.schemas()));
        List<String> sources = withDomain(dom, SnapshotOps::diskSources);
        if (parsed.orNull() != null) {
            addSources(sources, parsed.orNull().domain());
        }
        Set<String> regularFiles = regularFiles(sources);
        return withDomain(dom, d -> {
            if (d.checkpoints.size() > 0) {
                throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                        "cannot create snapshot while checkpoint exists");
            }
            if (!d.persistent && (flags & Flags.SNAP_CREATE_HALT) != 0) {
                throw VirException.operationInvalid(VirErrorDomain.TEST,
                        "cannot halt after transient domain snapshot");
            }
            SnapshotDef def = parsed.get();
            Moments.Node<SnapshotDef> node;
            if (redefine) {
                node = redefine(d, def, flags, regularFiles);
            } else {
                def.setDomain(d.def.copyViaXml(true));
                def.testAlign(d.state.number(), false, d.isActive(), regularFiles::contains);
                node = assign(d.snapshots, def);
                setParentName(node, d.snapshots.currentName());
                if ((flags & Flags.SNAP_CREATE_HALT) != 0 && d.isActive()) {
                    Domains.shutdownState(host, d, StateReason.Shutoff.FROM_SNAPSHOT);
                    Domains.lifecycle(host, d, LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_FROM_SNAPSHOT);
                }
            }
            if (updateCurrent) {
                d.snapshots.setCurrent(node);
            }
            d.snapshots.linkParent(node);
            return new SnapshotRef(node.name, d.ref());
        });
    }

    /**
     * Every disk source path a new snapshot of {@code d} may be aligned against: the domain's
     * and those of its snapshots' domains (a redefinition without a domain takes the old one's).
     */
    private static List<String> diskSources(MockDomain d) {
        List<String> paths = new ArrayList<>();
        addSources(paths, d.def);
        for (Moments.Node<SnapshotDef> n : d.snapshots.all()) {
            addSources(paths, n.def.domain());
        }
        return paths;
    }

    private static void addSources(List<String> paths, DomainDef def) {
        if (def != null) {
            for (var disk : def.disks()) {
                if (disk.sourcePath() != null) {
                    paths.add(disk.sourcePath());
                }
            }
        }
    }

    /**
     * Which of these paths are regular files (stat, S_ISREG), as libvirt checks before it names
     * an external snapshot image after a disk's source. Looked at with no domain locked: a stat
     * is I/O.
     */
    private static Set<String> regularFiles(List<String> paths) {
        Set<String> regular = new HashSet<>();
        for (String p : paths) {
            try {
                if (Files.isRegularFile(Path.of(p))) {
                    regular.add(p);
                }
            } catch (InvalidPathException e) {
                // not a path this host can have: not a regular file
            }
        }
        return regular;
    }

    /** testDomainSnapshotRedefine: replace a snapshot's definition or add one. */
    private static Moments.Node<SnapshotDef> redefine(MockDomain d, SnapshotDef def, int flags,
                                                      Set<String> regularFiles) {
        Moments.checkCycles(d.snapshots, def.name(), def.parentName());
        Moments.Node<SnapshotDef> other = d.snapshots.find(def.name());
        SnapshotDef otherDef = other == null ? null : other.def;
        // virDomainSnapshotRedefineValidate
        if (def.domain() != null && !java.util.Arrays.equals(def.domain().uuid(), d.def.uuid())) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN_SNAPSHOT, "definition for snapshot "
                    + def.name() + " must use uuid " + Uuids.format(d.def.uuid()));
        }
        if (otherDef != null) {
            if (online(otherDef.state()) != online(def.state())) {
                throw VirException.invalidArg(VirErrorDomain.DOMAIN_SNAPSHOT,
                        "cannot change between online and offline snapshot state in snapshot " + def.name());
            }
            if ((otherDef.state() == SNAP_DISK_SNAPSHOT) != (def.state() == SNAP_DISK_SNAPSHOT)) {
                throw VirException.invalidArg(VirErrorDomain.DOMAIN_SNAPSHOT,
                        "cannot change between disk only and full system in snapshot " + def.name());
            }
        }
        String align = def.state() == SNAP_DISK_SNAPSHOT || def.isExternal() ? "external" : "internal";
        def.alignDisks(otherDef == null ? null : otherDef.domain(), align, true, regularFiles::contains);
        if (other != null) {
            // virDomainSnapshotReplaceDef: keep the children, take over the old domain if none
            if (def.domain() == null) {
                def.setDomain(otherDef.domain());
            }
            d.snapshots.dropParent(other);
            other.def = def;
            other.parentName = def.parentName();
            return other;
        }
        return assign(d.snapshots, def);
    }

    private static boolean online(int state) {
        return state == SNAP_RUNNING || state == SNAP_PAUSED;
    }

    private static void setParentName(Moments.Node<SnapshotDef> node, String parent) {
        node.parentName = parent;
        node.def.setParentName(parent);
    }

    // ------------------------------------------------------------------ listing

    private static final int LIST_FLAGS = SnapshotSelect.LIST_FLAGS;
    private static final int CHILD_FLAGS = SnapshotSelect.CHILD_FLAGS;

    static List<Moments.Node<SnapshotDef>> selectSnapshots(MockDomain d, Moments.Node<SnapshotDef> from,
                                                            int flags) {
        return SnapshotSelect.select(d.snapshots, from, flags);
    }


    @Override
    public int domainSnapshotNum(DomainRef dom, int flags) {
        checkFlags(flags, LIST_FLAGS, "testDomainSnapshotNum");
        return withDomain(dom, d -> selectSnapshots(d, null, flags).size());
    }

    @Override
    public List<String> domainSnapshotListNames(DomainRef dom, int maxnames, int flags) {
        checkFlags(flags, LIST_FLAGS, "testDomainSnapshotListNames");
        return withDomain(dom, d -> SnapshotSelect.names(selectSnapshots(d, null, flags), maxnames));
    }

    @Override
    public List<SnapshotRef> domainListAllSnapshots(DomainRef dom, int flags) {
        checkFlags(flags, LIST_FLAGS, "testDomainListAllSnapshots");
        return withDomain(dom, d -> SnapshotSelect.refs(selectSnapshots(d, null, flags), dom));
    }

    @Override
    public int domainSnapshotNumChildren(SnapshotRef snap, int flags) {
        checkFlags(flags, CHILD_FLAGS, "testDomainSnapshotNumChildren");
        return withDomain(snap.domain(), d -> selectSnapshots(d, snapNode(d, snap.name()), flags).size());
    }

    @Override
    public List<String> domainSnapshotListChildrenNames(SnapshotRef snap, int maxnames, int flags) {
        checkFlags(flags, CHILD_FLAGS, "testDomainSnapshotListChildrenNames");
        return withDomain(snap.domain(), d -> SnapshotSelect.names(selectSnapshots(d, snapNode(d, snap.name()), flags),
                maxnames));
    }

    @Override
    public List<SnapshotRef> domainSnapshotListAllChildren(SnapshotRef snap, int flags) {
        checkFlags(flags, CHILD_FLAGS, "testDomainSnapshotListAllChildren");
        return withDomain(snap.domain(), d -> SnapshotSelect.refs(selectSnapshots(d, snapNode(d, snap.name()), flags),
                snap.domain()));
    }

    // ------------------------------------------------------------------ navigation

    @Override
    public SnapshotRef domainSnapshotLookupByName(DomainRef dom, String name, int flags) {
        checkFlags(flags, 0, "testDomainSnapshotLookupByName");
        return withDomain(dom, d -> new SnapshotRef(snapNode(d, name).name, dom));
    }

    @Override
    public boolean domainHasCurrentSnapshot(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainHasCurrentSnapshot");
        return withDomain(dom, d -> d.snapshots.current() != null);
    }

    @Override
    public SnapshotRef domainSnapshotGetParent(SnapshotRef snap, int flags) {
        checkFlags(flags, 0, "testDomainSnapshotGetParent");
        return withDomain(snap.domain(), d -> {
            Moments.Node<SnapshotDef> n = snapNode(d, snap.name());
            if (n.parentName == null) {
                throw VirException.of(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.TEST,
                        "snapshot '" + n.name + "' does not have a parent");
            }
            return new SnapshotRef(n.parentName, snap.domain());
        });
    }

    @Override
    public SnapshotRef domainSnapshotCurrent(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainSnapshotCurrent");
        return withDomain(dom, d -> {
            Moments.Node<SnapshotDef> cur = d.snapshots.current();
            if (cur == null) {
                throw VirException.of(VirErrorNumber.NO_DOMAIN_SNAPSHOT, VirErrorDomain.TEST,
                        "the domain does not have a current snapshot");
            }
            return new SnapshotRef(cur.name, dom);
        });
    }

    @Override
    public String domainSnapshotGetXMLDesc(SnapshotRef snap, int flags) {
        checkFlags(flags, Flags.SNAP_XML_SECURE, "testDomainSnapshotGetXMLDesc");
        SnapshotDef copy = withDomain(snap.domain(), d -> snapNode(d, snap.name()).def.copy());
        return copy.format(flags, snap.domain().uuidString());
    }

    @Override
    public boolean domainSnapshotIsCurrent(SnapshotRef snap, int flags) {
        checkFlags(flags, 0, "testDomainSnapshotIsCurrent");
        return withDomain(snap.domain(), d -> snapNode(d, snap.name()) == d.snapshots.current());
    }

    @Override
    public boolean domainSnapshotHasMetadata(SnapshotRef snap, int flags) {
        checkFlags(flags, 0, "testDomainSnapshotHasMetadata");
        return withDomain(snap.domain(), d -> {
            snapNode(d, snap.name());
            return true;
        });
    }

    // ------------------------------------------------------------------ delete

    @Override
    public void domainSnapshotDelete(SnapshotRef snap, int flags) {
        checkFlags(flags, Flags.SNAP_DELETE_CHILDREN | Flags.SNAP_DELETE_CHILDREN_ONLY,
                "testDomainSnapshotDelete");
        onDomain(snap.domain(), d -> Moments.deleteMoment(d.snapshots, snapNode(d, snap.name()),
                (flags & Flags.SNAP_DELETE_CHILDREN) != 0, (flags & Flags.SNAP_DELETE_CHILDREN_ONLY) != 0,
                (n, p) -> {
                    n.parentName = p;
                    n.def.setParentName(p);
                }));
    }

    // ------------------------------------------------------------------ revert

    @Override
    public void domainRevertToSnapshot(SnapshotRef snap, int flags) {
        checkFlags(flags, Flags.SNAP_REVERT_RUNNING | Flags.SNAP_REVERT_PAUSED | Flags.SNAP_REVERT_FORCE,
                "testDomainRevertToSnapshot");
        onDomain(snap.domain(), d -> revert(d, snapNode(d, snap.name()), flags));
    }

    /** The nine transitions of testDomainRevertToSnapshot, with their events. */
    private void revert(MockDomain d, Moments.Node<SnapshotDef> node, int flags) {
        SnapshotDef sdef = node.def;
        boolean wantRun = (flags & (Flags.SNAP_REVERT_RUNNING | Flags.SNAP_REVERT_PAUSED)) != 0;
        if (!d.persistent && sdef.state() != SNAP_RUNNING && sdef.state() != SNAP_PAUSED && !wantRun) {
            throw VirException.operationInvalid(VirErrorDomain.TEST,
                    "transient domain needs to request run or pause to revert to inactive snapshot");
        }
        if (sdef.domain() == null) {
            throw VirException.of(VirErrorNumber.SNAPSHOT_REVERT_RISKY, VirErrorDomain.TEST,
                    "snapshot '" + node.name + "' lacks domain '" + d.name() + "' rollback info");
        }
        d.snapshots.setCurrent(null);
        DomainDef config = sdef.domain().copyViaXml(true);
        if (sdef.state() == SNAP_RUNNING || sdef.state() == SNAP_PAUSED) {
            if (d.isActive()) {
                Domains.shutdownState(host, d, StateReason.Shutoff.FROM_SNAPSHOT);
                Domains.lifecycle(host, d, LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_FROM_SNAPSHOT);
            }
            Domains.assignDef(d, config, false);
            Domains.startState(host, d, StateReason.Running.FROM_SNAPSHOT);
            Domains.lifecycle(host, d, LifecycleCodes.STARTED, LifecycleCodes.STARTED_FROM_SNAPSHOT);
            if ((flags & Flags.SNAP_REVERT_RUNNING) == 0
                    && (sdef.state() == SNAP_PAUSED || (flags & Flags.SNAP_REVERT_PAUSED) != 0)) {
                d.setState(DomainState.PAUSED, StateReason.Paused.FROM_SNAPSHOT);
                Domains.lifecycle(host, d, LifecycleCodes.SUSPENDED, LifecycleCodes.SUSPENDED_FROM_SNAPSHOT);
            }
        } else {
            Domains.assignDef(d, config, false);
            if (d.isActive()) {
                Domains.shutdownState(host, d, StateReason.Shutoff.FROM_SNAPSHOT);
                Domains.lifecycle(host, d, LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_FROM_SNAPSHOT);
            }
            if (wantRun) {
                // test_driver.c only reports these transitions; the domain stays shut off
                Domains.lifecycle(host, d, LifecycleCodes.STARTED, LifecycleCodes.STARTED_FROM_SNAPSHOT);
                if ((flags & Flags.SNAP_REVERT_PAUSED) != 0) {
                    Domains.lifecycle(host, d, LifecycleCodes.SUSPENDED,
                            LifecycleCodes.SUSPENDED_FROM_SNAPSHOT);
                }
            }
        }
        d.snapshots.setCurrent(node);
    }
}
