package io.jvirtd.daemon.remote;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.rpc.server.EventFrame;
import io.jvirtd.rpc.server.ServerClient;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One client's event callbacks of one object family (libvirtd's daemonClientPrivate
 * domainEventCallbacks, networkEventCallbacks, storageEventCallbacks, nodeDeviceEventCallbacks):
 * what it registered, in registration order, each with the id the driver chose and, for
 * domains, whether it uses the legacy MESSAGE procedures (105/167) or the callback ones (316).
 *
 * @param <F> the family's object handle (the optional filter of a registration)
 * @param <E> the family's event type
 *
 * <p>Threads: registrations and deregistrations come from this client's workers; events arrive
 * on whatever thread the driver's event bus delivers from and only read the registration they
 * belong to. The list is guarded by {@code this}, held for bookkeeping only: driver calls and
 * the encoding of events run without it (docs/architecture.md §1, rule 2). Once
 * {@link #closeAll} ran, every later registration is undone at once, so a client that goes away
 * leaves no callback behind.
 */
final class EventCallbacks<F, E> {

    /** The family's register and deregister calls on a connection. */
    interface Driver<F, E> {
        int register(HypervisorConnection conn, F filterOrNull, int eventId, Consumer<E> listener);

        void deregister(HypervisorConnection conn, int callbackId);
    }

    /** The MESSAGE frame every listener of an event in that style shares, or null if none. */
    interface Encoder<E> {
        EventFrame frame(E event, boolean legacy);
    }


    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon.remote");

    /** One registration; its id is -1 until the driver answered (events before that are dropped, as libvirtd does). */
    static final class Registration {
        final int eventId;
        final boolean legacy;
        volatile int callbackId = -1;

        Registration(int eventId, boolean legacy) {
            this.eventId = eventId;
            this.legacy = legacy;
        }
    }

    private final ServerClient client;
    private final String family;
    private final Driver<F, E> driver;
    private final Encoder<E> encoder;
    /** Guarded by this. */
    private final List<Registration> registrations = new ArrayList<>();
    /** Guarded by this. */
    private boolean closed;

    /**
     * @param family the family's name for log messages ("domain", "network" ...)
     */
    EventCallbacks(ServerClient client, String family, Driver<F, E> driver, Encoder<E> encoder) {
        this.client = client;
        this.family = family;
        this.driver = driver;
        this.encoder = encoder;
    }

    /**
     * Registers with the driver and records the registration.
     *
     * @return the driver's callback id
     */
    int register(HypervisorConnection conn, F filterOrNull, int eventId, boolean legacy) {
        Registration r = new Registration(eventId, legacy);
        int id = driver.register(conn, filterOrNull, eventId, e -> relay(r, e));
        boolean undo;
        synchronized (this) {
            undo = closed;
            if (!undo) {
                r.callbackId = id;
                registrations.add(r);
            }
        }
        if (undo) {
            driver.deregister(conn, id);
        }
        return id;
    }

    /** The first registration matching, or null. */
    synchronized Registration findById(int callbackId) {
        for (Registration r : registrations) {
            if (r.callbackId == callbackId) {
                return r;
            }
        }
        return null;
    }

    /** The first registration for {@code eventId} (the legacy deregister calls find it so). */
    synchronized Registration findByEvent(int eventId) {
        for (Registration r : registrations) {
            if (r.eventId == eventId) {
                return r;
            }
        }
        return null;
    }

    /** Deregisters {@code r} with the driver, then forgets it. */
    void deregister(HypervisorConnection conn, Registration r) {
        driver.deregister(conn, r.callbackId);
        synchronized (this) {
            registrations.remove(r);
        }
    }

    /**
     * Drops every callback (the client closed, or CONNECT_CLOSE): later events are not sent and
     * later registrations undone. {@code conn} may be null when no connection was open.
     */
    void closeAll(HypervisorConnection conn) {
        List<Registration> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(registrations);
            registrations.clear();
        }
        for (Registration r : all) {
            int id = r.callbackId;
            r.callbackId = -1;
            if (conn == null) {
                continue;
            }
            try {
                driver.deregister(conn, id);
            } catch (VirException e) {
                LOG.log(Level.WARNING, "unexpected {0} event deregister failure: {1}", family, e.getMessage());
            }
        }
    }

    /** On the driver's delivering thread: encode and queue, never block. */
    private void relay(Registration r, E e) {
        int id = r.callbackId;
        if (id < 0 || !client.isOpen()) {
            return;
        }
        EventFrame frame = encoder.frame(e, r.legacy);
        if (frame != null) {
            client.sendEvent(frame, id);
        }
    }

    /** libvirtd's error for an unknown id or event (VIR_FROM_RPC, INTERNAL_ERROR). */
    static VirException notRegistered(String what) {
        return VirException.internalError(VirErrorDomain.RPC, what + " not registered");
    }
}
