package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;

/**
 * libvirt's {@code virDomainObjGetDefs}: which definitions a call with
 * {@code VIR_DOMAIN_AFFECT_LIVE / CONFIG / CURRENT} flags changes, with its errors (an inactive
 * domain cannot take LIVE, a transient one has no CONFIG). {@code live} is the running
 * definition itself (change it only under the domain's lock); {@code persistent} is a copy of
 * the persistent one, to change, then to save and put in place with {@link #savePersistent}.
 * Immutable; built by a worker holding the domain's job.
 */
record AffectedDefs(DomainDef live, DomainDef persistent) {

    static final int AFFECT_LIVE = 1;
    static final int AFFECT_CONFIG = 2;

    /** Resolves {@code flags} against the domain's state now. */
    static AffectedDefs resolve(QemuDomain d, int flags) {
        synchronized (d) {
            flags = impact(d, flags);
            DomainDef pers = (flags & AFFECT_CONFIG) != 0 ? d.persistentDef : null;
            return new AffectedDefs((flags & AFFECT_LIVE) != 0 ? d.liveDef : null, pers != null ? pers.copy() : null);
        }
    }

    /**
     * virDomainObjGetOneDefState: the one definition a query with these flags reads (the
     * running one, or the persistent one for CONFIG); LIVE and CONFIG together are refused.
     * Caller holds d; the answer is the domain's own object, to read under that lock.
     */
    static DomainDef oneDef(QemuDomain d, int flags) {
        assert Thread.holdsLock(d);
        if ((flags & AFFECT_LIVE) != 0 && (flags & AFFECT_CONFIG) != 0) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN,
                    "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive");
        }
        return (impact(d, flags) & AFFECT_LIVE) != 0 ? d.liveDef : d.persistentDef;
    }

    /**
     * virDomainObjUpdateModificationImpact: CURRENT made LIVE or CONFIG, with its errors; the
     * other bits of {@code flags} are kept. Takes d's monitor (callers may hold it already).
     */
    static int impact(QemuDomain d, int flags) {
        boolean active;
        boolean persistent;
        synchronized (d) {
            active = d.liveDef != null;
            persistent = d.persistentDef != null;
        }
        if ((flags & (AFFECT_LIVE | AFFECT_CONFIG)) == 0) {
            flags |= active ? AFFECT_LIVE : AFFECT_CONFIG;
        }
        // virDomainObjUpdateModificationImpact's errors are the domain config's
        if (!active && (flags & AFFECT_LIVE) != 0) {
            throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
        }
        if (!persistent && (flags & AFFECT_CONFIG) != 0) {
            throw VirException.operationInvalid(VirErrorDomain.DOMAIN,
                    "transient domains do not have any persistent config");
        }
        return flags;
    }

    /**
     * Saves the changed persistent copy and puts it in place ({@link QemuLifecycle#savePersistent}:
     * a define meanwhile goes wholly before or after it, never between file and memory).
     */
    void savePersistent(QemuLifecycle life, QemuDomain d) {
        life.savePersistent(d, persistent);
    }
}
