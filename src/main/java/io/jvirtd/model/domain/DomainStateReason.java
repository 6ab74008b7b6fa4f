package io.jvirtd.model.domain;

import java.util.Objects;

/** virDomainGetState's answer: the state and its reason number (see {@link StateReason}). */
public record DomainStateReason(DomainState state, int reason) {
    public DomainStateReason {
        Objects.requireNonNull(state, "state");
    }
}
