package io.jvirtd.model.event;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The event callbacks of one host and the queue of its events (libvirt's
 * {@code virObjectEventState}), for every object family at once: callback ids come from one
 * counter whatever the family, as in libvirt, so a client sees the same ids. Drivers {@link #post} events as changes happen and
 * {@link #dispatch} them once no lock is held ({@link #raise} does both); every listener sees
 * the events it registered for in the order they were posted.
 *
 * <p>Thread safety: any thread may register, deregister, post and dispatch. Posting only appends
 * to a lock-free queue, so a driver may post while holding an object lock (which is what keeps
 * the queue in the order the changes happened). Delivery is serial: one thread at a time drains
 * the queue and calls listeners; a dispatcher that finds another thread draining leaves its
 * events to it. Listeners run on that thread and must not block (queue and return). A listener
 * that throws is logged and skipped; the others still get the event.
 */
public final class EventBus {

    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    private final Object idLock = new Object();
    /** libvirt's callback list {@code nextID}: the first id is 0. Guarded by idLock. */
    private int nextId;
    private final CopyOnWriteArrayList<Callback> callbacks = new CopyOnWriteArrayList<>();
    private final Queue<ObjectEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    private static final class Callback {
        final int id;
        final Class<? extends ObjectEvent> family;
        final int eventId;
        final Predicate<ObjectEvent> filter;
        final Consumer<ObjectEvent> listener;
        volatile boolean removed;

        Callback(int id, Class<? extends ObjectEvent> family, int eventId, Predicate<ObjectEvent> filter,
                 Consumer<ObjectEvent> listener) {
            this.id = id;
            this.family = family;
            this.eventId = eventId;
            this.filter = filter;
            this.listener = listener;
        }

        boolean wants(ObjectEvent e) {
            return !removed && e.eventId() == eventId && family.isInstance(e)
                    && (filter == null || filter.test(e));
        }
    }

    /**
     * Registers {@code listener} for events {@code eventId} about {@code filterOrNull}'s domain
     * (matched by UUID) or about every domain when null.
     *
     * @return the callback id, unique on this bus
     */
    public int register(int eventId, DomainRef filterOrNull, Consumer<DomainEvent> listener) {
        byte[] uuid = filterOrNull == null ? null : filterOrNull.uuid();
        return register(DomainEvent.class, eventId,
                uuid == null ? null : e -> e.domain().hasUuid(uuid), listener);
    }

    /**
     * Registers {@code listener} for the events of {@code family} with id {@code eventId} that
     * {@code filterOrNull} accepts (all of them when null): a network, pool or device callback
     * filters on its object as libvirt does (networks and pools by UUID, devices by name).
     *
     * @return the callback id, unique on this bus across families
     */
    @SuppressWarnings("unchecked")
    public <E extends ObjectEvent> int register(Class<E> family, int eventId, Predicate<? super E> filterOrNull,
                                                Consumer<? super E> listener) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(listener, "listener");
        Predicate<ObjectEvent> filter = filterOrNull == null ? null : e -> ((Predicate<Object>) filterOrNull).test(e);
        Consumer<ObjectEvent> sink = e -> ((Consumer<Object>) listener).accept(e);
        synchronized (idLock) {
            Callback cb = new Callback(nextId++, family, eventId, filter, sink);
            callbacks.add(cb);
            return cb.id;
        }
    }

    /**
     * Removes a callback: no event is delivered to it once this returns (except one that a
     * concurrent dispatcher is handing to it at this very moment).
     *
     * @throws VirException INVALID_ARG "could not find event callback N for deletion" when the
     *                      id is unknown, as libvirt
     */
    public void deregister(int callbackId) {
        for (Callback cb : callbacks) {
            if (cb.id == callbackId && !cb.removed) {
                cb.removed = true;
                callbacks.remove(cb);
                return;
            }
        }
        throw VirException.of(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE,
                "could not find event callback " + callbackId + " for deletion");
    }

    /**
     * Whether a callback for events of {@code family} with id {@code eventId} is registered, so
     * that a producer can skip building an event nobody would get (its filter aside). Lock-free;
     * any thread, the event loop too.
     */
    public boolean hasListener(Class<? extends ObjectEvent> family, int eventId) {
        for (Callback cb : callbacks) {
            if (!cb.removed && cb.eventId == eventId && cb.family == family) {
                return true;
            }
        }
        return false;
    }

    /** The number of registered callbacks. */
    public int size() {
        return callbacks.size();
    }

    /** Queues an event without delivering it; cheap and safe under an object lock. */
    public void post(ObjectEvent event) {
        pending.add(Objects.requireNonNull(event, "event"));
    }

    /**
     * Delivers every queued event, in order, unless another thread is already doing so (it will
     * deliver ours too). Call with no lock held.
     */
    public void dispatch() {
        while (!pending.isEmpty()) {
            if (!draining.compareAndSet(false, true)) {
                return;
            }
            try {
                ObjectEvent e;
                while ((e = pending.poll()) != null) {
                    deliver(e);
                }
            } finally {
                draining.set(false);
            }
        }
    }

    /** {@link #post} then {@link #dispatch}: for callers that hold no lock. */
    public void raise(ObjectEvent event) {
        post(event);
        dispatch();
    }

    private void deliver(ObjectEvent e) {
        for (Callback cb : callbacks) {
            if (cb.wants(e)) {
                try {
                    cb.listener.accept(e);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING,
                            "event listener " + cb.id + " failed on " + e, ex);
                }
            }
        }
    }
}
