package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_CHECKPOINT_LIST_MAX;
import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.CheckpointRef;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.List;

/**
 * Domain checkpoints, with libvirt-domain-checkpoint.c's checks (reported from
 * VIR_FROM_DOMAIN_CHECKPOINT). Stateless; worker threads.
 */
final class CheckpointCalls {

    private static final VirErrorDomain C = VirErrorDomain.DOMAIN_CHECKPOINT;
    private static final int CREATE_REDEFINE = 1;
    private static final int CREATE_QUIESCE = 2;
    private static final int CREATE_REDEFINE_VALIDATE = 4;
    private static final int XML_SECURE = 1;
    private static final int DELETE_CHILDREN = 1;
    private static final int DELETE_CHILDREN_ONLY = 4;

    private CheckpointCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(DOMAIN_CHECKPOINT_CREATE_XML, DomainCheckpointCreateXmlArgs.class, DomainCheckpointCreateXmlRet.class,
                (s, a) -> {
                    String api = "virDomainCheckpointCreateXML";
                    ApiChecks.exclusive(a.flags(), CREATE_REDEFINE, "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE",
                            CREATE_QUIESCE, "VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE", api, C);
                    ApiChecks.requires(a.flags(), CREATE_REDEFINE_VALIDATE,
                            "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE", CREATE_REDEFINE,
                            "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE", api, C);
                    return new DomainCheckpointCreateXmlRet(Handles.wire(s.domains().domainCheckpointCreateXML(
                            Handles.dom(a.dom()), a.xml_desc(), a.flags())));
                });
        t.bind(DOMAIN_CHECKPOINT_GET_XML_DESC, DomainCheckpointGetXmlDescArgs.class,
                DomainCheckpointGetXmlDescRet.class, (s, a) -> {
                    if (s.isReadOnly() && (a.flags() & XML_SECURE) != 0) {
                        throw VirException.operationDenied(C, "virDomainCheckpointGetXMLDesc with secure flag");
                    }
                    return new DomainCheckpointGetXmlDescRet(
                            s.domains().domainCheckpointGetXMLDesc(Handles.ckpt(a.checkpoint()), a.flags()));
                });
        t.bind(DOMAIN_LIST_ALL_CHECKPOINTS, DomainListAllCheckpointsArgs.class, DomainListAllCheckpointsRet.class,
                (s, a) -> {
                    List<CheckpointRef> all = s.domains().domainListAllCheckpoints(Handles.dom(a.dom()), a.flags());
                    ListArgs.tooMany("domain_checkpoints", all.size(), REMOTE_DOMAIN_CHECKPOINT_LIST_MAX);
                    return new DomainListAllCheckpointsRet(
                            a.need_results() != 0 ? Handles.wireCheckpoints(all) : List.of(), all.size());
                });
        t.bind(DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN, DomainCheckpointListAllChildrenArgs.class,
                DomainCheckpointListAllChildrenRet.class, (s, a) -> {
                    List<CheckpointRef> all = s.domains().domainCheckpointListAllChildren(
                            Handles.ckpt(a.checkpoint()), a.flags());
                    ListArgs.tooMany("domain_checkpoints", all.size(), REMOTE_DOMAIN_CHECKPOINT_LIST_MAX);
                    return new DomainCheckpointListAllChildrenRet(
                            a.need_results() != 0 ? Handles.wireCheckpoints(all) : List.of(), all.size());
                });
        t.bind(DOMAIN_CHECKPOINT_LOOKUP_BY_NAME, DomainCheckpointLookupByNameArgs.class,
                DomainCheckpointLookupByNameRet.class, (s, a) -> new DomainCheckpointLookupByNameRet(Handles.wire(
                        s.domains().domainCheckpointLookupByName(Handles.dom(a.dom()), a.name(), a.flags()))));
        t.bind(DOMAIN_CHECKPOINT_GET_PARENT, DomainCheckpointGetParentArgs.class, DomainCheckpointGetParentRet.class,
                (s, a) -> new DomainCheckpointGetParentRet(Handles.wire(
                        s.domains().domainCheckpointGetParent(Handles.ckpt(a.checkpoint()), a.flags()))));
        t.bind(DOMAIN_CHECKPOINT_DELETE, DomainCheckpointDeleteArgs.class, Void.class, (s, a) -> {
            ApiChecks.exclusive(a.flags(), DELETE_CHILDREN, "VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN",
                    DELETE_CHILDREN_ONLY, "VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY", "virDomainCheckpointDelete",
                    C);
            s.domains().domainCheckpointDelete(Handles.ckpt(a.checkpoint()), a.flags());
            return null;
        });
    }
}
