package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainMetadata;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;

/**
 * virDomainSetMetadata / virDomainGetMetadata as libvirt 9.0's QEMU driver answers them
 * (qemuDomainSetMetadata, virDomainObjSetMetadata): the title, the description or a namespaced
 * element of the running definition (its status file rewritten) and/or the persistent one (its
 * config file rewritten), under the domain's job, then the METADATA_CHANGE event. The XML work is
 * the model's {@link DomainMetadata}, shared with the mock host. Stateless; worker threads; no
 * lock held across a file write.
 */
final class QemuMetadata {

    private final QemuLifecycle life;

    QemuMetadata(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainGetMetadata (virDomainObjGetMetadata: no job, the flags checked there). */
    String get(DomainRef dom, int type, String uri, int flags) {
        QemuDomain d = life.domains.get(dom);
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG, VirErrorDomain.DOMAIN,
                "virDomainObjGetMetadata");
        DomainMetadata.checkType(type);
        synchronized (d) {
            return DomainMetadata.get(AffectedDefs.oneDef(d, flags), type, uri);
        }
    }

    /** qemuDomainSetMetadata: the live definition first, then the persistent one, as libvirt. */
    void set(DomainRef dom, int type, String metadata, String key, String uri, int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetMetadata");
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            AffectedDefs defs = AffectedDefs.resolve(d, flags);
            if (defs.live() != null) {
                synchronized (d) {
                    DomainMetadata.set(defs.live(), type, metadata, key, uri);
                }
                life.saveStatus(d);
            }
            if (defs.persistent() != null) {
                DomainMetadata.set(defs.persistent(), type, metadata, key, uri);
                defs.savePersistent(life, d);
            }
            life.events.post(new DomainEvent.MetadataChange(d.ref(), type, uri));
            life.events.dispatch();
        } finally {
            d.endJob();
        }
    }
}
