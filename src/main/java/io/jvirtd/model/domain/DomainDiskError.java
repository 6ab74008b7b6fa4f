package io.jvirtd.model.domain;

import java.util.Objects;

/** One {@code virDomainDiskError}: disk target and virDomainDiskErrorCode (1 unspec, 2 no space). */
public record DomainDiskError(String disk, int error) {
    public static final int NONE = 0;
    public static final int UNSPEC = 1;
    public static final int NO_SPACE = 2;

    public DomainDiskError {
        Objects.requireNonNull(disk, "disk");
    }
}
