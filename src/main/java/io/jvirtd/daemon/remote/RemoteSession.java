package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.rpc.server.ServerClient;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What the remote program keeps per client (libvirt's daemonClientPrivate): the hypervisor
 * connection opened by CONNECT_OPEN, its URI, whether it is read-only, and its domain event
 * callbacks.
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
    private final DomainEventCallbacks domainEvents;

    RemoteSession(ServerClient client) {
        this.client = client;
        this.readOnly = client.isReadOnly();
        this.domainEvents = new DomainEventCallbacks(client);
    }

    /** This client's domain event callbacks. */
    DomainEventCallbacks domainEvents() {
        return domainEvents;
    }

    /**
     * Ends the session's hold on the driver (CONNECT_CLOSE, or the client went away): drops its
     * event callbacks first, so nothing is relayed to a closed client, then closes the
     * connection. Safe to call more than once.
     */
    void closeConnection() {
        HypervisorConnection conn = detach();
        domainEvents.closeAll(conn);
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
