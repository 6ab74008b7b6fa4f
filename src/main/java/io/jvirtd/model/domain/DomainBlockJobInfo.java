package io.jvirtd.model.domain;

/**
 * virDomainGetBlockJobInfo's {@code virDomainBlockJobInfo}: the job's virDomainBlockJobType,
 * its bandwidth (MiB/s, or bytes/s with VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES) and its
 * progress {@code cur} of {@code end}.
 */
public record DomainBlockJobInfo(int type, long bandwidth, long cur, long end) {
}
