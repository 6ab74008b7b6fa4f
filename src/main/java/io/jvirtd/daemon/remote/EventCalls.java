package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.protocol.remote.RemoteTypes.*;

/**
 * Domain event registration, as libvirtd's remoteDispatchConnectDomainEvent*: the callback
 * style (316/317, server-chosen callback ids, optional domain filter) and the two legacy
 * styles (105/106 lifecycle only, 167/168 by event id, MESSAGE procedures without a callback
 * id). Errors and their order are libvirtd's. Stateless; the state is the session's
 * {@link EventCallbacks} for domains.
 */
final class EventCalls {

    /** VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED: the last id the legacy procedures take. */
    private static final int LEGACY_LAST_ID = DomainEvent.ID_DEVICE_REMOVED;

    private EventCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, ConnectDomainEventCallbackRegisterAnyArgs.class,
                ConnectDomainEventCallbackRegisterAnyRet.class, (s, a) -> {
                    var conn = s.connection();
                    DomainRef filter = a.dom() == null ? null : Handles.dom(a.dom());
                    if (a.eventID() >= DomainEvent.ID_LAST || a.eventID() < 0) {
                        throw unsupportedEvent(a.eventID());
                    }
                    return new ConnectDomainEventCallbackRegisterAnyRet(
                            s.domainEvents().register(conn, filter, a.eventID(), false));
                });
        t.bind(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, ConnectDomainEventCallbackDeregisterAnyArgs.class,
                Void.class, (s, a) -> {
                    var conn = s.connection();
                    EventCallbacks.Registration r = s.domainEvents().findById(a.callbackID());
                    if (r == null) {
                        throw EventCallbacks.notRegistered("domain event callback " + a.callbackID());
                    }
                    s.domainEvents().deregister(conn, r);
                    return null;
                });
        t.bind(CONNECT_DOMAIN_EVENT_REGISTER, Void.class, ConnectDomainEventRegisterRet.class, (s, a) -> {
            s.domainEvents().register(s.connection(), null, DomainEvent.ID_LIFECYCLE, true);
            return new ConnectDomainEventRegisterRet(0);
        });
        t.bind(CONNECT_DOMAIN_EVENT_DEREGISTER, Void.class, ConnectDomainEventDeregisterRet.class, (s, a) -> {
            var conn = s.connection();
            EventCallbacks.Registration r = s.domainEvents().findByEvent(DomainEvent.ID_LIFECYCLE);
            if (r == null) {
                throw EventCallbacks.notRegistered("domain event " + DomainEvent.ID_LIFECYCLE);
            }
            s.domainEvents().deregister(conn, r);
            return new ConnectDomainEventDeregisterRet(0);
        });
        t.bind(CONNECT_DOMAIN_EVENT_REGISTER_ANY, ConnectDomainEventRegisterAnyArgs.class, Void.class, (s, a) -> {
            var conn = s.connection();
            if (a.eventID() > LEGACY_LAST_ID || a.eventID() < 0) {
                throw unsupportedEvent(a.eventID());
            }
            s.domainEvents().register(conn, null, a.eventID(), true);
            return null;
        });
        t.bind(CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, ConnectDomainEventDeregisterAnyArgs.class, Void.class,
                (s, a) -> {
                    var conn = s.connection();
                    if (a.eventID() > LEGACY_LAST_ID || a.eventID() < 0) {
                        throw unsupportedEvent(a.eventID());
                    }
                    EventCallbacks.Registration r = s.domainEvents().findByEvent(a.eventID());
                    if (r == null) {
                        throw EventCallbacks.notRegistered("domain event " + a.eventID());
                    }
                    s.domainEvents().deregister(conn, r);
                    return null;
                });
    }

    private static VirException unsupportedEvent(int eventId) {
        return VirException.internalError(VirErrorDomain.RPC, "unsupported event ID " + eventId);
    }
}
