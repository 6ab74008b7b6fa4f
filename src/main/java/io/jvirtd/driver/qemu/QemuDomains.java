package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.Uuids;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's domains, by UUID (libvirt's {@code virDomainObjList}). Thread-safe: a concurrent
 * map; adding checks name and UUID under the list's own lock, held only for the check.
 */
final class QemuDomains {

    private final Map<String, QemuDomain> byUuid = new ConcurrentHashMap<>();

    List<QemuDomain> all() {
        return new ArrayList<>(byUuid.values());
    }

    /** virDomainObjListFindByUUID for a ref, with libvirt's QEMU error when it is gone. */
    QemuDomain get(DomainRef ref) {
        QemuDomain d = byUuid.get(Uuids.format(ref.uuid()));
        if (d == null) {
            throw VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.QEMU,
                    "no domain with matching uuid '" + ref.uuidString() + "' (" + ref.name() + ")");
        }
        return d;
    }

    QemuDomain byUuidOrNull(byte[] uuid) {
        return byUuid.get(Uuids.format(uuid));
    }

    QemuDomain byName(String name) {
        for (QemuDomain d : byUuid.values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    QemuDomain byId(int id) {
        for (QemuDomain d : byUuid.values()) {
            synchronized (d) {
                if (d.liveDef != null && d.id == id) {
                    return d;
                }
            }
        }
        return null;
    }

    /**
     * Finds the domain {@code def} names or adds a new one (virDomainObjListAdd's checks): the
     * same UUID under another name, or the same name under another UUID, is an error.
     */
    synchronized QemuDomain addOrFind(DomainDef def, boolean refuseActive) {
        QemuDomain same = byUuidOrNull(def.uuid());
        if (same != null) {
            String existing = same.name();
            if (!existing.equals(def.name())) {
                throw VirException.format(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                        "domain '%s' is already defined with uuid %s", existing, Uuids.format(def.uuid()));
            }
            if (refuseActive && same.isActive()) {
                throw VirException.format(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.QEMU,
                        "domain '%s' is already active", def.name());
            }
            return same;
        }
        QemuDomain named = byName(def.name());
        if (named != null) {
            throw VirException.format(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                    "domain '%s' already exists with uuid %s", def.name(), Uuids.format(named.uuid));
        }
        QemuDomain d = new QemuDomain(def.uuid());
        d.persistentDef = def;
        byUuid.put(Uuids.format(def.uuid()), d);
        return d;
    }

    void remove(QemuDomain d) {
        byUuid.remove(Uuids.format(d.uuid), d);
    }
}
