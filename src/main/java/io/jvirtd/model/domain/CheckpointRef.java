package io.jvirtd.model.domain;

import java.util.Objects;

/** A checkpoint handle ({@code virDomainCheckpointPtr}): its name and its domain. Immutable. */
public record CheckpointRef(String name, DomainRef domain) {
    public CheckpointRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
    }
}
