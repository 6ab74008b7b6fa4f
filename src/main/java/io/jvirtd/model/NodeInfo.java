package io.jvirtd.model;

import java.util.Objects;

/**
 * libvirt's {@code virNodeInfo}: what {@code virNodeGetInfo} reports about the host.
 *
 * <p>The int fields are C {@code unsigned int}s: values above {@link Integer#MAX_VALUE} keep
 * their bit pattern here (a node file may say so), which is also what goes on the wire.
 *
 * @param model      CPU model, at most 31 bytes (libvirt's fixed 32-byte buffer)
 * @param memoryKiB  memory size in KiB (C unsigned long)
 * @param cpus       number of active CPUs
 * @param mhz        expected CPU frequency
 * @param nodes      NUMA nodes (1 for uniform memory access)
 * @param sockets    CPU sockets per node
 * @param cores      cores per socket
 * @param threads    threads per core
 */
public record NodeInfo(String model, long memoryKiB, int cpus, int mhz,
                       int nodes, int sockets, int cores, int threads) {
    public NodeInfo {
        Objects.requireNonNull(model, "model");
    }
}
