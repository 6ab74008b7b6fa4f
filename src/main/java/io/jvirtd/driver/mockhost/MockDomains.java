package io.jvirtd.driver.mockhost;

import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;

import java.util.function.Consumer;

/**
 * The domain family of one test-driver connection (its {@code domains()}): the domain, snapshot
 * and checkpoint calls of test_driver.c, inherited through {@link DomainAccess}'s chain, with
 * the domain event callbacks counted against the connection so that closing it drops them.
 *
 * <p>Thread safety: as {@link DomainAccess}; the callbacks record is the connection's, shared
 * with its other families.
 */
final class MockDomains extends CheckpointOps {

    private final ConnectionCallbacks callbacks;

    MockDomains(MockHost host, ConnectionCallbacks callbacks) {
        super(host);
        this.callbacks = callbacks;
    }

    @Override
    public int connectDomainEventRegisterAny(DomainRef domOrNull, int eventId, Consumer<DomainEvent> listener) {
        return callbacks.track(super.connectDomainEventRegisterAny(domOrNull, eventId, listener));
    }

    /**
     * Deregisters a callback of this connection; another connection's callback id is unknown
     * here, as libvirt matches callbacks by connection too.
     */
    @Override
    public void connectDomainEventDeregisterAny(int callbackId) {
        callbacks.deregister(callbackId);
    }
}
