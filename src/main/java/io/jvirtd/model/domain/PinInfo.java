package io.jvirtd.model.domain;

import java.util.Objects;

/**
 * The CPU maps answered by virDomainGetVcpuPinInfo (one map of {@code maplen} bytes per vCPU,
 * {@code count} of them) and virDomainGetEmulatorPinInfo ({@code count} 1 with one map, or 0).
 */
public record PinInfo(int count, byte[] cpumaps) {
    public PinInfo {
        Objects.requireNonNull(cpumaps, "cpumaps");
    }
}
