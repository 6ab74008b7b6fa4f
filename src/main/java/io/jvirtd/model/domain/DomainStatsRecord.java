package io.jvirtd.model.domain;

import io.jvirtd.model.TypedParameter;

import java.util.List;
import java.util.Objects;

/** One {@code virDomainStatsRecord} of virConnectGetAllDomainStats: a domain and its stats. */
public record DomainStatsRecord(DomainRef domain, List<TypedParameter> params) {
    public DomainStatsRecord {
        Objects.requireNonNull(domain, "domain");
        params = List.copyOf(params);
    }
}
