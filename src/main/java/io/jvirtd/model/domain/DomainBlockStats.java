package io.jvirtd.model.domain;

/** virDomainBlockStats' {@code virDomainBlockStatsStruct}; -1 means "not available". */
public record DomainBlockStats(long rdReq, long rdBytes, long wrReq, long wrBytes, long errs) {
}
