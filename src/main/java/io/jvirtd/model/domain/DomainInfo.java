package io.jvirtd.model.domain;

import java.util.Objects;

/**
 * virDomainGetInfo's {@code virDomainInfo}: state, maximum and current memory in KiB (C unsigned
 * long), number of virtual CPUs and CPU time in nanoseconds.
 */
public record DomainInfo(DomainState state, long maxMem, long memory, int nrVirtCpu, long cpuTime) {
    public DomainInfo {
        Objects.requireNonNull(state, "state");
    }
}
