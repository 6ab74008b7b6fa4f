package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.common.Moments;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.CheckpointDef;
import io.jvirtd.model.domain.CheckpointRef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.Uuids;

import java.util.ArrayList;
import java.util.List;

/**
 * The test driver's checkpoint calls (create, redefine, list, lookup, parent, XML with sizes,
 * delete), as test_driver.c: checkpoints need a running domain without snapshots, and live in
 * the domain's {@link Moments} tree under the domain lock.
 */
abstract class CheckpointOps extends SnapshotOps {

    CheckpointOps(MockHost host) {
        super(host);
    }

    /** testCheckpointObjFromName. */
    static Moments.Node<CheckpointDef> ckptNode(MockDomain d, String name) {
        Moments.Node<CheckpointDef> n = d.checkpoints.find(name);
        if (n == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN_CHECKPOINT, VirErrorDomain.TEST,
                    "no domain checkpoint with matching name '" + name + "'");
        }
        return n;
    }

    @Override
    public CheckpointRef domainCheckpointCreateXML(DomainRef dom, String xml, int flags) {
        checkFlags(flags, Flags.CKPT_CREATE_REDEFINE | Flags.CKPT_CREATE_QUIESCE,
                "testDomainCheckpointCreateXML");
        boolean redefine = (flags & Flags.CKPT_CREATE_REDEFINE) != 0;
        // libvirt checks checkpoint XML against its schema always, not only on request
        EarlyParse<CheckpointDef> parsed = EarlyParse.of(() -> CheckpointDef.parse(xml,
                redefine ? CheckpointDef.PARSE_REDEFINE : 0, MockXmlOptions.OPTIONS, host.schemas()));
        return withDomain(dom, d -> {
            if (d.snapshots.size() > 0) {
                throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                        "cannot create checkpoint while snapshot exists");
            }
            if (!d.isActive()) {
                throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                        "cannot create checkpoint for inactive domain");
            }
            CheckpointDef def = parsed.get();
            boolean updateCurrent = !redefine;
            Moments.Node<CheckpointDef> node;
            if (redefine) {
                // virDomainCheckpointRedefinePrep
                Moments.checkCycles(d.checkpoints, def.name(), def.parentName());
                if (def.domain() != null) {
                    if (!java.util.Arrays.equals(def.domain().uuid(), d.def.uuid())) {
                        throw VirException.invalidArg(VirErrorDomain.DOMAIN_CHECKPOINT, "definition for checkpoint "
                                + def.name() + " must use uuid " + Uuids.format(d.def.uuid()));
                    }
                    def.alignDisks();
                }
                Moments.Node<CheckpointDef> parent = def.parentName() == null ? null
                        : d.checkpoints.find(def.parentName());
                if (parent != null && parent == d.checkpoints.current()) {
                    updateCurrent = true;
                }
                if (d.checkpoints.current() == null) {
                    updateCurrent = true;
                }
                // virDomainCheckpointRedefineCommit
                node = d.checkpoints.find(def.name());
                if (node != null) {
                    d.checkpoints.dropParent(node);
                    node.def = def;
                    node.parentName = def.parentName();
                } else {
                    node = Moments.assign(d.checkpoints, def.name(), def, def.parentName());
                }
            } else {
                def.setDomain(d.def.copyViaXml(true));
                def.alignDisks();
                node = Moments.assign(d.checkpoints, def.name(), def, null);
            }
            Moments.Node<CheckpointDef> current = d.checkpoints.current();
            if (current != null) {
                if (!redefine) {
                    node.parentName = current.name;
                    def.setParentName(current.name);
                }
                if (updateCurrent) {
                    d.checkpoints.setCurrent(null);
                }
            }
            if (updateCurrent) {
                d.checkpoints.setCurrent(node);
            }
            d.checkpoints.linkParent(node);
            return new CheckpointRef(node.name, d.ref());
        });
    }

    private static final int LIST_FLAGS = Flags.CKPT_LIST_ROOTS | Flags.CKPT_LIST_TOPOLOGICAL
            | Flags.CKPT_FILTERS_ALL;
    private static final int CHILD_FLAGS = Flags.CKPT_LIST_DESCENDANTS | Flags.CKPT_LIST_TOPOLOGICAL
            | Flags.CKPT_FILTERS_ALL;

    private static List<CheckpointRef> refs(List<Moments.Node<CheckpointDef>> nodes, DomainRef dom) {
        List<CheckpointRef> out = new ArrayList<>();
        for (Moments.Node<CheckpointDef> n : nodes) {
            out.add(new CheckpointRef(n.name, dom));
        }
        return out;
    }

    /** The checkpoint list flags are the moment list's own (libvirt asserts they match). */
    @Override
    public List<CheckpointRef> domainListAllCheckpoints(DomainRef dom, int flags) {
        checkFlags(flags, LIST_FLAGS, "testDomainListAllCheckpoints");
        return withDomain(dom, d -> refs(d.checkpoints.select(null, flags, c -> true), dom));
    }

    @Override
    public List<CheckpointRef> domainCheckpointListAllChildren(CheckpointRef checkpoint, int flags) {
        checkFlags(flags, CHILD_FLAGS, "testDomainCheckpointListAllChildren");
        return withDomain(checkpoint.domain(), d -> refs(d.checkpoints.select(
                ckptNode(d, checkpoint.name()), flags, c -> true), checkpoint.domain()));
    }

    @Override
    public CheckpointRef domainCheckpointLookupByName(DomainRef dom, String name, int flags) {
        checkFlags(flags, 0, "testDomainCheckpointLookupByName");
        return withDomain(dom, d -> new CheckpointRef(ckptNode(d, name).name, dom));
    }

    @Override
    public CheckpointRef domainCheckpointGetParent(CheckpointRef checkpoint, int flags) {
        checkFlags(flags, 0, "testDomainCheckpointGetParent");
        return withDomain(checkpoint.domain(), d -> {
            Moments.Node<CheckpointDef> n = ckptNode(d, checkpoint.name());
            if (n.parentName == null) {
                throw VirException.of(VirErrorNumber.NO_DOMAIN_CHECKPOINT, VirErrorDomain.TEST,
                        "checkpoint '" + n.name + "' does not have a parent");
            }
            return new CheckpointRef(n.parentName, checkpoint.domain());
        });
    }

    @Override
    public String domainCheckpointGetXMLDesc(CheckpointRef checkpoint, int flags) {
        checkFlags(flags, Flags.CKPT_XML_SECURE | Flags.CKPT_XML_NO_DOMAIN | Flags.CKPT_XML_SIZE,
                "testDomainCheckpointGetXMLDesc");
        CheckpointDef copy = withDomain(checkpoint.domain(), d -> {
            CheckpointDef def = ckptNode(d, checkpoint.name()).def;
            if ((flags & Flags.CKPT_XML_SIZE) != 0) {
                // libvirt's test driver sets each bitmap disk's size to 1024 but not its
                // sizeValid, and the formatter prints only a valid size: the flag shows no size
                d.checkActive();
            }
            return def.copy();
        });
        return copy.format(flags);
    }

    @Override
    public void domainCheckpointDelete(CheckpointRef checkpoint, int flags) {
        checkFlags(flags, Flags.CKPT_DELETE_CHILDREN | Flags.CKPT_DELETE_METADATA_ONLY
                | Flags.CKPT_DELETE_CHILDREN_ONLY, "testDomainCheckpointDelete");
        onDomain(checkpoint.domain(), d -> Moments.deleteMoment(d.checkpoints, ckptNode(d, checkpoint.name()),
                (flags & Flags.CKPT_DELETE_CHILDREN) != 0, (flags & Flags.CKPT_DELETE_CHILDREN_ONLY) != 0,
                (n, p) -> {
                    n.parentName = p;
                    n.def.setParentName(p);
                }));
    }
}
