package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.protocol.remote.RemoteLimits;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.ArrayList;
import java.util.List;

/**
 * Domain listing, lookup, definition and lifecycle calls: the table lines with the checks
 * libvirtd makes before the driver (its dispatcher's wire limits, then libvirt-domain.c's
 * argument checks). Handles travel as docs/protocol.md §13 says ({@link Handles}). Stateless;
 * worker threads.
 */
final class DomainCalls {

    private static final VirErrorDomain D = VirErrorDomain.DOMAIN;
    /**
     * The descriptors a *WithFiles call passes: always none, as the daemon answers FD_PASSING
     * with 0 (Java cannot receive SCM_RIGHTS), so a client with files fails on its side first.
     */
    private static final int[] NO_FILES = new int[0];

    private DomainCalls() {
    }

    static void bind(ProcedureTable t) {
        listing(t);
        lookups(t);
        definition(t);
        lifecycle(t);
        refusedBeforeTheDriver(t);
    }

    /**
     * Calls no driver of jvirtd serves ("not supported"), which libvirtd still refuses earlier
     * for what the wire cannot carry, before its read-only check: jvirtd never takes passed file
     * descriptors (it answers VIR_DRV_FEATURE_FD_PASSING with 0), so libvirtd's dispatcher finds
     * no FD, or the API none to associate; an empty typed-parameter list reaches the API as NULL.
     */
    private static void refusedBeforeTheDriver(ProcedureTable t) {
        t.checkFirst(DOMAIN_OPEN_GRAPHICS, DomainOpenGraphicsArgs.class, (s, a) -> {
            // virNetMessageDupFD, from remoteDispatchDomainOpenGraphics before the API
            throw VirException.internalError(VirErrorDomain.RPC, "No FD available at slot 0");
        });
        t.checkFirst(DOMAIN_FD_ASSOCIATE, DomainFdAssociateArgs.class,
                (s, a) -> ApiChecks.nonZero(0, "nfds", "virDomainFDAssociate", D));
        t.checkFirst(DOMAIN_SET_LAUNCH_SECURITY_STATE, DomainSetLaunchSecurityStateArgs.class, (s, a) -> {
            String api = "virDomainSetLaunchSecurityState";
            ApiChecks.nonNull(a.params().isEmpty() ? null : a.params(), "params", api, D);
        });
    }

