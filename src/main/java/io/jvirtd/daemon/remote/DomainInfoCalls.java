package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainControlInfo;
import io.jvirtd.model.domain.DomainInfo;
import io.jvirtd.model.domain.DomainJobInfo;
import io.jvirtd.model.domain.DomainStateReason;
import io.jvirtd.model.domain.DomainTime;
import io.jvirtd.model.domain.SecurityLabel;
import io.jvirtd.protocol.remote.RemoteLimits;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.List;

/**
 * Domain queries and descriptive settings: info, state, XML, OS type, autostart, hostname,
 * time, metadata (title, description, elements), security label, messages, control and job
 * info. Stateless; worker threads.
 */
final class DomainInfoCalls {

    private static final VirErrorDomain D = VirErrorDomain.DOMAIN;
    /** VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE: refused on read-only connections. */
    private static final int XML_SECURE_OR_MIGRATABLE = 1 | 8;
    /** virDomainMetadataType. */
    private static final int METADATA_DESCRIPTION = 0;
    private static final int METADATA_TITLE = 1;
    private static final int METADATA_ELEMENT = 2;

    private DomainInfoCalls() {
    }

    static void bind(ProcedureTable t) {
        state(t);
        description(t);
        metadata(t);
    }

    private static void state(ProcedureTable t) {
        t.bind(DOMAIN_GET_INFO, DomainGetInfoArgs.class, DomainGetInfoRet.class, (s, a) -> {
            DomainInfo i = s.domains().domainGetInfo(Handles.dom(a.dom()));
            return new DomainGetInfoRet(i.state().number(), i.maxMem(), i.memory(), i.nrVirtCpu(), i.cpuTime());
        });
        t.bind(DOMAIN_GET_STATE, DomainGetStateArgs.class, DomainGetStateRet.class, (s, a) -> {
            DomainStateReason r = s.domains().domainGetState(Handles.dom(a.dom()), a.flags());
            return new DomainGetStateRet(r.state().number(), r.reason());
        });
        t.bind(DOMAIN_GET_CONTROL_INFO, DomainGetControlInfoArgs.class, DomainGetControlInfoRet.class, (s, a) -> {
            DomainControlInfo c = s.domains().domainGetControlInfo(Handles.dom(a.dom()), a.flags());
            return new DomainGetControlInfoRet(c.state(), c.details(), c.stateTime());
        });
        t.bind(DOMAIN_IS_ACTIVE, DomainIsActiveArgs.class, DomainIsActiveRet.class,
                (s, a) -> new DomainIsActiveRet(bit(s.domains().domainIsActive(Handles.dom(a.dom())))));
        t.bind(DOMAIN_IS_PERSISTENT, DomainIsPersistentArgs.class, DomainIsPersistentRet.class,
                (s, a) -> new DomainIsPersistentRet(bit(s.domains().domainIsPersistent(Handles.dom(a.dom())))));
        t.bind(DOMAIN_IS_UPDATED, DomainIsUpdatedArgs.class, DomainIsUpdatedRet.class,
                (s, a) -> new DomainIsUpdatedRet(bit(s.domains().domainIsUpdated(Handles.dom(a.dom())))));
        t.bind(DOMAIN_GET_JOB_INFO, DomainGetJobInfoArgs.class, DomainGetJobInfoRet.class, (s, a) -> {
            DomainJobInfo j = s.domains().domainGetJobInfo(Handles.dom(a.dom()));
            return new DomainGetJobInfoRet(j.type(), j.timeElapsed(), j.timeRemaining(), j.dataTotal(),
                    j.dataProcessed(), j.dataRemaining(), j.memTotal(), j.memProcessed(), j.memRemaining(),
                    j.fileTotal(), j.fileProcessed(), j.fileRemaining());
        });
        t.bind(DOMAIN_GET_MESSAGES, DomainGetMessagesArgs.class, DomainGetMessagesRet.class, (s, a) -> {
            List<String> msgs = s.domains().domainGetMessages(Handles.dom(a.dom()), a.flags());
            if (msgs.size() > RemoteLimits.REMOTE_DOMAIN_MESSAGES_MAX) {
                throw VirException.internalError(VirErrorDomain.RPC, "Number of msgs " + msgs.size()
                        + ", which exceeds max limit: " + RemoteLimits.REMOTE_DOMAIN_MESSAGES_MAX);
            }
            return new DomainGetMessagesRet(msgs);
        });
    }

