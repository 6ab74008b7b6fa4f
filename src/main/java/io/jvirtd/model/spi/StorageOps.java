package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.storage.StoragePoolRef;

import java.util.function.Consumer;

/**
 * The storage part of a driver, pools and volumes (libvirt's {@code virStorageDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#storage()}; the same rules apply as there: one
 * method per public libvirt API, named in its doc, every default answering as libvirt does when
 * the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#STORAGE}, where libvirt's public API raises it), thread-safe
 * implementations, {@link VirException} for every failure a client should see.
 */
public interface StorageOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    StorageOps NONE = new StorageOps() {
    };

    /**
     * virConnectStoragePoolEventRegisterAny: registers {@code listener} for events {@code eventId} about {@code filterOrNull}'s
     * object, or about every object when null. The daemon checks the id range first.
     *
     * @return the callback id, from the same sequence as domain callbacks (libvirt's one event
     *         state per host)
     */
    default int connectStoragePoolEventRegisterAny(StoragePoolRef filterOrNull, int eventId, Consumer<StoragePoolEvent> listener) {
        throw unsupported("virConnectStoragePoolEventRegisterAny");
    }

    /** virConnectStoragePoolEventDeregisterAny: a callback of this connection. */
    default void connectStoragePoolEventDeregisterAny(int callbackId) {
        throw unsupported("virConnectStoragePoolEventDeregisterAny");
    }

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.STORAGE, apiName);
    }
}
