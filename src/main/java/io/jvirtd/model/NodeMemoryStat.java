package io.jvirtd.model;

import java.util.Objects;

/**
 * One entry of {@code virNodeGetMemoryStats}: a field such as {@link #TOTAL} and its value in
 * KiB. C unsigned long long: keep the bit pattern.
 */
public record NodeMemoryStat(String field, long value) {
    public static final String TOTAL = "total";
    public static final String FREE = "free";
    public static final String BUFFERS = "buffers";
    public static final String CACHED = "cached";

    /** {@code cellNum} meaning "all cells together". */
    public static final int ALL_CELLS = -1;

    public NodeMemoryStat {
        Objects.requireNonNull(field, "field");
    }
}
