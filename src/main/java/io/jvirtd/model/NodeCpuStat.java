package io.jvirtd.model;

import java.util.Objects;

/**
 * One entry of {@code virNodeGetCPUStats}: a field such as {@link #USER} and its value in
 * nanoseconds (or percent for {@link #UTILIZATION}). C unsigned long long: keep the bit pattern.
 */
public record NodeCpuStat(String field, long value) {
    /** {@code VIR_NODE_CPU_STATS_KERNEL}: virsh prints it as "system". */
    public static final String KERNEL = "kernel";
    public static final String USER = "user";
    public static final String IDLE = "idle";
    public static final String IOWAIT = "iowait";
    public static final String INTR = "intr";
    public static final String UTILIZATION = "utilization";

    /** libvirt's {@code VIR_NODE_CPU_STATS_FIELD_LENGTH} (80) includes the NUL. */
    public static final int FIELD_LENGTH = 80;

    /** {@code cpuNum} meaning "all CPUs together". */
    public static final int ALL_CPUS = -1;

    public NodeCpuStat {
        Objects.requireNonNull(field, "field");
    }
}
