package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.SecretEvent;
import io.jvirtd.model.secret.SecretRef;

import java.util.List;
import java.util.function.Consumer;

/**
 * The secret part of a driver (libvirt's {@code virSecretDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#secrets()}; the same rules apply as there: one
 * method per public libvirt API, named in its doc, every default answering as libvirt does when
 * no secret driver serves the connection ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#SECRET}), thread-safe implementations, {@link VirException} for every
 * failure a client should see. Values are bytes, never text.
 */
public interface SecretOps {

    /** A connection without a secret driver: every call answers NO_SUPPORT. */
    SecretOps NONE = new SecretOps() {
    };

    /** {@code VIR_CONNECT_LIST_SECRETS_*} filter bits of virConnectListAllSecrets. */
    int LIST_EPHEMERAL = 1;
    int LIST_NO_EPHEMERAL = 2;
    int LIST_PRIVATE = 4;
    int LIST_NO_PRIVATE = 8;
    /** VIR_SECRET_DEFINE_VALIDATE. */
    int DEFINE_VALIDATE = 1;

    /** virConnectSecretEventRegisterAny; the daemon checks the id range first. */
    default int connectSecretEventRegisterAny(SecretRef filterOrNull, int eventId, Consumer<SecretEvent> listener) {
        throw unsupported("virConnectSecretEventRegisterAny");
    }

    /** virConnectSecretEventDeregisterAny: a callback of this connection. */
    default void connectSecretEventDeregisterAny(int callbackId) {
        throw unsupported("virConnectSecretEventDeregisterAny");
    }

    /** virConnectNumOfSecrets. */
    default int connectNumOfSecrets() {
        throw unsupported("virConnectNumOfSecrets");
    }

    /** virConnectListSecrets: UUID strings of at most {@code maxuuids} secrets. */
    default List<String> connectListSecrets(int maxuuids) {
        throw unsupported("virConnectListSecrets");
    }

    /** virConnectListAllSecrets with {@code LIST_*} filter flags. */
    default List<SecretRef> connectListAllSecrets(int flags) {
        throw unsupported("virConnectListAllSecrets");
    }

    /** virSecretLookupByUUID. */
    default SecretRef secretLookupByUUID(byte[] uuid) {
        throw unsupported("virSecretLookupByUUID");
    }

    /** virSecretLookupByUsage. */
    default SecretRef secretLookupByUsage(int usageType, String usageId) {
        throw unsupported("virSecretLookupByUsage");
    }

    /** virSecretDefineXML. */
    default SecretRef secretDefineXML(String xml, int flags) {
        throw unsupported("virSecretDefineXML");
    }

    /** virSecretGetXMLDesc. */
    default String secretGetXMLDesc(SecretRef secret, int flags) {
        throw unsupported("virSecretGetXMLDesc");
    }

    /** virSecretSetValue. */
    default void secretSetValue(SecretRef secret, byte[] value, int flags) {
        throw unsupported("virSecretSetValue");
    }

    /** virSecretGetValue, as a client asks it (never the daemon-internal call). */
    default byte[] secretGetValue(SecretRef secret, int flags) {
        throw unsupported("virSecretGetValue");
    }

    /** virSecretUndefine. */
    default void secretUndefine(SecretRef secret) {
        throw unsupported("virSecretUndefine");
    }

    private static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.SECRET, apiName);
    }
}
