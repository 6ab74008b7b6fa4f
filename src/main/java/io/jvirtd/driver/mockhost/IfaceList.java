package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.InterfaceDef;
import io.jvirtd.model.iface.InterfaceRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host interfaces of one test-driver host (test_driver.c's {@code ifaces},
 * {@code backupIfaces} and {@code transaction_running}): definitions by name with their active
 * flag, and the snapshot a virInterfaceChangeBegin transaction takes. Interfaces raise no events.
 *
 * <p>Thread safety: worker threads of every connection to the host call in at once; all state is
 * guarded by this object's monitor, held for bookkeeping only (a transaction's snapshot copies the
 * definitions through their XML under it, as libvirt does under its driver lock). libvirt keeps the interfaces in a hash table whose order is random per process;
 * here they list in definition order.
 */
final class IfaceList {

    /** VIR_CONNECT_LIST_INTERFACES_INACTIVE / _ACTIVE. */
    static final int LIST_INACTIVE = 1;
    static final int LIST_ACTIVE = 2;

    /** One interface object (virInterfaceObj). Guarded by the list's monitor. */
    private static final class Entry {
        InterfaceDef def;
        boolean active;

        Entry(InterfaceDef def, boolean active) {
            this.def = def;
            this.active = active;
        }
    }

    /** Guarded by this. */
    private Map<String, Entry> ifaces = new LinkedHashMap<>();
    /** The transaction's snapshot, or null. Guarded by this. */
    private Map<String, Entry> backup;
    /** Guarded by this. */
    private boolean transactionRunning;

    /** virInterfaceObjListAssignDef: adds, or replaces the definition keeping the active flag. */
    synchronized InterfaceRef assign(InterfaceDef def, boolean activate) {
        Entry e = ifaces.get(def.name());
        if (e == null) {
            ifaces.put(def.name(), new Entry(def, activate));
        } else {
            e.def = def;
            if (activate) {
                e.active = true;
            }
        }
        return ref(def);
    }

    /** virGetInterface's handle: a missing MAC travels as "". */
    private static InterfaceRef ref(InterfaceDef def) {
        return new InterfaceRef(def.name(), def.mac() == null ? "" : def.mac());
    }

    private Entry find(String name) {
        Entry e = ifaces.get(name);
        if (e == null) {
            throw VirException.of(VirErrorNumber.NO_INTERFACE, VirErrorDomain.TEST,
                    "no interface with matching name '" + name + "'");
        }
        return e;
    }

    synchronized int count(boolean active) {
        int n = 0;
        for (Entry e : ifaces.values()) {
            if (e.active == active) {
                n++;
            }
        }
        return n;
    }

    synchronized List<String> names(boolean active, int maxnames) {
        List<String> out = new ArrayList<>();
        for (Entry e : ifaces.values()) {
            if (out.size() >= maxnames) {
                break;
            }
            if (e.active == active) {
                out.add(e.def.name());
            }
        }
        return out;
    }

    /** virInterfaceObjListExport with the active/inactive filter. */
    synchronized List<InterfaceRef> listAll(int flags) {
        List<InterfaceRef> out = new ArrayList<>();
        boolean filter = (flags & (LIST_ACTIVE | LIST_INACTIVE)) != 0;
        for (Entry e : ifaces.values()) {
            if (filter && !(((flags & LIST_ACTIVE) != 0 && e.active)
                    || ((flags & LIST_INACTIVE) != 0 && !e.active))) {
                continue;
            }
            out.add(ref(e.def));
        }
        return out;
    }

    synchronized InterfaceRef lookupByName(String name) {
        return ref(find(name).def);
    }

    /**
     * testInterfaceLookupByMACString: case-insensitive match of at most two interfaces. An
     * interface without a MAC matches any text, as libvirt's NULL-tolerant comparison does.
     */
    synchronized InterfaceRef lookupByMac(String mac) {
        List<String> matches = new ArrayList<>(2);
        for (Entry e : ifaces.values()) {
            if (matches.size() == 2) {
                break;
            }
            if (e.def.mac() == null || e.def.mac().equalsIgnoreCase(mac)) {
                matches.add(e.def.name());
            }
        }
        if (matches.isEmpty()) {
            throw VirException.of(VirErrorNumber.NO_INTERFACE, VirErrorDomain.TEST,
                    "no interface with matching mac '" + mac + "'");
        }
        if (matches.size() > 1) {
            throw VirException.of(VirErrorNumber.MULTIPLE_INTERFACES, VirErrorDomain.TEST, null);
        }
        return new InterfaceRef(matches.get(0), mac);
    }

    synchronized InterfaceDef def(String name) {
        return find(name).def;
    }

    synchronized boolean isActive(String name) {
        return find(name).active;
    }

    synchronized void undefine(String name) {
        find(name);
        ifaces.remove(name);
    }

    /** testInterfaceCreate / testInterfaceDestroy: OPERATION_INVALID when already in that state. */
    synchronized void setActive(String name, boolean active) {
        Entry e = find(name);
        if (e.active == active) {
            throw VirException.of(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST, null);
        }
        e.active = active;
    }

    /**
     * testInterfaceChangeBegin: refuses a second transaction, then copies every definition
     * through its XML (the copies are inactive, as virInterfaceObjListClone makes new objects).
     */
    synchronized void begin() {
        if (transactionRunning) {
            throw VirException.operationInvalid(VirErrorDomain.TEST, "there is another transaction running.");
        }
        transactionRunning = true;
        Map<String, Entry> copy = new LinkedHashMap<>();
        for (Entry e : ifaces.values()) {
            InterfaceDef clone = InterfaceDef.parse(e.def.format(), 0);
            copy.put(clone.name(), new Entry(clone, false));
        }
        backup = copy;
    }

    synchronized void commit() {
        if (!transactionRunning) {
            throw VirException.operationInvalid(VirErrorDomain.TEST, "no transaction running, nothing to be committed.");
        }
        backup = null;
        transactionRunning = false;
    }

    synchronized void rollback() {
        if (!transactionRunning) {
            throw VirException.operationInvalid(VirErrorDomain.TEST, "no transaction running, nothing to rollback.");
        }
        ifaces = backup;
        backup = null;
        transactionRunning = false;
    }
}
