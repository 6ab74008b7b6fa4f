package io.jvirtd.model.domain;

/**
 * libvirt's virDomainObjMatchFilter: which domains virConnectListAllDomains answers for a set of
 * {@code virConnectListAllDomainsFlags}, for every driver. Each pair of opposite flags (active
 * and inactive, persistent and transient, ...) filters only when one or both are set; with both
 * set it lets every domain through. Stateless.
 */
public final class DomainListFilter {

    public static final int ACTIVE = 1;
    public static final int INACTIVE = 1 << 1;
    public static final int PERSISTENT = 1 << 2;
    public static final int TRANSIENT = 1 << 3;
    public static final int RUNNING = 1 << 4;
    public static final int PAUSED = 1 << 5;
    public static final int SHUTOFF = 1 << 6;
    public static final int OTHER = 1 << 7;
    public static final int MANAGEDSAVE = 1 << 8;
    public static final int NO_MANAGEDSAVE = 1 << 9;
    public static final int AUTOSTART = 1 << 10;
    public static final int NO_AUTOSTART = 1 << 11;
    public static final int HAS_SNAPSHOT = 1 << 12;
    public static final int NO_SNAPSHOT = 1 << 13;
    public static final int HAS_CHECKPOINT = 1 << 14;
    public static final int NO_CHECKPOINT = 1 << 15;
    /** The active, persistent and state filters: what virConnectGetAllDomainStats takes of these flags. */
    public static final int ACTIVE_PERSISTENT_STATE = ACTIVE | INACTIVE | PERSISTENT | TRANSIENT | RUNNING | PAUSED
            | SHUTOFF | OTHER;
    /** VIR_CONNECT_LIST_DOMAINS_FILTERS_ALL: every flag the call accepts. */
    public static final int ALL = 0xffff;

    /** What the filter looks at, read by the driver under the domain's lock. */
    public record Facts(boolean active, boolean persistent, DomainState state, boolean managedSave,
                        boolean autostart, int snapshots, int checkpoints) {
    }

    private DomainListFilter() {
    }

    public static boolean matches(Facts d, int f) {
        DomainState st = d.state();
        boolean other = st != DomainState.RUNNING && st != DomainState.PAUSED && st != DomainState.SHUTOFF;
        return pair(f, ACTIVE, d.active(), INACTIVE)
                && pair(f, PERSISTENT, d.persistent(), TRANSIENT)
                && ((f & (RUNNING | PAUSED | SHUTOFF | OTHER)) == 0
                    || (f & RUNNING) != 0 && st == DomainState.RUNNING
                    || (f & PAUSED) != 0 && st == DomainState.PAUSED
                    || (f & SHUTOFF) != 0 && st == DomainState.SHUTOFF
                    || (f & OTHER) != 0 && other)
                && pair(f, MANAGEDSAVE, d.managedSave(), NO_MANAGEDSAVE)
                && pair(f, AUTOSTART, d.autostart(), NO_AUTOSTART)
                && pair(f, HAS_SNAPSHOT, d.snapshots() > 0, NO_SNAPSHOT)
                && pair(f, HAS_CHECKPOINT, d.checkpoints() > 0, NO_CHECKPOINT);
    }

    /** A pair of opposite flags: no filter unless one is set; then the domain must match a set one. */
    private static boolean pair(int f, int yes, boolean has, int no) {
        return (f & (yes | no)) == 0 || (f & yes) != 0 && has || (f & no) != 0 && !has;
    }
}
