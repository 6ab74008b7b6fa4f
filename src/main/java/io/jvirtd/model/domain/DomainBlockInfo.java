package io.jvirtd.model.domain;

/** virDomainGetBlockInfo's {@code virDomainBlockInfo}, in bytes. */
public record DomainBlockInfo(long capacity, long allocation, long physical) {
}
