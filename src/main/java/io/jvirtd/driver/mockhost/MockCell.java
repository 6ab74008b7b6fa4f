package io.jvirtd.driver.mockhost;

import java.util.List;

/**
 * One fake NUMA cell of a mock host (test_driver.c's {@code testCell}). Immutable.
 *
 * @param memoryKiB  the cell's memory; also what virNodeGetCellsFreeMemory reports for it
 *                   (a test-driver quirk: it answers {@code mem}, not {@code freeMem})
 * @param freeMemory what virNodeGetFreeMemory sums over the cells
 * @param cpus       the cell's CPUs
 */
record MockCell(long memoryKiB, long freeMemory, List<Cpu> cpus) {

    MockCell {
        cpus = List.copyOf(cpus);
    }

    /** One CPU of a cell, as the capabilities XML lists it. */
    record Cpu(int id, int socketId, int coreId, String siblings) {
    }
}
