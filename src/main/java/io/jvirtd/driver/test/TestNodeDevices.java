package io.jvirtd.driver.test;

import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.nodedev.NodeDeviceRef;
import io.jvirtd.model.spi.NodeDeviceOps;

import java.util.function.Consumer;

/**
 * One connection's view of its host's node devices: test_driver.c's node device entry points.
 *
 * <p>Thread safety: worker threads call this concurrently; the state is the host's.
 */
final class TestNodeDevices implements NodeDeviceOps {

    private final MockHost host;
    private final ConnectionCallbacks callbacks;

    TestNodeDevices(MockHost host, ConnectionCallbacks callbacks) {
        this.host = host;
        this.callbacks = callbacks;
    }

    /** Devices are matched by name (libvirt's node device events carry no UUID). */
    @Override
    public int connectNodeDeviceEventRegisterAny(NodeDeviceRef filterOrNull, int eventId,
                                                 Consumer<NodeDeviceEvent> listener) {
        String name = filterOrNull == null ? null : filterOrNull.name();
        return callbacks.track(host.events().register(NodeDeviceEvent.class, eventId,
                name == null ? null : e -> name.equals(e.device().name()), listener));
    }

    @Override
    public void connectNodeDeviceEventDeregisterAny(int callbackId) {
        callbacks.deregister(callbackId);
    }
}
