package io.jvirtd.model.domain;

/**
 * virDomainGetControlInfo's {@code virDomainControlInfo}: a virDomainControlState, its
 * virDomainControlErrorReason details, and milliseconds spent in that state.
 */
public record DomainControlInfo(int state, int details, long stateTime) {
    /** VIR_DOMAIN_CONTROL_OK. */
    public static final int OK = 0;
    /** VIR_DOMAIN_CONTROL_JOB. */
    public static final int JOB = 1;
    /** VIR_DOMAIN_CONTROL_OCCUPIED. */
    public static final int OCCUPIED = 2;
    /** VIR_DOMAIN_CONTROL_ERROR. */
    public static final int ERROR = 3;
}
