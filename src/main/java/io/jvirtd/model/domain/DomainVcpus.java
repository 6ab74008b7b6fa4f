package io.jvirtd.model.domain;

import java.util.List;
import java.util.Objects;

/**
 * virDomainGetVcpus's answer: up to {@code maxinfo} entries and, when the caller asked for maps
 * ({@code maplen > 0}), {@code info.size() * maplen} bytes of CPU maps, one per entry.
 */
public record DomainVcpus(List<VcpuInfo> info, byte[] cpumaps) {
    public DomainVcpus {
        info = List.copyOf(info);
        Objects.requireNonNull(cpumaps, "cpumaps");
    }
}
