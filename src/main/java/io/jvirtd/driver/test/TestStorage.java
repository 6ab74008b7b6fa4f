package io.jvirtd.driver.test;

import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.spi.StorageOps;
import io.jvirtd.model.storage.StoragePoolRef;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One connection's view of its host's storage pools and volumes: test_driver.c's storage entry
 * points.
 *
 * <p>Thread safety: worker threads call this concurrently; the state is the host's.
 */
final class TestStorage implements StorageOps {

    private final MockHost host;
    private final ConnectionCallbacks callbacks;

    TestStorage(MockHost host, ConnectionCallbacks callbacks) {
        this.host = host;
        this.callbacks = callbacks;
    }

    @Override
    public int connectStoragePoolEventRegisterAny(StoragePoolRef filterOrNull, int eventId,
                                                  Consumer<StoragePoolEvent> listener) {
        byte[] uuid = filterOrNull == null ? null : filterOrNull.uuid();
        return callbacks.track(host.events().register(StoragePoolEvent.class, eventId,
                uuid == null ? null : e -> Arrays.equals(uuid, e.pool().uuid()), listener));
    }

    @Override
    public void connectStoragePoolEventDeregisterAny(int callbackId) {
        callbacks.deregister(callbackId);
    }
}
