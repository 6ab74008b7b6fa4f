package io.jvirtd.model.domain;

/**
 * One {@code virVcpuInfo}: vCPU number, virVcpuState (0 offline, 1 running, 2 blocked), CPU time
 * in nanoseconds and the host CPU it runs on (-1 when offline).
 */
public record VcpuInfo(int number, int state, long cpuTime, int cpu) {
    public static final int STATE_OFFLINE = 0;
    public static final int STATE_RUNNING = 1;
    public static final int STATE_BLOCKED = 2;
}
