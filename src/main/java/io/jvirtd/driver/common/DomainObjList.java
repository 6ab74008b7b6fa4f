package io.jvirtd.driver.common;

import io.jvirtd.model.domain.Uuids;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * A driver's domains (libvirt's {@code virDomainObjList}, plus the counter that hands out
 * running ids as test_driver.c's {@code nextDomID} and qemu_driver.c's {@code lastvmid}):
 * lookup maps by UUID, name and running id, for any driver's domain object {@code D}.
 *
 * <p>Thread safety: the maps are concurrent, so lookups take no lock; they return a candidate
 * the caller then locks and re-checks (whether it was removed, its name or id). Changes to
 * membership (add, remove, rename, id changes) are made under {@link #lock}, a short
 * bookkeeping lock taken after the domain's own lock when the caller holds one, and never held
 * while taking a domain lock.
 */
public final class DomainObjList<D> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, D> byUuid = new ConcurrentHashMap<>();
    private final Map<String, D> byName = new ConcurrentHashMap<>();
    private final Map<Integer, D> byId = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicLong nextSeq = new AtomicLong();
    private final ToLongFunction<D> creationOrder;

    /** @param creationOrder the number {@link #nextSeq} gave the domain when it was made */
    public DomainObjList(ToLongFunction<D> creationOrder) {
        this.creationOrder = creationOrder;
    }

    /** The next running id (g_atomic_int_add on nextDomID). */
    public int allocateId() {
        return nextId.getAndIncrement();
    }

    /** Makes the next running ids larger than {@code id} (one a restarted daemon found running). */
    public void reserveIdsThrough(int id) {
        nextId.accumulateAndGet(id + 1, Math::max);
    }

    /** A number giving the creation order of the domain about to be made. */
    public long nextSeq() {
        return nextSeq.getAndIncrement();
    }

    public D byUuid(byte[] uuid) {
        return byUuid.get(Uuids.format(uuid));
    }

    public D byName(String name) {
        return byName.get(name);
    }

    public D byId(int id) {
        return byId.get(id);
    }

    /** Every domain, in creation order (a snapshot of the list). */
    public List<D> all() {
        List<D> out = new ArrayList<>(byUuid.values());
        out.sort(Comparator.comparingLong(creationOrder));
        return out;
    }

    public int size() {
        return byUuid.size();
    }

    /**
     * Publishes a new domain unless its UUID or name is taken.
     *
     * @return null when added, else the domain holding the UUID (checked first) or the name
     */
    public D addIfAbsent(D dom, byte[] uuid, String name) {
        lock.lock();
        try {
            D other = byUuid.get(Uuids.format(uuid));
            if (other == null) {
                other = byName.get(name);
            }
            if (other != null) {
                return other;
            }
            byUuid.put(Uuids.format(uuid), dom);
            byName.put(name, dom);
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Drops a domain from every map. The caller holds the domain's lock and marks it removed. */
    public void remove(D dom, byte[] uuid, String name, int id) {
        lock.lock();
        try {
            byUuid.remove(Uuids.format(uuid), dom);
            byName.remove(name, dom);
            if (id >= 0) {
                byId.remove(id, dom);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Records that {@code dom} now runs as {@code id}. The caller holds the domain's lock. */
    public void setId(D dom, int id) {
        byId.put(id, dom);
    }

    /** Records that {@code dom} no longer runs as {@code id}. The caller holds the domain's lock. */
    public void clearId(D dom, int id) {
        if (id >= 0) {
            byId.remove(id, dom);
        }
    }

    /**
     * Moves {@code dom} from {@code oldName} to {@code newName} unless that name is taken.
     *
     * @return false when the new name is taken
     */
    public boolean rename(D dom, String oldName, String newName) {
        lock.lock();
        try {
            if (byName.containsKey(newName)) {
                return false;
            }
            byName.put(newName, dom);
            byName.remove(oldName, dom);
            return true;
        } finally {
            lock.unlock();
        }
    }
}
