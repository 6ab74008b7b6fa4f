package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.NetworkDef;
import io.jvirtd.model.domain.Uuids;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A host's virtual networks (libvirt's {@code virNetworkObjList} with its objects,
 * src/conf/virnetworkobj.c): live and persistent definitions, active, persistent and autostart
 * state, and the assign/replace rules of define, create and update.
 *
 * <p>Thread safety: one lock guards the list and every object in it. Each network operation
 * is in-memory bookkeeping of a few fields (no I/O, no waiting), so one lock costs nothing and
 * keeps list-wide rules (name and UUID uniqueness) simple. Callers run their whole operation
 * inside {@link #locked}; events are posted under it and dispatched after it
 * (docs/architecture.md §6). Worker threads of every connection to the host share it. Lock
 * order: a domain's lock, then this one (virDomainInterfaceAddresses reads a network's
 * addresses while it holds its domain, {@link NodeNetworks#guestAddress}); network code never
 * takes a domain lock.
 */
final class NetworkList {

    /** One network (virNetworkObj). Guarded by the list's lock. */
    static final class Net {
        NetworkDef def;
        NetworkDef newDef;
        boolean active;
        boolean persistent;
        boolean autostart;

        NetworkDef persistentDef() {
            return newDef != null ? newDef : def;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Keyed by UUID string, in insertion order. Guarded by lock. */
    private final Map<String, Net> nets = new LinkedHashMap<>();

    /** Runs {@code body} with the lock held. */
    <T> T locked(Function<NetworkList, T> body) {
        lock.lock();
        try {
            return body.apply(this);
        } finally {
            lock.unlock();
        }
    }

    private void assertLocked() {
        assert lock.isHeldByCurrentThread();
    }

    /** virNetworkObjFindByUUID, or null. */
    Net findByUuidLocked(byte[] uuid) {
        assertLocked();
        return nets.get(Uuids.format(uuid));
    }

    /** virNetworkObjFindByName, or null. */
    Net findByNameLocked(String name) {
        assertLocked();
        for (Net n : nets.values()) {
            if (n.def.name().equals(name)) {
                return n;
            }
        }
        return null;
    }

    /** All networks in list order. */
    List<Net> allLocked() {
        assertLocked();
        return new ArrayList<>(nets.values());
    }

    /**
     * virNetworkObjAssignDef.
     *
     * @param live the definition is a live one (create), not a persistent one (define)
     * @param checkLive refuse to replace an active network's definition
     */
    Net assignDefLocked(NetworkDef def, boolean live, boolean checkLive) {
        assertLocked();
        Net n = findByUuidLocked(def.uuid());
        if (n != null) {
            if (!n.def.name().equals(def.name())) {
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.NETWORK,
                        "network '" + n.def.name() + "' is already defined with uuid " + Uuids.format(n.def.uuid()));
            }
            if (checkLive && n.active) {
                throw VirException.operationInvalid(VirErrorDomain.NETWORK,
                        "network is already active as '" + n.def.name() + "'");
            }
            updateAssignDef(n, def, live);
            return n;
        }
        Net byName = findByNameLocked(def.name());
        if (byName != null) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.NETWORK,
                    "network '" + def.name() + "' already exists with uuid " + Uuids.format(byName.def.uuid()));
        }
        n = new Net();
        n.def = def;
        n.persistent = !live;
        nets.put(Uuids.format(def.uuid()), n);
        return n;
    }

    /** virNetworkObjUpdateAssignDef. */
    private static void updateAssignDef(Net n, NetworkDef def, boolean live) {
        if (live) {
            if (n.persistent && n.newDef == null) {
                n.newDef = n.def;
            }
            n.def = def;
        } else {
            if (n.active) {
                n.newDef = def;
            } else if (n.def != null && !n.persistent) {
                n.newDef = def;
            } else {
                n.newDef = null;
                n.def = def;
            }
            n.persistent = true;
        }
    }

    /** virNetworkObjRemoveInactive. */
    void removeLocked(Net n) {
        assertLocked();
        nets.values().removeIf(x -> x == n);
    }
}
