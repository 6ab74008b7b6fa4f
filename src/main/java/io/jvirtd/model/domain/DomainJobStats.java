package io.jvirtd.model.domain;

import io.jvirtd.model.TypedParameter;

import java.util.List;

/** virDomainGetJobStats' answer: the virDomainJobType and the job's typed parameters. */
public record DomainJobStats(int type, List<TypedParameter> params) {
    public DomainJobStats {
        params = List.copyOf(params);
    }
}
