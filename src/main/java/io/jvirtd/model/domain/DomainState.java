package io.jvirtd.model.domain;

/** libvirt's {@code virDomainState}, with its wire numbers. Reasons are in {@link StateReason}. */
public enum DomainState {
    NOSTATE(0),
    RUNNING(1),
    BLOCKED(2),
    PAUSED(3),
    SHUTDOWN(4),
    SHUTOFF(5),
    CRASHED(6),
    PMSUSPENDED(7);

    private final int number;

    DomainState(int number) {
        this.number = number;
    }

    /** The {@code VIR_DOMAIN_*} value. */
    public int number() {
        return number;
    }

    /** The state with this number, or {@code null}. */
    public static DomainState byNumber(int number) {
        return number >= 0 && number < values().length ? values()[number] : null;
    }

    /**
     * virDomainObjIsActive's view of a state: everything but SHUTOFF (and NOSTATE, which libvirt
     * never leaves a defined domain in) has a running process.
     */
    public boolean isActive() {
        return this != SHUTOFF && this != NOSTATE;
    }
}
