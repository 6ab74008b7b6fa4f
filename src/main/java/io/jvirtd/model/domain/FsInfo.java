package io.jvirtd.model.domain;

import java.util.List;
import java.util.Objects;

/** One {@code virDomainFSInfo}: mount point, device name, file system type, disk aliases. */
public record FsInfo(String mountpoint, String name, String fstype, List<String> devAliases) {
    public FsInfo {
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fstype, "fstype");
        devAliases = List.copyOf(devAliases);
    }
}
