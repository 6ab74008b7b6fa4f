package io.jvirtd.driver.secret;

import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.SecretDef;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.model.event.SecretEvent;
import io.jvirtd.model.secret.SecretRef;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's secrets (libvirt's secret driver state: {@code virSecretObjList}, the config folder
 * and the event state): what every connection's {@link SecretOps} works on. The behaviour is
 * libvirt 9.0's secret_driver.c and virsecretobj.c: one secret per usage, a UUID keeps its usage
 * and cannot drop {@code private}, ephemeral secrets live only in memory, a private value is
 * never given to a client, a failed save leaves memory as it was.
 *
 * <p>Threads: workers. Secrets are immutable {@link Entry} snapshots in a concurrent map, so
 * lookups, listings and value reads take no lock. Changes (define, set value, undefine) are
 * serialised by one lock held across their small file write, as libvirt holds the object lock
 * across its save, so the files and the map never disagree; events are posted under that lock
 * (keeping their order) and delivered after it is released. Its callback ids start at 0, its own
 * sequence, as libvirt's secret driver has its own event state.
 */
public final class SecretDriver {

    private static final VirErrorDomain S = VirErrorDomain.SECRET;

    /** A secret and its value (null: none set yet). Immutable. */
    record Entry(SecretDef def, byte[] value) {
    }

    private final SecretStore store;
    private final Map<String, Entry> secrets = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    private final EventBus events = new EventBus();

    private final SchemaValidator schemas;

    private SecretDriver(SecretStore store, SchemaValidator schemas) {
        this.store = store;
        this.schemas = schemas;
    }

    /**
     * The driver of the secrets kept in {@code dir}, with the persistent ones read back.
     *
     * @param schemas what checks secret.rng for VIR_SECRET_DEFINE_VALIDATE
     */
    public static SecretDriver load(Path dir, SchemaValidator schemas) {
        SecretDriver d = new SecretDriver(new SecretStore(dir), schemas);
        for (SecretStore.Loaded l : d.store.loadAll()) {
            d.secrets.put(l.def().uuid(), new Entry(l.def(), l.value()));
        }
        return d;
    }

    /** The calls of one client connection. */
    public SecretConnection connect() {
        return new SecretConnection(this);
    }

    /** The folder the persistent secrets live in. */
    public Path folder() {
        return store.dir();
    }

    SchemaValidator schemas() {
        return schemas;
    }

    EventBus events() {
        return events;
    }

    int count() {
        return secrets.size();
    }

    /** Every secret, by UUID (the order virsh would sort them in anyway). */
    List<SecretDef> all() {
        List<SecretDef> out = new ArrayList<>();
        for (Entry e : secrets.values()) {
            out.add(e.def());
        }
        out.sort(Comparator.comparing(SecretDef::uuid));
        return out;
    }

    SecretDef byUuid(byte[] uuid) {
        return entry(uuid).def();
    }

    SecretDef byUsage(int usageType, String usageId) {
        SecretDef d = findUsage(usageType, usageId);
        if (d == null) {
            throw VirException.of(VirErrorNumber.NO_SECRET, S, "no secret with matching usage '" + usageId + "'");
        }
        return d;
    }

    /** secretGetValue for a client: never a private secret's value. */
    byte[] value(byte[] uuid) {
        Entry e = entry(uuid);
        if (e.def().isPrivate()) {
            throw VirException.of(VirErrorNumber.INVALID_SECRET, S, "secret is private");
        }
        if (e.value() == null) {
            throw VirException.of(VirErrorNumber.NO_SECRET, S,
                    "secret '" + e.def().uuid() + "' does not have a value");
        }
        return e.value().clone();
    }

    /** secretDefineXML after the flags check: virSecretObjListAdd, then the files. */
    SecretRef define(SecretDef def) {
        String key = def.uuid();
        synchronized (writeLock) {
            Entry old = secrets.get(key);
            if (old != null) {
                if (!Objects.equals(old.def().usageId(), def.usageId())) {
                    throw VirException.internalError(S, "a secret with UUID " + key + " is already defined for use with "
                            + old.def().usageId());
                }
                if (old.def().isPrivate() && !def.isPrivate()) {
                    throw VirException.internalError(S, "cannot change private flag on existing secret");
                }
            } else {
                SecretDef same = findUsage(def.usageType(), def.usageId());
                if (same != null) {
                    throw VirException.internalError(S, "a secret with UUID " + same.uuid()
                            + " already defined for use with " + def.usageId());
                }
            }
            byte[] value = old == null ? null : old.value();
            if (!def.ephemeral()) {
                if (old != null && old.def().ephemeral() && value != null) {
                    store.saveValue(def, value);
                }
                try {
                    store.saveConfig(def);
                } catch (VirException e) {
                    if (old != null && old.def().ephemeral()) {
                        store.deleteValue(def);
                    }
                    throw e;
                }
            } else if (old != null && !old.def().ephemeral()) {
                store.deleteConfig(def);
                store.deleteValue(def);
            }
            secrets.put(key, new Entry(def, value));
            events.post(new SecretEvent.Lifecycle(def.ref(), SecretEvent.DEFINED, 0));
        }
        events.dispatch();
        return def.ref();
    }

    /** secretSetValue: the file first (persistent secrets), then memory. */
    void setValue(byte[] uuid, byte[] value) {
        synchronized (writeLock) {
            Entry e = entry(uuid);
            if (!e.def().ephemeral()) {
                store.saveValue(e.def(), value);
            }
            secrets.put(e.def().uuid(), new Entry(e.def(), value.clone()));
            events.post(new SecretEvent.ValueChanged(e.def().ref()));
        }
        events.dispatch();
    }

    /** secretUndefine: the definition file, then the value file, then memory. */
    void undefine(byte[] uuid) {
        synchronized (writeLock) {
            Entry e = entry(uuid);
            store.deleteConfig(e.def());
            store.deleteValue(e.def());
            secrets.remove(e.def().uuid());
            events.post(new SecretEvent.Lifecycle(e.def().ref(), SecretEvent.UNDEFINED, 0));
        }
        events.dispatch();
    }

    private Entry entry(byte[] uuid) {
        String key = Uuids.format(uuid);
        Entry e = secrets.get(key);
        if (e == null) {
            throw VirException.of(VirErrorNumber.NO_SECRET, S, "no secret with matching uuid '" + key + "'");
        }
        return e;
    }

    /** virSecretObjSearchUsage: usage none never matches. */
    private SecretDef findUsage(int usageType, String usageId) {
        if (usageType == SecretRef.USAGE_NONE) {
            return null;
        }
        for (Entry e : secrets.values()) {
            if (e.def().usageType() == usageType && Objects.equals(e.def().usageId(), usageId)) {
                return e.def();
            }
        }
        return null;
    }
}
