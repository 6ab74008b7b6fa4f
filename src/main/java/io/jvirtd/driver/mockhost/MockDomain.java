package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.common.Moments;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.CheckpointDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.SnapshotDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One domain of a test host: libvirt's {@code virDomainObj} with the test driver's private data
 * ({@code testDomainObjPrivate}): definitions, run state, autostart, managed-save flag, frozen
 * file systems, guest time, IOThread poll values, taint messages, snapshots and checkpoints.
 *
 * <p>Thread safety: every mutable field is guarded by {@link #lock}, which callers take through
 * {@link DomainAccess}. The lock guards bookkeeping only: XML is formatted from a copy after the
 * lock is released, and no file I/O happens under it. Lock order: a domain's lock, then the
 * host's {@code DomainObjList} lock (never the other way round); never two domain locks at once.
 */
final class MockDomain {

    /** Creation order on the host: listings answer in this order. */
    final long seq;
    /** Private: every release goes through unlock() or unlockUnchanged(), which keep the XML cache honest. */
    private final ReentrantLock lock = new ReentrantLock();

    /** The live definition (or the only one while inactive). Guarded by lock. */
    DomainDef def;
    /** The persistent definition while a persistent domain runs ({@code newDef}). Guarded by lock. */
    DomainDef newDef;
    /** Guarded by lock. */
    boolean persistent;
    /** Guarded by lock. */
    DomainState state = DomainState.SHUTOFF;
    /** Guarded by lock. */
    int reason;
    /** Guarded by lock. */
    boolean autostart;
    /** Guarded by lock. */
    boolean hasManagedSave;
    /** Set once the domain left the host's lists; a stale handle then finds nothing. Guarded by lock. */
    boolean removed;
    /** The "/" and "/boot" file systems frozen by virDomainFSFreeze. Guarded by lock. */
    final boolean[] frozen = new boolean[2];
    /** Guest time (virDomainGetTime/SetTime): test_driver.c starts every domain at 627319920. */
    long seconds = 627319920L;
    /** Guarded by lock. */
    int nseconds;
    /** The IOThreads' poll values, in the order they were added. Guarded by lock. */
    final List<IoThreadPoll> iothreads = new ArrayList<>();
    /** virDomainTaintFlags bits. Guarded by lock. */
    int taint;
    /** Deprecation messages. Guarded by lock. */
    final List<String> deprecations = new ArrayList<>();
    /** Guarded by lock. */
    final Moments<SnapshotDef> snapshots = new Moments<>();
    /** Guarded by lock. */
    final Moments<CheckpointDef> checkpoints = new Moments<>();

    /** test_driver.c's {@code testIOThreadInfo}. */
    static final class IoThreadPoll {
        final int id;
        long pollMaxNs = 32768;
        int pollGrow;
        int pollShrink;

        IoThreadPoll(int id) {
            this.id = id;
        }
    }

    /**
     * Counts the lock holds that may have changed this domain: {@link #unlock} bumps it,
     * {@link #unlockUnchanged} (after a step that only read) does not. Guarded by lock.
     */
    private long version;
    /**
     * The XML of recent virDomainGetXMLDesc calls, one slot per combination of the XML flags,
     * each valid while its version is the domain's. Formatting is most of a GetXMLDesc call
     * (issue 7's profile: 87 % of the workers' time), and a domain's XML changes far less often
     * than clients ask for it. Entries are written after the lock is released (formatting
     * happens outside it), hence the atomic array; a stale entry is harmless, the version check
     * under the lock rejects it.
     */
    private final AtomicReferenceArray<FormattedXml> formatted =
            new AtomicReferenceArray<>(Flags.XML_COMMON + 1);

    /** One formatted XML document and the domain version it was formatted from. */
    record FormattedXml(long version, String xml) {
    }

    MockDomain(long seq, DomainDef def) {
        this.seq = seq;
        this.def = def;
    }

    void lock() {
        lock.lock();
    }

    /** Releases the lock after a step that may have changed the domain. */
    void unlock() {
        version++;
        lock.unlock();
    }

    /** Releases the lock after a step that only read the domain: cached XML stays valid. */
    void unlockUnchanged() {
        lock.unlock();
    }

    /** The current version, for {@link #cacheXml}. */
    long version() {
        assert lock.isHeldByCurrentThread();
        return version;
    }

    /** The XML formatted for {@code flags} (XML_COMMON bits only) if nothing changed since, else null. */
    String cachedXml(int flags) {
        assert lock.isHeldByCurrentThread();
        FormattedXml f = formatted.get(flags);
        return f != null && f.version() == version ? f.xml() : null;
    }

    /** Remembers the XML formatted for {@code flags} from the domain as it was at {@code atVersion}. */
    void cacheXml(int flags, long atVersion, String xml) {
        formatted.set(flags, new FormattedXml(atVersion, xml));
    }

    /** virDomainObjIsActive: a domain is active while its definition carries an id. */
    boolean isActive() {
        assert lock.isHeldByCurrentThread();
        return def.id() != DomainRef.NO_ID;
    }

    /** The handle clients get for this domain now. */
    DomainRef ref() {
        assert lock.isHeldByCurrentThread();
        return new DomainRef(def.name(), def.uuid(), def.id());
    }

    String name() {
        return def.name();
    }

    void setState(DomainState newState, int newReason) {
        state = newState;
        reason = newReason;
    }

    /**
     * virDomainObjSetDefTransient: a running persistent domain keeps its persistent definition
     * in {@link #newDef}, a copy taken when it started.
     */
    void setDefTransient() {
        if (persistent && newDef == null) {
            newDef = def.copy();
        }
    }

    /**
     * virDomainObjRemoveTransientDef: the persistent definition becomes the current one again,
     * without an id.
     */
    void removeTransientDef() {
        if (newDef == null) {
            return;
        }
        def = newDef;
        newDef = null;
        def.setId(DomainRef.NO_ID);
    }

    /** virDomainObjGetPersistentDef: the definition a CONFIG change affects. */
    DomainDef persistentDef() {
        if (isActive()) {
            setDefTransient();
        }
        return newDef != null ? newDef : def;
    }

    /**
     * virDomainObjUpdateModificationImpact: resolves VIR_DOMAIN_AFFECT_CURRENT to LIVE or CONFIG
     * and checks the combination against the domain (errors in domain DOMAIN, as domain_conf.c).
     */
    int updateModificationImpact(int flags) {
        boolean active = isActive();
        if ((flags & (Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG)) == Flags.AFFECT_CURRENT) {
            flags |= active ? Flags.AFFECT_LIVE : Flags.AFFECT_CONFIG;
        }
        if (!active && (flags & Flags.AFFECT_LIVE) != 0) {
            throw notRunning();
        }
        if (!persistent && (flags & Flags.AFFECT_CONFIG) != 0) {
            throw VirException.operationInvalid(VirErrorDomain.DOMAIN,
                    "transient domains do not have any persistent config");
        }
        return flags;
    }

    /**
     * virDomainObjGetOneDefState: the one definition {@code flags} selects (LIVE and CONFIG
     * together are an error).
     */
    DomainDef oneDef(int flags) {
        if ((flags & Flags.AFFECT_LIVE) != 0 && (flags & Flags.AFFECT_CONFIG) != 0) {
            throw DomainAccess.invalidArgRaw(VirErrorDomain.DOMAIN, "virDomainObjGetOneDefState",
                    "flags", "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive");
        }
        flags = updateModificationImpact(flags);
        if (isActive() && (flags & Flags.AFFECT_CONFIG) != 0) {
            return persistentDef();
        }
        return def;
    }

    /** Whether {@link #oneDef} with these flags picks the live definition. */
    boolean oneDefIsLive(int flags) {
        return (updateModificationImpact(flags) & Flags.AFFECT_LIVE) != 0;
    }

    /**
     * virDomainObjGetDefs: {@code [live, persistent]}, each null when {@code flags} do not
     * ask to change it.
     */
    DomainDef[] defs(int flags) {
        flags = updateModificationImpact(flags);
        DomainDef live = null;
        DomainDef config = null;
        if (isActive()) {
            if ((flags & Flags.AFFECT_LIVE) != 0) {
                live = def;
            }
            if ((flags & Flags.AFFECT_CONFIG) != 0) {
                config = persistentDef();
            }
        } else {
            config = def;
        }
        return new DomainDef[] {live, config};
    }

    /** Puts {@code fresh} where {@code old} was (the live or the persistent definition). */
    void replaceDef(DomainDef old, DomainDef fresh) {
        if (def == old) {
            def = fresh;
        } else if (newDef == old) {
            newDef = fresh;
        } else {
            throw new IllegalStateException("definition does not belong to domain " + name());
        }
    }

    /** virDomainObjCheckActive. */
    void checkActive() {
        if (!isActive()) {
            throw notRunning();
        }
    }

    /** VIR_ERR_OPERATION_INVALID "domain is not running", raised by domain_conf.c (domain DOMAIN). */
    static VirException notRunning() {
        return VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
    }

    /** testDomObjFromDomain's error for a handle whose domain is gone. */
    static VirException noDomain(DomainRef ref) {
        return VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.TEST,
                "no domain with matching uuid '" + ref.uuidString() + "' (" + ref.name() + ")");
    }
}