    private static void description(ProcedureTable t) {
        t.bind(DOMAIN_GET_XML_DESC, DomainGetXmlDescArgs.class, DomainGetXmlDescRet.class, (s, a) -> {
            if (s.isReadOnly() && (a.flags() & XML_SECURE_OR_MIGRATABLE) != 0) {
                throw VirException.operationDenied(D, "virDomainGetXMLDesc with secure flag");
            }
            return new DomainGetXmlDescRet(s.domains().domainGetXMLDesc(Handles.dom(a.dom()), a.flags()));
        });
        t.bind(DOMAIN_GET_OS_TYPE, DomainGetOsTypeArgs.class, DomainGetOsTypeRet.class,
                (s, a) -> new DomainGetOsTypeRet(s.domains().domainGetOSType(Handles.dom(a.dom()))));
        t.bind(DOMAIN_GET_AUTOSTART, DomainGetAutostartArgs.class, DomainGetAutostartRet.class,
                (s, a) -> new DomainGetAutostartRet(bit(s.domains().domainGetAutostart(Handles.dom(a.dom())))));
        t.bind(DOMAIN_SET_AUTOSTART, DomainSetAutostartArgs.class, Void.class, (s, a) -> {
            s.domains().domainSetAutostart(Handles.dom(a.dom()), a.autostart() != 0);
            return null;
        });
        t.bind(DOMAIN_GET_HOSTNAME, DomainGetHostnameArgs.class, DomainGetHostnameRet.class,
                (s, a) -> new DomainGetHostnameRet(s.domains().domainGetHostname(Handles.dom(a.dom()), a.flags())));
        t.bind(DOMAIN_GET_GUEST_INFO, DomainGetGuestInfoArgs.class, DomainGetGuestInfoRet.class,
                (s, a) -> new DomainGetGuestInfoRet(TypedParams.toWire(
                        s.domains().domainGetGuestInfo(Handles.dom(a.dom()), a.types(), a.flags()), TypedParams.STRING_OKAY,
                        RemoteLimits.REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX)));
        t.bind(DOMAIN_GET_GUEST_VCPUS, DomainGetGuestVcpusArgs.class, DomainGetGuestVcpusRet.class,
                (s, a) -> new DomainGetGuestVcpusRet(TypedParams.toWire(
                        s.domains().domainGetGuestVcpus(Handles.dom(a.dom()), a.flags()), TypedParams.STRING_OKAY,
                        RemoteLimits.REMOTE_DOMAIN_GUEST_VCPU_PARAMS_MAX)));
        t.bind(DOMAIN_SET_GUEST_VCPUS, DomainSetGuestVcpusArgs.class, Void.class, (s, a) -> {
            s.domains().domainSetGuestVcpus(Handles.dom(a.dom()), a.cpumap(), a.state(), a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_TIME, DomainGetTimeArgs.class, DomainGetTimeRet.class, (s, a) -> {
            DomainTime tm = s.domains().domainGetTime(Handles.dom(a.dom()), a.flags());
            return new DomainGetTimeRet(tm.seconds(), tm.nseconds());
        });
        t.bind(DOMAIN_SET_TIME, DomainSetTimeArgs.class, Void.class, (s, a) -> {
            s.domains().domainSetTime(Handles.dom(a.dom()), a.seconds(), a.nseconds(), a.flags());
            return null;
        });
        // No driver of jvirtd has virDomainGetSecurityLabelList; libvirtd's dispatcher turns the
        // API's failure into a successful reply carrying ret -1 and no labels.
        t.bind(DOMAIN_GET_SECURITY_LABEL_LIST, DomainGetSecurityLabelListArgs.class,
                DomainGetSecurityLabelListRet.class, (s, a) -> new DomainGetSecurityLabelListRet(List.of(), -1));
        t.bind(DOMAIN_GET_SECURITY_LABEL, DomainGetSecurityLabelArgs.class, DomainGetSecurityLabelRet.class,
                (s, a) -> {
                    SecurityLabel l = s.domains().domainGetSecurityLabel(Handles.dom(a.dom()));
                    return new DomainGetSecurityLabelRet(l.label(), bit(l.enforcing()));
                });
    }

    private static void metadata(ProcedureTable t) {
        t.bind(DOMAIN_SET_METADATA, DomainSetMetadataArgs.class, Void.class, (s, a) -> {
            String api = "virDomainSetMetadata";
            switch (a.type()) {
                case METADATA_TITLE:
                    if (a.metadata() != null && a.metadata().indexOf('\n') >= 0) {
                        throw ApiChecks.invalidArg("metadata", api, D, "metadata title can't contain newlines");
                    }
                    ApiChecks.isNull(a.uri(), "uri", api, D);
                    ApiChecks.isNull(a.key(), "key", api, D);
                    break;
                case METADATA_DESCRIPTION:
                    ApiChecks.isNull(a.uri(), "uri", api, D);
                    ApiChecks.isNull(a.key(), "key", api, D);
                    break;
                case METADATA_ELEMENT:
                    ApiChecks.nonNull(a.uri(), "uri", api, D);
                    if (a.metadata() != null) {
                        ApiChecks.nonNull(a.key(), "key", api, D);
                    }
                    break;
                default:
                    break;
            }
            s.domains().domainSetMetadata(Handles.dom(a.dom()), a.type(), a.metadata(), a.key(), a.uri(),
                    a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_METADATA, DomainGetMetadataArgs.class, DomainGetMetadataRet.class, (s, a) -> {
            String api = "virDomainGetMetadata";
            ApiChecks.liveOrConfig(a.flags(), api);
            switch (a.type()) {
                case METADATA_TITLE:
                case METADATA_DESCRIPTION:
                    ApiChecks.isNull(a.uri(), "uri", api, D);
                    break;
                case METADATA_ELEMENT:
                    ApiChecks.nonNull(a.uri(), "uri", api, D);
                    break;
                default:
                    break;
            }
            return new DomainGetMetadataRet(
                    s.domains().domainGetMetadata(Handles.dom(a.dom()), a.type(), a.uri(), a.flags()));
        });
    }

    static int bit(boolean b) {
        return b ? 1 : 0;
    }
}
