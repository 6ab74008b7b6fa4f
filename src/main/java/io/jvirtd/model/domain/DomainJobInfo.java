package io.jvirtd.model.domain;

/** virDomainGetJobInfo's {@code virDomainJobInfo}: a virDomainJobType and its progress. */
public record DomainJobInfo(int type, long timeElapsed, long timeRemaining,
                            long dataTotal, long dataProcessed, long dataRemaining,
                            long memTotal, long memProcessed, long memRemaining,
                            long fileTotal, long fileProcessed, long fileRemaining) {
    public static final int TYPE_NONE = 0;
    public static final int TYPE_BOUNDED = 1;
    public static final int TYPE_UNBOUNDED = 2;
    public static final int TYPE_COMPLETED = 3;
    public static final int TYPE_FAILED = 4;
    public static final int TYPE_CANCELLED = 5;
}
