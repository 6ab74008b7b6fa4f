package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;

/**
 * libvirt's {@code virDomainObjGetDefs}: which definitions a call with
 * {@code VIR_DOMAIN_AFFECT_LIVE / CONFIG / CURRENT} flags changes, with its errors (an inactive
 * domain cannot take LIVE, a transient one has no CONFIG). {@code live} is the running
 * definition itself (change it only under the domain's lock); {@code persistent} is a copy of
 * the persistent one, to change and save, then to put in place with {@link #commitPersistent}.
 * Immutable; built by a worker holding the domain's job.
 */
record AffectedDefs(DomainDef live, DomainDef persistent, DomainDef persistentBefore) {

    static final int AFFECT_LIVE = 1;
    static final int AFFECT_CONFIG = 2;

    /** Resolves {@code flags} against the domain's state now. */
    static AffectedDefs resolve(QemuDomain d, int flags) {
        synchronized (d) {
            boolean active = d.liveDef != null;
            if ((flags & (AFFECT_LIVE | AFFECT_CONFIG)) == 0) {
                flags |= active ? AFFECT_LIVE : AFFECT_CONFIG;
            }
            // virDomainObjUpdateModificationImpact's errors are the domain config's
            if (!active && (flags & AFFECT_LIVE) != 0) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            if (d.persistentDef == null && (flags & AFFECT_CONFIG) != 0) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN,
                        "transient domains do not have any persistent config");
            }
            DomainDef pers = (flags & AFFECT_CONFIG) != 0 ? d.persistentDef : null;
            return new AffectedDefs((flags & AFFECT_LIVE) != 0 ? d.liveDef : null,
                    pers != null ? pers.copy() : null, pers);
        }
    }

    /** Puts the changed persistent copy in place (after it was saved), unless a define replaced it meanwhile. */
    void commitPersistent(QemuDomain d) {
        synchronized (d) {
            if (d.persistentDef == persistentBefore) {
                d.persistentDef = persistent;
            }
        }
    }
}
