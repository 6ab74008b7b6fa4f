package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.NetworkEvent;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.event.SecretEvent;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.protocol.remote.RemoteTypes.*;

/**
 * Network, storage pool, node device and secret event registration (procedures 313/314,
 * 368/369, 374/375, 380/381), as libvirtd's remoteDispatchConnect*EventRegisterAny/DeregisterAny: the callback
 * style only, the object filter passed on, the event id checked against the family's
 * {@code _ID_LAST}, errors and their wording libvirtd's. A connection without a secret driver
 * answers secret registration NO_SUPPORT, as libvirt does. Stateless; the state is the
 * session's {@link EventCallbacks}.
 */
final class ObjectEventCalls {

    private ObjectEventCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(CONNECT_NETWORK_EVENT_REGISTER_ANY, ConnectNetworkEventRegisterAnyArgs.class,
                ConnectNetworkEventRegisterAnyRet.class, (s, a) -> {
                    var conn = s.connection();
                    var filter = a.net() == null ? null : Handles.net(a.net());
                    checkId(a.eventID(), NetworkEvent.ID_LAST, "network");
                    return new ConnectNetworkEventRegisterAnyRet(s.networkEvents().register(conn, filter, a.eventID(), false));
                });
        t.bind(CONNECT_NETWORK_EVENT_DEREGISTER_ANY, ConnectNetworkEventDeregisterAnyArgs.class, Void.class,
                (s, a) -> deregister(s, s.networkEvents(), a.callbackID(), "network"));
        t.bind(CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, ConnectStoragePoolEventRegisterAnyArgs.class,
                ConnectStoragePoolEventRegisterAnyRet.class, (s, a) -> {
                    var conn = s.connection();
                    var filter = a.pool() == null ? null : Handles.pool(a.pool());
                    checkId(a.eventID(), StoragePoolEvent.ID_LAST, "storage pool");
                    return new ConnectStoragePoolEventRegisterAnyRet(s.poolEvents().register(conn, filter, a.eventID(), false));
                });
        t.bind(CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY, ConnectStoragePoolEventDeregisterAnyArgs.class, Void.class,
                (s, a) -> deregister(s, s.poolEvents(), a.callbackID(), "storage pool"));
        t.bind(CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY, ConnectNodeDeviceEventRegisterAnyArgs.class,
                ConnectNodeDeviceEventRegisterAnyRet.class, (s, a) -> {
                    var conn = s.connection();
                    var filter = a.dev() == null ? null : Handles.dev(a.dev());
                    checkId(a.eventID(), NodeDeviceEvent.ID_LAST, "node device");
                    return new ConnectNodeDeviceEventRegisterAnyRet(
                            s.nodeDeviceEvents().register(conn, filter, a.eventID(), false));
                });
        t.bind(CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY, ConnectNodeDeviceEventDeregisterAnyArgs.class, Void.class,
                (s, a) -> deregister(s, s.nodeDeviceEvents(), a.callbackID(), "node device"));
        t.bind(CONNECT_SECRET_EVENT_REGISTER_ANY, ConnectSecretEventRegisterAnyArgs.class,
                ConnectSecretEventRegisterAnyRet.class, (s, a) -> {
                    var conn = s.connection();
                    var filter = a.secret() == null ? null : Handles.secret(a.secret());
                    checkId(a.eventID(), SecretEvent.ID_LAST, "secret");
                    return new ConnectSecretEventRegisterAnyRet(s.secretEvents().register(conn, filter, a.eventID(), false));
                });
        // libvirtd 9.0's dispatcher words an unknown id as for node devices (its copy of the code).
        t.bind(CONNECT_SECRET_EVENT_DEREGISTER_ANY, ConnectSecretEventDeregisterAnyArgs.class, Void.class,
                (s, a) -> deregister(s, s.secretEvents(), a.callbackID(), "node device"));
    }

    private static void checkId(int eventId, int last, String family) {
        if (eventId >= last || eventId < 0) {
            throw VirException.internalError(VirErrorDomain.RPC, "unsupported " + family + " event ID " + eventId);
        }
    }

    private static Void deregister(RemoteSession s, EventCallbacks<?, ?> callbacks, int callbackId, String family) {
        var conn = s.connection();
        EventCallbacks.Registration r = callbacks.findById(callbackId);
        if (r == null) {
            throw EventCallbacks.notRegistered(family + " event callback " + callbackId);
        }
        callbacks.deregister(conn, r);
        return null;
    }
}
