package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.NetworkEvent;
import io.jvirtd.model.network.NetworkRef;

import java.util.function.Consumer;

/**
 * The virtual network part of a driver (libvirt's {@code virNetworkDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#networks()}; the same rules apply as there: one
 * method per public libvirt API, named in its doc, every default answering as libvirt does when
 * the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#NETWORK}, where libvirt's public API raises it), thread-safe
 * implementations, {@link VirException} for every failure a client should see.
 */
public interface NetworkOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    NetworkOps NONE = new NetworkOps() {
    };

    /**
     * virConnectNetworkEventRegisterAny: registers {@code listener} for events {@code eventId} about {@code filterOrNull}'s
     * object, or about every object when null. The daemon checks the id range first.
     *
     * @return the callback id, from the same sequence as domain callbacks (libvirt's one event
     *         state per host)
     */
    default int connectNetworkEventRegisterAny(NetworkRef filterOrNull, int eventId, Consumer<NetworkEvent> listener) {
        throw unsupported("virConnectNetworkEventRegisterAny");
    }

    /** virConnectNetworkEventDeregisterAny: a callback of this connection. */
    default void connectNetworkEventDeregisterAny(int callbackId) {
        throw unsupported("virConnectNetworkEventDeregisterAny");
    }

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.NETWORK, apiName);
    }
}
