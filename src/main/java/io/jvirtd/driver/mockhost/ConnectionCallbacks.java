package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.EventBus;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event callbacks one connection registered on its host's {@link EventBus}, whatever their
 * family: libvirt matches a callback id to the connection that made it, so another
 * connection's id is unknown here, and closing the connection drops them all.
 *
 * <p>Thread safety: the connection's worker threads track and drop concurrently; the set is
 * concurrent.
 */
final class ConnectionCallbacks {

    private final EventBus bus;
    private final Set<Integer> ids = ConcurrentHashMap.newKeySet();

    ConnectionCallbacks(EventBus bus) {
        this.bus = bus;
    }

    /** Records a callback id the bus just handed out; returns it. */
    int track(int callbackId) {
        ids.add(callbackId);
        return callbackId;
    }

    /**
     * Deregisters one of this connection's callbacks.
     *
     * @throws VirException libvirt's INVALID_ARG "could not find event callback N for deletion"
     *                      for an id this connection does not hold
     */
    void deregister(int callbackId) {
        if (!ids.contains(callbackId)) {
            throw VirException.invalidArg(VirErrorDomain.NONE,
                    "could not find event callback " + callbackId + " for deletion");
        }
        bus.deregister(callbackId);
        ids.remove(callbackId);
    }

    /** Drops every callback of the connection (it closed). */
    void deregisterAll() {
        for (Integer id : ids) {
            try {
                bus.deregister(id);
            } catch (VirException ignored) {
                // already gone
            }
        }
        ids.clear();
    }
}
