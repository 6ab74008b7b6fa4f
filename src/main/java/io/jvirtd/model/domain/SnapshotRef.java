package io.jvirtd.model.domain;

import java.util.Objects;

/** A snapshot handle ({@code virDomainSnapshotPtr}): its name and its domain. Immutable. */
public record SnapshotRef(String name, DomainRef domain) {
    public SnapshotRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
    }
}
