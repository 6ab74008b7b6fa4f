package io.jvirtd.model.domain;

import java.util.Objects;

/** One {@code virDomainIOThreadInfo}: the IOThread id and its CPU affinity map. */
public record IoThreadInfo(int iothreadId, byte[] cpumap) {
    public IoThreadInfo {
        Objects.requireNonNull(cpumap, "cpumap");
    }
}