    private static void listing(ProcedureTable t) {
        t.bind(CONNECT_NUM_OF_DOMAINS, Void.class, ConnectNumOfDomainsRet.class,
                (s, a) -> new ConnectNumOfDomainsRet(s.domains().connectNumOfDomains()));
        t.bind(CONNECT_NUM_OF_DEFINED_DOMAINS, Void.class, ConnectNumOfDefinedDomainsRet.class,
                (s, a) -> new ConnectNumOfDefinedDomainsRet(s.domains().connectNumOfDefinedDomains()));
        t.bind(CONNECT_LIST_DOMAINS, ConnectListDomainsArgs.class, ConnectListDomainsRet.class, (s, a) -> {
            if (a.maxids() > RemoteLimits.REMOTE_DOMAIN_LIST_MAX) {
                throw VirException.internalError(VirErrorDomain.RPC, "maxids > REMOTE_DOMAIN_LIST_MAX");
            }
            ApiChecks.nonNegative(a.maxids(), "maxids", "virConnectListDomains", D);
            int[] ids = s.domains().connectListDomains(a.maxids());
            List<Integer> out = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length && i < a.maxids(); i++) {
                out.add(ids[i]);
            }
            return new ConnectListDomainsRet(out);
        });
        t.bind(CONNECT_LIST_DEFINED_DOMAINS, ConnectListDefinedDomainsArgs.class, ConnectListDefinedDomainsRet.class,
                (s, a) -> {
                    ListArgs.maxnames(a.maxnames(), "REMOTE_DOMAIN_LIST_MAX", RemoteLimits.REMOTE_DOMAIN_LIST_MAX);
                    ApiChecks.nonNegative(a.maxnames(), "maxnames", "virConnectListDefinedDomains", D);
                    List<String> names = s.domains().connectListDefinedDomains(a.maxnames());
                    return new ConnectListDefinedDomainsRet(
                            names.size() > a.maxnames() ? names.subList(0, a.maxnames()) : names);
                });
        t.bind(CONNECT_LIST_ALL_DOMAINS, ConnectListAllDomainsArgs.class, ConnectListAllDomainsRet.class, (s, a) -> {
            List<DomainRef> doms = s.domains().connectListAllDomains(a.flags());
            ListArgs.tooMany("domains", doms.size(), RemoteLimits.REMOTE_DOMAIN_LIST_MAX);
            return new ConnectListAllDomainsRet(a.need_results() != 0 ? Handles.wireDomains(doms) : List.of(),
                    doms.size());
        });
    }

    private static void lookups(ProcedureTable t) {
        t.bind(DOMAIN_LOOKUP_BY_ID, DomainLookupByIdArgs.class, DomainLookupByIdRet.class, (s, a) -> {
            ApiChecks.nonNegative(a.id(), "id", "virDomainLookupByID", D);
            return new DomainLookupByIdRet(Handles.wire(s.domains().domainLookupByID(a.id())));
        });
        t.bind(DOMAIN_LOOKUP_BY_UUID, DomainLookupByUuidArgs.class, DomainLookupByUuidRet.class,
                (s, a) -> new DomainLookupByUuidRet(Handles.wire(s.domains().domainLookupByUUID(a.uuid()))));
        t.bind(DOMAIN_LOOKUP_BY_NAME, DomainLookupByNameArgs.class, DomainLookupByNameRet.class,
                (s, a) -> new DomainLookupByNameRet(Handles.wire(s.domains().domainLookupByName(a.name()))));
    }

    private static void definition(ProcedureTable t) {
        t.bind(DOMAIN_CREATE_XML, DomainCreateXmlArgs.class, DomainCreateXmlRet.class,
                (s, a) -> new DomainCreateXmlRet(Handles.wire(s.domains().domainCreateXML(a.xml_desc(), a.flags()))));
        t.bind(DOMAIN_CREATE_XML_WITH_FILES, DomainCreateXmlWithFilesArgs.class, DomainCreateXmlWithFilesRet.class,
                (s, a) -> new DomainCreateXmlWithFilesRet(Handles.wire(
                        s.domains().domainCreateXMLWithFiles(a.xml_desc(), NO_FILES, a.flags()))));
        t.bind(DOMAIN_DEFINE_XML, DomainDefineXmlArgs.class, DomainDefineXmlRet.class,
                (s, a) -> new DomainDefineXmlRet(Handles.wire(s.domains().domainDefineXML(a.xml()))));
        t.bind(DOMAIN_DEFINE_XML_FLAGS, DomainDefineXmlFlagsArgs.class, DomainDefineXmlFlagsRet.class,
                (s, a) -> new DomainDefineXmlFlagsRet(
                        Handles.wire(s.domains().domainDefineXMLFlags(a.xml(), a.flags()))));
        t.bind(DOMAIN_UNDEFINE, DomainUndefineArgs.class, Void.class, (s, a) -> {
            s.domains().domainUndefine(Handles.dom(a.dom()));
            return null;
        });
        t.bind(DOMAIN_UNDEFINE_FLAGS, DomainUndefineFlagsArgs.class, Void.class, (s, a) -> {
            s.domains().domainUndefineFlags(Handles.dom(a.dom()), a.flags());
            return null;
        });
        // virDomainRename checks new_name before its read-only check
        t.checkFirst(DOMAIN_RENAME, DomainRenameArgs.class,
                (s, a) -> ApiChecks.nonEmpty(a.new_name(), "new_name", "virDomainRename", D));
        t.bind(DOMAIN_RENAME, DomainRenameArgs.class, DomainRenameRet.class, (s, a) -> {
            s.domains().domainRename(Handles.dom(a.dom()), a.new_name(), a.flags());
            return new DomainRenameRet(0);
        });
    }

    private static void lifecycle(ProcedureTable t) {
        t.bind(DOMAIN_CREATE, DomainCreateArgs.class, Void.class, (s, a) -> {
            s.domains().domainCreate(Handles.dom(a.dom()));
            return null;
        });
        t.bind(DOMAIN_CREATE_WITH_FLAGS, DomainCreateWithFlagsArgs.class, DomainCreateWithFlagsRet.class,
                (s, a) -> new DomainCreateWithFlagsRet(Handles.wire(
                        s.domains().domainCreateWithFlags(Handles.dom(a.dom()), a.flags()))));
        t.bind(DOMAIN_CREATE_WITH_FILES, DomainCreateWithFilesArgs.class, DomainCreateWithFilesRet.class,
                (s, a) -> new DomainCreateWithFilesRet(Handles.wire(
                        s.domains().domainCreateWithFiles(Handles.dom(a.dom()), NO_FILES, a.flags()))));
        t.bind(DOMAIN_SUSPEND, DomainSuspendArgs.class, Void.class, (s, a) -> {
            s.domains().domainSuspend(Handles.dom(a.dom()));
            return null;
        });
        t.bind(DOMAIN_RESUME, DomainResumeArgs.class, Void.class, (s, a) -> {
            s.domains().domainResume(Handles.dom(a.dom()));
            return null;
        });
        t.bind(DOMAIN_SHUTDOWN, DomainShutdownArgs.class, Void.class, (s, a) -> {
            s.domains().domainShutdown(Handles.dom(a.dom()));
            return null;
        });
        t.bind(DOMAIN_SHUTDOWN_FLAGS, DomainShutdownFlagsArgs.class, Void.class, (s, a) -> {
            s.domains().domainShutdownFlags(Handles.dom(a.dom()), a.flags());
            return null;
        });
        t.bind(DOMAIN_REBOOT, DomainRebootArgs.class, Void.class, (s, a) -> {
            s.domains().domainReboot(Handles.dom(a.dom()), a.flags());
            return null;
        });
        t.bind(DOMAIN_RESET, DomainResetArgs.class, Void.class, (s, a) -> {
            s.domains().domainReset(Handles.dom(a.dom()), a.flags());
            return null;
        });
        t.bind(DOMAIN_DESTROY, DomainDestroyArgs.class, Void.class, (s, a) -> {
            s.domains().domainDestroy(Handles.dom(a.dom()));
            return null;
        });
        t.bind(DOMAIN_DESTROY_FLAGS, DomainDestroyFlagsArgs.class, Void.class, (s, a) -> {
            s.domains().domainDestroyFlags(Handles.dom(a.dom()), a.flags());
            return null;
        });
    }
}
