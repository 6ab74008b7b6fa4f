package io.jvirtd.driver.test;

import io.jvirtd.model.event.NetworkEvent;
import io.jvirtd.model.network.NetworkRef;
import io.jvirtd.model.spi.NetworkOps;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One connection's view of its host's networks: test_driver.c's network entry points.
 *
 * <p>Thread safety: worker threads call this concurrently; the state is the host's.
 */
final class TestNetworks implements NetworkOps {

    private final MockHost host;
    private final ConnectionCallbacks callbacks;

    TestNetworks(MockHost host, ConnectionCallbacks callbacks) {
        this.host = host;
        this.callbacks = callbacks;
    }

    @Override
    public int connectNetworkEventRegisterAny(NetworkRef filterOrNull, int eventId, Consumer<NetworkEvent> listener) {
        byte[] uuid = filterOrNull == null ? null : filterOrNull.uuid();
        return callbacks.track(host.events().register(NetworkEvent.class, eventId,
                uuid == null ? null : e -> Arrays.equals(uuid, e.network().uuid()), listener));
    }

    @Override
    public void connectNetworkEventDeregisterAny(int callbackId) {
        callbacks.deregister(callbackId);
    }
}
