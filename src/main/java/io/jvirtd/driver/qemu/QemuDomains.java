package io.jvirtd.driver.qemu;

import io.jvirtd.driver.common.DomainObjList;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainListAdd;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.spi.DriverEventLoop;

import java.util.List;

/**
 * The driver's domains: a {@link DomainObjList} (libvirt's {@code virDomainObjList}, shared with
 * the mock host) plus libvirt's QEMU lookup error and the add checks. Thread-safe: lookups take
 * no lock and re-check the candidate under its monitor; adding checks name and UUID under this
 * object's monitor (then the candidate's), and membership changes take the list's bookkeeping
 * lock after the domain's monitor, never before.
 */
final class QemuDomains {

    private final DomainObjList<QemuDomain> list = new DomainObjList<>(d -> d.seq);
    /** Where running guests hold their idle-exit inhibitions; set once at the driver's start. */
    private volatile DriverEventLoop loop;

    /** Every domain, in creation order. */
    List<QemuDomain> all() {
        return list.all();
    }

    /** virDomainObjListFindByUUID for a ref, with libvirt's QEMU error when it is gone. */
    QemuDomain get(DomainRef ref) {
        QemuDomain d = list.byUuid(ref.uuid());
        if (d == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.QEMU,
                    "no domain with matching uuid '" + ref.uuidString() + "' (" + ref.name() + ")");
        }
        return d;
    }

    QemuDomain byUuidOrNull(byte[] uuid) {
        return list.byUuid(uuid);
    }

    QemuDomain byName(String name) {
        return list.byName(name);
    }

    /** The running domain with this id, or null. */
    QemuDomain byId(int id) {
        QemuDomain d = list.byId(id);
        if (d == null) {
            return null;
        }
        synchronized (d) {
            return d.liveDef != null && d.id == id ? d : null;
        }
    }

    /** A fresh running id: ids increase per daemon. */
    int allocateId() {
        return list.allocateId();
    }

    /** A reattached domain runs as {@code id}: later ids are larger. */
    void reserveIdsThrough(int id) {
        list.reserveIdsThrough(id);
    }

    /** Sets {@code d}'s running id ({@code -1}: not running) and its entry in the id map. Caller holds d's monitor. */
    void setRunId(QemuDomain d, int id) {
        assert Thread.holdsLock(d);
        boolean wasRunning = d.id >= 0;
        list.clearId(d, d.id);
        d.id = id;
        if (id >= 0) {
            list.setId(d, id);
        }
        DriverEventLoop l = loop;
        if (l != null && wasRunning != (id >= 0)) {
            l.inhibitIdleExit(id >= 0); // queued to the loop: safe under the domain's monitor
        }
    }

    /**
     * From now on each running guest holds one inhibition of the daemon's idle exit on
     * {@code loop}, as libvirt's QEMU driver inhibits its daemon's shutdown while guests run.
     * Called once, before the first guest starts or is reattached.
     */
    void inhibitIdleExitOn(DriverEventLoop loop) {
        this.loop = loop;
    }

    /**
     * Finds the domain {@code def} names or adds a new one (virDomainObjListAdd's checks): the
     * same UUID under another name, or the same name under another UUID, is an error.
     */
    synchronized QemuDomain addOrFind(DomainDef def, boolean refuseActive) {
        QemuDomain other = list.byUuid(def.uuid());
        if (other == null) {
            other = list.byName(def.name());
        }
        if (other != null) {
            synchronized (other) {
                DomainListAdd.check(def.name(), def.uuid(), other.name(), other.uuid, refuseActive,
                        other.liveDef != null, other.persistentDef != null);
            }
            return other;
        }
        QemuDomain d = new QemuDomain(list.nextSeq(), def.uuid());
        d.persistentDef = def;
        list.addIfAbsent(d, d.uuid, def.name());
        return d;
    }

    /** Moves {@code d} from {@code oldName} to {@code newName}; false when that name is taken. */
    boolean rename(QemuDomain d, String oldName, String newName) {
        return list.rename(d, oldName, newName);
    }

    /** Drops {@code d} (known as {@code name}) from the list. Caller holds d's monitor. */
    void remove(QemuDomain d, String name) {
        list.remove(d, d.uuid, name, d.id);
    }
}
