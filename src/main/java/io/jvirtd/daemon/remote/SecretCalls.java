package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.secret.SecretRef;
import io.jvirtd.protocol.remote.RemoteLimits;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.List;

/**
 * The remote program's calls on secrets, with the public API's checks of libvirt 9.0
 * (src/libvirt-secret.c) and libvirtd's wire limits before the driver is called; the read-only
 * refusals (define, set/get value, undefine) are the program's, before anything here. A
 * connection without a secret driver answers NO_SUPPORT through the SPI's defaults. Stateless;
 * worker threads.
 */
final class SecretCalls {

    private static final VirErrorDomain S = VirErrorDomain.SECRET;

    private SecretCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(CONNECT_NUM_OF_SECRETS, Void.class, ConnectNumOfSecretsRet.class,
                (s, a) -> new ConnectNumOfSecretsRet(s.connection().secrets().connectNumOfSecrets()));
        t.bind(CONNECT_LIST_SECRETS, ConnectListSecretsArgs.class, ConnectListSecretsRet.class, (s, a) -> {
            if (a.maxuuids() > RemoteLimits.REMOTE_SECRET_LIST_MAX) {
                throw VirException.rpc(VirErrorDomain.RPC, "maxuuids > REMOTE_SECRET_LIST_MAX");
            }
            ApiChecks.nonNegative(a.maxuuids(), "maxuuids", "virConnectListSecrets", S);
            return new ConnectListSecretsRet(
                    ListArgs.first(s.connection().secrets().connectListSecrets(a.maxuuids()), a.maxuuids()));
        });
        t.bind(CONNECT_LIST_ALL_SECRETS, ConnectListAllSecretsArgs.class, ConnectListAllSecretsRet.class, (s, a) -> {
            List<SecretRef> all = s.connection().secrets().connectListAllSecrets(a.flags());
            ListArgs.tooMany("secrets", all.size(), RemoteLimits.REMOTE_SECRET_LIST_MAX);
            return new ConnectListAllSecretsRet(
                    a.need_results() != 0 ? Handles.wireAll(all, Handles::wire) : List.of(), all.size());
        });
        t.bind(SECRET_LOOKUP_BY_UUID, SecretLookupByUuidArgs.class, SecretLookupByUuidRet.class,
                (s, a) -> new SecretLookupByUuidRet(Handles.wire(s.connection().secrets().secretLookupByUUID(a.uuid()))));
        t.bind(SECRET_LOOKUP_BY_USAGE, SecretLookupByUsageArgs.class, SecretLookupByUsageRet.class,
                (s, a) -> new SecretLookupByUsageRet(
                        Handles.wire(s.connection().secrets().secretLookupByUsage(a.usageType(), a.usageID()))));
        t.bind(SECRET_DEFINE_XML, SecretDefineXmlArgs.class, SecretDefineXmlRet.class,
                (s, a) -> new SecretDefineXmlRet(Handles.wire(s.connection().secrets().secretDefineXML(a.xml(), a.flags()))));
        t.bind(SECRET_GET_XML_DESC, SecretGetXmlDescArgs.class, SecretGetXmlDescRet.class,
                (s, a) -> new SecretGetXmlDescRet(
                        s.connection().secrets().secretGetXMLDesc(Handles.secret(a.secret()), a.flags())));
        t.bind(SECRET_SET_VALUE, SecretSetValueArgs.class, Void.class, (s, a) -> {
            s.connection().secrets().secretSetValue(Handles.secret(a.secret()), a.value(), a.flags());
            return null;
        });
        t.bind(SECRET_GET_VALUE, SecretGetValueArgs.class, SecretGetValueRet.class,
                (s, a) -> new SecretGetValueRet(
                        s.connection().secrets().secretGetValue(Handles.secret(a.secret()), a.flags())));
        t.bind(SECRET_UNDEFINE, SecretUndefineArgs.class, Void.class, (s, a) -> {
            s.connection().secrets().secretUndefine(Handles.secret(a.secret()));
            return null;
        });
    }
}
