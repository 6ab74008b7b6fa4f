package io.jvirtd.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * What {@code virNodeGetCPUMap} returns: a bitmap of online CPUs (bit {@code i % 8} of byte
 * {@code i / 8} is CPU {@code i}), how many are online and how many exist.
 *
 * <p>The array is copied in and out, so the record stays immutable and shareable.
 */
public record NodeCpuMap(byte[] map, int online, int total) {
    public NodeCpuMap {
        map = Objects.requireNonNull(map, "map").clone();
    }

    @Override
    public byte[] map() {
        return map.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeCpuMap other && online == other.online && total == other.total
                && Arrays.equals(map, other.map);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(map) + online) + total;
    }

    @Override
    public String toString() {
        return "NodeCpuMap[map=" + Arrays.toString(map) + ", online=" + online + ", total=" + total + "]";
    }
}
