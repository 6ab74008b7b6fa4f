package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.nodedev.NodeDeviceRef;

import java.util.function.Consumer;

/**
 * The node device part of a driver (libvirt's {@code virNodeDeviceDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#nodeDevices()}; the same rules apply as there: one
 * method per public libvirt API, named in its doc, every default answering as libvirt does when
 * the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#NODEDEV}, where libvirt's public API raises it), thread-safe
 * implementations, {@link VirException} for every failure a client should see.
 */
public interface NodeDeviceOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    NodeDeviceOps NONE = new NodeDeviceOps() {
    };

    /**
     * virConnectNodeDeviceEventRegisterAny: registers {@code listener} for events {@code eventId} about {@code filterOrNull}'s
     * object, or about every object when null. The daemon checks the id range first.
     *
     * @return the callback id, from the same sequence as domain callbacks (libvirt's one event
     *         state per host)
     */
    default int connectNodeDeviceEventRegisterAny(NodeDeviceRef filterOrNull, int eventId, Consumer<NodeDeviceEvent> listener) {
        throw unsupported("virConnectNodeDeviceEventRegisterAny");
    }

    /** virConnectNodeDeviceEventDeregisterAny: a callback of this connection. */
    default void connectNodeDeviceEventDeregisterAny(int callbackId) {
        throw unsupported("virConnectNodeDeviceEventDeregisterAny");
    }

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.NODEDEV, apiName);
    }
}
