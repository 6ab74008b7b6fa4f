package io.jvirtd.driver.mockhost;

import io.jvirtd.model.domain.Uuids;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The domains of one test host (libvirt's {@code virDomainObjList} plus test_driver.c's
 * {@code nextDomID}): lookup maps by UUID, name and running id, and the counter that hands out
 * ids.
 *
 * <p>Thread safety: the maps are concurrent, so lookups take no lock; they return a candidate
 * the caller then locks and re-checks ({@link MockDomain#removed}, its name or id). Changes to
 * membership (add, remove, rename, id changes) are made under {@link #lock}, a short
 * bookkeeping lock taken after the domain's own lock when the caller holds one, and never held
 * while taking a domain lock.
 */
final class DomainList {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, MockDomain> byUuid = new ConcurrentHashMap<>();
    private final Map<String, MockDomain> byName = new ConcurrentHashMap<>();
    private final Map<Integer, MockDomain> byId = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicLong nextSeq = new AtomicLong();

    /** The next running id (g_atomic_int_add on nextDomID). */
    int allocateId() {
        return nextId.getAndIncrement();
    }

    long nextSeq() {
        return nextSeq.getAndIncrement();
    }

    MockDomain byUuid(byte[] uuid) {
        return byUuid.get(Uuids.format(uuid));
    }

    MockDomain byName(String name) {
        return byName.get(name);
    }

    MockDomain byId(int id) {
        return byId.get(id);
    }

    /** Every domain, in creation order (a snapshot of the list). */
    List<MockDomain> all() {
        List<MockDomain> out = new ArrayList<>(byUuid.values());
        out.sort(Comparator.comparingLong(d -> d.seq));
        return out;
    }

    int size() {
        return byUuid.size();
    }

    /**
     * Publishes a new domain unless its UUID or name is taken.
     *
     * @return null when added, else the domain holding the UUID (checked first) or the name
     */
    MockDomain addIfAbsent(MockDomain dom, byte[] uuid, String name) {
        lock.lock();
        try {
            MockDomain other = byUuid.get(Uuids.format(uuid));
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
    void remove(MockDomain dom, byte[] uuid, String name, int id) {
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
    void setId(MockDomain dom, int id) {
        byId.put(id, dom);
    }

    /** Records that {@code dom} no longer runs as {@code id}. The caller holds the domain's lock. */
    void clearId(MockDomain dom, int id) {
        if (id >= 0) {
            byId.remove(id, dom);
        }
    }

    /**
     * Moves {@code dom} from {@code oldName} to {@code newName} unless that name is taken.
     *
     * @return false when the new name is taken
     */
    boolean rename(MockDomain dom, String oldName, String newName) {
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
