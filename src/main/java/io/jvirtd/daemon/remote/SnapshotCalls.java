package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_SNAPSHOT_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.SnapshotRef;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.List;

/**
 * Domain snapshots, with libvirt-domain-snapshot.c's checks (reported from
 * VIR_FROM_DOMAIN_SNAPSHOT). Snapshot handles carry their domain handle as the client sent it.
 * Stateless; worker threads.
 */
final class SnapshotCalls {

    private static final VirErrorDomain S = VirErrorDomain.DOMAIN_SNAPSHOT;
    private static final int CREATE_REDEFINE = 1;
    private static final int CREATE_CURRENT = 2;
    private static final int CREATE_NO_METADATA = 4;
    private static final int CREATE_HALT = 8;
    private static final int XML_SECURE = 1;
    private static final int REVERT_RUNNING = 1;
    private static final int REVERT_PAUSED = 2;
    private static final int DELETE_CHILDREN = 1;
    private static final int DELETE_CHILDREN_ONLY = 4;

    private SnapshotCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(DOMAIN_SNAPSHOT_CREATE_XML, DomainSnapshotCreateXmlArgs.class, DomainSnapshotCreateXmlRet.class,
                (s, a) -> {
                    String api = "virDomainSnapshotCreateXML";
                    ApiChecks.requires(a.flags(), CREATE_CURRENT, "VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT",
                            CREATE_REDEFINE, "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE", api, S);
                    ApiChecks.exclusive(a.flags(), CREATE_REDEFINE, "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE",
                            CREATE_NO_METADATA, "VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA", api, S);
                    ApiChecks.exclusive(a.flags(), CREATE_REDEFINE, "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE",
                            CREATE_HALT, "VIR_DOMAIN_SNAPSHOT_CREATE_HALT", api, S);
                    return new DomainSnapshotCreateXmlRet(Handles.wire(s.domains().domainSnapshotCreateXML(
                            Handles.dom(a.dom()), a.xml_desc(), a.flags())));
                });
        t.bind(DOMAIN_SNAPSHOT_GET_XML_DESC, DomainSnapshotGetXmlDescArgs.class, DomainSnapshotGetXmlDescRet.class,
                (s, a) -> {
                    if (s.isReadOnly() && (a.flags() & XML_SECURE) != 0) {
                        throw VirException.operationDenied(S, "virDomainSnapshotGetXMLDesc with secure flag");
                    }
                    return new DomainSnapshotGetXmlDescRet(
                            s.domains().domainSnapshotGetXMLDesc(Handles.snap(a.snap()), a.flags()));
                });
        t.bind(DOMAIN_SNAPSHOT_NUM, DomainSnapshotNumArgs.class, DomainSnapshotNumRet.class,
                (s, a) -> new DomainSnapshotNumRet(s.domains().domainSnapshotNum(Handles.dom(a.dom()), a.flags())));
        t.bind(DOMAIN_SNAPSHOT_LIST_NAMES, DomainSnapshotListNamesArgs.class, DomainSnapshotListNamesRet.class,
                (s, a) -> {
                    maxnames(a.maxnames());
                    ApiChecks.nonNegative(a.maxnames(), "nameslen", "virDomainSnapshotListNames", S);
                    return new DomainSnapshotListNamesRet(ListArgs.first(s.domains().domainSnapshotListNames(
                            Handles.dom(a.dom()), a.maxnames(), a.flags()), a.maxnames()));
                });
        t.bind(DOMAIN_LIST_ALL_SNAPSHOTS, DomainListAllSnapshotsArgs.class, DomainListAllSnapshotsRet.class,
                (s, a) -> {
                    List<SnapshotRef> snaps = s.domains().domainListAllSnapshots(Handles.dom(a.dom()), a.flags());
                    ListArgs.tooMany("domain_snapshots", snaps.size(), REMOTE_DOMAIN_SNAPSHOT_LIST_MAX);
                    return new DomainListAllSnapshotsRet(
                            a.need_results() != 0 ? Handles.wireSnapshots(snaps) : List.of(), snaps.size());
                });
        t.bind(DOMAIN_SNAPSHOT_NUM_CHILDREN, DomainSnapshotNumChildrenArgs.class, DomainSnapshotNumChildrenRet.class,
                (s, a) -> new DomainSnapshotNumChildrenRet(
                        s.domains().domainSnapshotNumChildren(Handles.snap(a.snap()), a.flags())));
        t.bind(DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES, DomainSnapshotListChildrenNamesArgs.class,
                DomainSnapshotListChildrenNamesRet.class, (s, a) -> {
                    maxnames(a.maxnames());
                    ApiChecks.nonNegative(a.maxnames(), "nameslen", "virDomainSnapshotListChildrenNames", S);
                    return new DomainSnapshotListChildrenNamesRet(ListArgs.first(s.domains()
                            .domainSnapshotListChildrenNames(Handles.snap(a.snap()), a.maxnames(), a.flags()),
                            a.maxnames()));
                });
        t.bind(DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN, DomainSnapshotListAllChildrenArgs.class,
                DomainSnapshotListAllChildrenRet.class, (s, a) -> {
                    List<SnapshotRef> snaps = s.domains().domainSnapshotListAllChildren(
                            Handles.snap(a.snapshot()), a.flags());
                    ListArgs.tooMany("domain_snapshots", snaps.size(), REMOTE_DOMAIN_SNAPSHOT_LIST_MAX);
                    return new DomainSnapshotListAllChildrenRet(
                            a.need_results() != 0 ? Handles.wireSnapshots(snaps) : List.of(), snaps.size());
                });
        t.bind(DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, DomainSnapshotLookupByNameArgs.class,
                DomainSnapshotLookupByNameRet.class, (s, a) -> new DomainSnapshotLookupByNameRet(Handles.wire(
                        s.domains().domainSnapshotLookupByName(Handles.dom(a.dom()), a.name(), a.flags()))));
        t.bind(DOMAIN_HAS_CURRENT_SNAPSHOT, DomainHasCurrentSnapshotArgs.class, DomainHasCurrentSnapshotRet.class,
                (s, a) -> new DomainHasCurrentSnapshotRet(DomainInfoCalls.bit(
                        s.domains().domainHasCurrentSnapshot(Handles.dom(a.dom()), a.flags()))));
        t.bind(DOMAIN_SNAPSHOT_GET_PARENT, DomainSnapshotGetParentArgs.class, DomainSnapshotGetParentRet.class,
                (s, a) -> new DomainSnapshotGetParentRet(Handles.wire(
                        s.domains().domainSnapshotGetParent(Handles.snap(a.snap()), a.flags()))));
        t.bind(DOMAIN_SNAPSHOT_CURRENT, DomainSnapshotCurrentArgs.class, DomainSnapshotCurrentRet.class,
                (s, a) -> new DomainSnapshotCurrentRet(Handles.wire(
                        s.domains().domainSnapshotCurrent(Handles.dom(a.dom()), a.flags()))));
        t.bind(DOMAIN_SNAPSHOT_IS_CURRENT, DomainSnapshotIsCurrentArgs.class, DomainSnapshotIsCurrentRet.class,
                (s, a) -> new DomainSnapshotIsCurrentRet(DomainInfoCalls.bit(
                        s.domains().domainSnapshotIsCurrent(Handles.snap(a.snap()), a.flags()))));
        t.bind(DOMAIN_SNAPSHOT_HAS_METADATA, DomainSnapshotHasMetadataArgs.class, DomainSnapshotHasMetadataRet.class,
                (s, a) -> new DomainSnapshotHasMetadataRet(DomainInfoCalls.bit(
                        s.domains().domainSnapshotHasMetadata(Handles.snap(a.snap()), a.flags()))));
        t.bind(DOMAIN_REVERT_TO_SNAPSHOT, DomainRevertToSnapshotArgs.class, Void.class, (s, a) -> {
            ApiChecks.exclusive(a.flags(), REVERT_RUNNING, "VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING", REVERT_PAUSED,
                    "VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED", "virDomainRevertToSnapshot", S);
            s.domains().domainRevertToSnapshot(Handles.snap(a.snap()), a.flags());
            return null;
        });
        t.bind(DOMAIN_SNAPSHOT_DELETE, DomainSnapshotDeleteArgs.class, Void.class, (s, a) -> {
            ApiChecks.exclusive(a.flags(), DELETE_CHILDREN, "VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN",
                    DELETE_CHILDREN_ONLY, "VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY", "virDomainSnapshotDelete", S);
            s.domains().domainSnapshotDelete(Handles.snap(a.snap()), a.flags());
            return null;
        });
    }

    private static void maxnames(int maxnames) {
        ListArgs.maxnames(maxnames, "REMOTE_DOMAIN_SNAPSHOT_LIST_MAX", REMOTE_DOMAIN_SNAPSHOT_LIST_MAX);
    }
}
