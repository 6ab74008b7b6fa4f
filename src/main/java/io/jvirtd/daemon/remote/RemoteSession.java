package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.NetworkEvent;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.event.QemuMonitorEvent;
import io.jvirtd.model.event.SecretEvent;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.network.NetworkRef;
import io.jvirtd.model.nodedev.NodeDeviceRef;
import io.jvirtd.model.secret.SecretRef;
import io.jvirtd.model.spi.DomainOps;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.stream.DataStream;
import io.jvirtd.rpc.server.ServerClient;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * What the remote program keeps per client (libvirt's daemonClientPrivate): the hypervisor
 * connection opened by CONNECT_OPEN, its URI, whether it is read-only, and its event
 * callbacks of each family (the QEMU program's monitor events too).
 *
 * <p>Threads: used by the workers that run this client's calls, several at once when the
 * client pipelines. The connection is published once through a compare-and-set, so two racing
 * CONNECT_OPENs cannot both open, and no lock is held while a driver opens or closes it.
 */
final class RemoteSession {

    /** Marks a CONNECT_OPEN in progress. */
    private static final Object OPENING = new Object();

    private final ServerClient client;
    private final AtomicReference<Object> state = new AtomicReference<>();
    private volatile String uri;
    private volatile boolean readOnly;
    private volatile boolean closeCallbackRegistered;
    private volatile boolean closeAfterReply;
    private final EventCallbacks<DomainRef, DomainEvent> domainEvents;
    private final EventCallbacks<NetworkRef, NetworkEvent> networkEvents;
    private final EventCallbacks<StoragePoolRef, StoragePoolEvent> poolEvents;
    private final EventCallbacks<NodeDeviceRef, NodeDeviceEvent> nodeDeviceEvents;
    private final EventCallbacks<SecretRef, SecretEvent> secretEvents;
    /** The QEMU program's monitor event callbacks ({@link QemuProgram}). */
    private final EventCallbacks<QemuProgram.QemuEventFilter, QemuMonitorEvent> qemuEvents;

    RemoteSession(ServerClient client) {
        this.client = client;
        this.readOnly = client.isReadOnly();
        this.domainEvents = new EventCallbacks<>(client, "domain", new EventCallbacks.Driver<>() {
            @Override
            public int register(HypervisorConnection c, DomainRef f, int id, Consumer<DomainEvent> l) {
                return c.domains().connectDomainEventRegisterAny(f, id, l);
            }

            @Override
            public void deregister(HypervisorConnection c, int callbackId) {
                c.domains().connectDomainEventDeregisterAny(callbackId);
            }
        }, EventMessages::frame);
        this.networkEvents = new EventCallbacks<>(client, "network", new EventCallbacks.Driver<>() {
            @Override
            public int register(HypervisorConnection c, NetworkRef f, int id, Consumer<NetworkEvent> l) {
                return c.networks().connectNetworkEventRegisterAny(f, id, l);
            }

            @Override
            public void deregister(HypervisorConnection c, int callbackId) {
                c.networks().connectNetworkEventDeregisterAny(callbackId);
            }
        }, EventMessages::frame);
        this.poolEvents = new EventCallbacks<>(client, "storage pool", new EventCallbacks.Driver<>() {
            @Override
            public int register(HypervisorConnection c, StoragePoolRef f, int id, Consumer<StoragePoolEvent> l) {
                return c.storage().connectStoragePoolEventRegisterAny(f, id, l);
            }

            @Override
            public void deregister(HypervisorConnection c, int callbackId) {
                c.storage().connectStoragePoolEventDeregisterAny(callbackId);
            }
        }, EventMessages::frame);
        this.nodeDeviceEvents = new EventCallbacks<>(client, "node device", new EventCallbacks.Driver<>() {
            @Override
            public int register(HypervisorConnection c, NodeDeviceRef f, int id, Consumer<NodeDeviceEvent> l) {
                return c.nodeDevices().connectNodeDeviceEventRegisterAny(f, id, l);
            }

            @Override
            public void deregister(HypervisorConnection c, int callbackId) {
                c.nodeDevices().connectNodeDeviceEventDeregisterAny(callbackId);
            }
        }, EventMessages::frame);
        this.secretEvents = new EventCallbacks<>(client, "secret", new EventCallbacks.Driver<>() {
            @Override
            public int register(HypervisorConnection c, SecretRef f, int id, Consumer<SecretEvent> l) {
                return c.secrets().connectSecretEventRegisterAny(f, id, l);
            }

            @Override
            public void deregister(HypervisorConnection c, int callbackId) {
                c.secrets().connectSecretEventDeregisterAny(callbackId);
            }
        }, EventMessages::frame);
        this.qemuEvents = new EventCallbacks<>(client, "qemu monitor", new EventCallbacks.Driver<>() {
            @Override
            public int register(HypervisorConnection c, QemuProgram.QemuEventFilter f, int id,
                                Consumer<QemuMonitorEvent> l) {
                return c.domains().connectDomainQemuMonitorEventRegister(f.domOrNull(), f.eventOrNull(), f.flags(), l);
            }

            @Override
            public void deregister(HypervisorConnection c, int callbackId) {
                c.domains().connectDomainQemuMonitorEventDeregister(callbackId);
            }
        }, QemuProgram::frame);
    }

    /**
     * The call this worker serves opens a data stream through {@code stream} (see
     * {@link RemoteStreams}): it starts after the call's reply, if the call succeeds.
     *
     * @param sends  the daemon sends the data (a download); else it takes it
     * @param sparse holes travel as holes
     */
    void openStream(DataStream stream, boolean sends, boolean sparse) {
        RemoteStreams.open(stream, sends, sparse);
    }

    /** This client's domain event callbacks. */
    EventCallbacks<DomainRef, DomainEvent> domainEvents() {
        return domainEvents;
    }

    /** This client's network event callbacks. */
    EventCallbacks<NetworkRef, NetworkEvent> networkEvents() {
        return networkEvents;
    }

    /** This client's storage pool event callbacks. */
    EventCallbacks<StoragePoolRef, StoragePoolEvent> poolEvents() {
        return poolEvents;
    }

    /** This client's node device event callbacks. */
    EventCallbacks<NodeDeviceRef, NodeDeviceEvent> nodeDeviceEvents() {
        return nodeDeviceEvents;
    }

    /** This client's QEMU monitor event callbacks. */
    EventCallbacks<QemuProgram.QemuEventFilter, QemuMonitorEvent> qemuEvents() {
        return qemuEvents;
    }

    /** This client's secret event callbacks. */
    EventCallbacks<SecretRef, SecretEvent> secretEvents() {
        return secretEvents;
    }

    /**
     * Ends the session's hold on the driver (CONNECT_CLOSE, or the client went away): drops its
     * event callbacks first, so nothing is relayed to a closed client, then closes the
     * connection. Safe to call more than once.
     */
    void closeConnection() {
        HypervisorConnection conn = detach();
        domainEvents.closeAll(conn);
        networkEvents.closeAll(conn);
        poolEvents.closeAll(conn);
        nodeDeviceEvents.closeAll(conn);
        secretEvents.closeAll(conn);
        qemuEvents.closeAll(conn);
        if (conn != null) {
            conn.close();
        }
    }

    ServerClient client() {
        return client;
    }

    /** The open connection; the libvirtd error when CONNECT_OPEN has not succeeded yet. */
    HypervisorConnection connection() {
        Object s = state.get();
        if (s instanceof HypervisorConnection) {
            return (HypervisorConnection) s;
        }
        throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC, "hypervisor connection not open");
    }

    /** The open connection's domain family. */
    DomainOps domains() {
        return connection().domains();
    }

    boolean isOpen() {
        return state.get() instanceof HypervisorConnection;
    }

    /** Claims the right to open; false if a connection is open or being opened. */
    boolean beginOpen() {
        return state.compareAndSet(null, OPENING);
    }

    void finishOpen(HypervisorConnection conn, String openedUri, boolean ro) {
        uri = openedUri;
        readOnly = ro;
        state.set(conn);
        client.setOpened(); // its large messages now wait for memory instead of being refused
    }

    void abandonOpen() {
        state.compareAndSet(OPENING, null);
    }

    /** Takes the connection away (close); null when none was open. */
    HypervisorConnection detach() {
        Object s = state.getAndSet(null);
        return s instanceof HypervisorConnection ? (HypervisorConnection) s : null;
    }

    String uri() {
        return uri;
    }

    boolean isReadOnly() {
        return readOnly;
    }

    void setCloseCallbackRegistered(boolean registered) {
        closeCallbackRegistered = registered;
    }

    boolean closeCallbackRegistered() {
        return closeCallbackRegistered;
    }

    /** CONNECT_CLOSE: the socket closes once its reply is written. */
    void closeAfterReply() {
        closeAfterReply = true;
    }

    boolean wantsCloseAfterReply() {
        return closeAfterReply;
    }
}
