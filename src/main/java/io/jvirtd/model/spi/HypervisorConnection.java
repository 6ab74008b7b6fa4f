package io.jvirtd.model.spi;

import io.jvirtd.model.NodeCpuMap;
import io.jvirtd.model.NodeCpuStat;
import io.jvirtd.model.NodeInfo;
import io.jvirtd.model.NodeMemoryStat;
import io.jvirtd.model.SecurityModel;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * One open hypervisor connection: the host- and connection-level part of libvirt's
 * {@code virHypervisorDriver}, and its families of object calls, each a driver of its own as
 * libvirt's {@code virConnectDriver} groups them: {@link #domains()} (the domain part of
 * {@code virHypervisorDriver}), {@link #networks()}, {@link #storage()}, {@link #interfaces()},
 * {@link #nodeDevices()}, {@link #secrets()}, {@link #nwfilters()}. A family the driver lacks is its
 * {@code NONE} instance (every call NO_SUPPORT, as libvirtd answers for a driver that leaves the slots
 * empty).
 *
 * <p>Each method is one public libvirt API, named in its doc. Every method has a default that
 * behaves as libvirt does when a driver leaves the slot empty, almost always
 * {@code VIR_ERR_NO_SUPPORT} in domain {@link VirErrorDomain#DOMAIN} naming the API (that is
 * where libvirt-host.c and libvirt-domain.c raise it), so a driver implements only what it
 * supports and clients degrade exactly as with libvirtd.
 *
 * <p>Arguments arrive as the public API would pass them to the driver: the daemon's program layer
 * does libvirt's public-API checks first (read-only access, non-negative/positive counts, wire
 * maxima). Driver-specific checks (flags, ranges the driver knows) are the driver's.
 * C unsigned values travel in Java ints/longs with their bit pattern.
 *
 * <p>Thread safety: the client's worker threads may call any methods of one connection
 * concurrently (a client may have several calls in flight), and several connections may share
 * host state; implementations must be thread-safe and must not hold a lock across slow work.
 * {@link #close()} may race with calls still running on other threads.
 *
 * <p>Errors: any failure a client should see is a {@link VirException}; anything else is a bug.
 */
public interface HypervisorConnection extends AutoCloseable {

    /** The driver's name ({@code virHypervisorDriver.name}); virConnectGetType falls back to it. */
    String driverName();

    /** The connection's domain driver (domains, their snapshots, checkpoints and events). */
    default DomainOps domains() {
        return DomainOps.NONE;
    }

    /** The connection's network driver. */
    default NetworkOps networks() {
        return NetworkOps.NONE;
    }

    /** The connection's storage driver (pools and volumes). */
    default StorageOps storage() {
        return StorageOps.NONE;
    }

    /** The connection's host interface driver. */
    default InterfaceOps interfaces() {
        return InterfaceOps.NONE;
    }

    /** The connection's node device driver. */
    default NodeDeviceOps nodeDevices() {
        return NodeDeviceOps.NONE;
    }

    /** The connection's secret driver. */
    default SecretOps secrets() {
        return SecretOps.NONE;
    }

    /** The connection's network filter driver (lists and lookups so far). */
    default NwfilterOps nwfilters() {
        return NwfilterOps.NONE;
    }

    /**
     * The faults this connection's host injects into the calls made on it ({@link FaultInjector});
     * {@link FaultInjector#NONE} for a real host.
     */
    default FaultInjector faults() {
        return FaultInjector.NONE;
    }

    /** virConnectGetType: the hypervisor type; libvirt uses the driver name if unimplemented. */
    default String getType() {
        return driverName();
    }

    /** virConnectGetVersion: hypervisor version as major * 1,000,000 + minor * 1,000 + micro. */
    default long getVersion() {
        throw unsupported("virConnectGetVersion");
    }

    /** virConnectGetHostname. */
    default String getHostname() {
        throw unsupported("virConnectGetHostname");
    }

    /** virConnectGetMaxVcpus; {@code type} may be null. */
    default int getMaxVcpus(String type) {
        throw unsupported("virConnectGetMaxVcpus");
    }

    /** virNodeGetInfo. */
    default NodeInfo nodeGetInfo() {
        throw unsupported("virNodeGetInfo");
    }

    /** virConnectGetCapabilities: the capabilities XML, as libvirt formats it. */
    default String getCapabilities() {
        throw unsupported("virConnectGetCapabilities");
    }

    /** virConnectGetSysinfo: the host's sysinfo XML. */
    default String getSysinfo(int flags) {
        throw unsupported("virConnectGetSysinfo");
    }

    /**
     * virNodeGetCellsFreeMemory: free memory of up to {@code maxCells} cells from
     * {@code startCell}; the array is as long as the number of cells answered.
     */
    default long[] nodeGetCellsFreeMemory(int startCell, int maxCells) {
        throw unsupported("virNodeGetCellsFreeMemory");
    }

    /** virNodeGetFreeMemory: free memory in bytes (C unsigned long long). */
    default long nodeGetFreeMemory() {
        throw unsupported("virNodeGetFreeMemory");
    }

    /**
     * virNodeGetCPUStats for one CPU or {@link NodeCpuStat#ALL_CPUS}. Returns every stat the
     * driver has; the caller answers a "how many" query (nparams 0) with the list size and
     * truncates to the client's nparams otherwise.
     */
    default List<NodeCpuStat> nodeGetCpuStats(int cpuNum, int flags) {
        throw unsupported("virNodeGetCPUStats");
    }

    /** virNodeGetMemoryStats for one cell or {@link NodeMemoryStat#ALL_CELLS}; see nodeGetCpuStats. */
    default List<NodeMemoryStat> nodeGetMemoryStats(int cellNum, int flags) {
        throw unsupported("virNodeGetMemoryStats");
    }

    /** virNodeGetCPUMap. */
    default NodeCpuMap nodeGetCpuMap(int flags) {
        throw unsupported("virNodeGetCPUMap");
    }

    /** virNodeGetSecurityModel; {@link SecurityModel#none()} when the host has none. */
    default SecurityModel nodeGetSecurityModel() {
        throw unsupported("virNodeGetSecurityModel");
    }

    /** virConnectBaselineCPU: the CPU XML that every one of {@code xmlCpus} can run. */
    default String baselineCpu(List<String> xmlCpus, int flags) {
        throw unsupported("virConnectBaselineCPU");
    }

    /** virConnectBaselineHypervisorCPU; any string argument may be null. */
    default String baselineHypervisorCpu(String emulator, String arch, String machine,
                                         String virttype, List<String> xmlCpus, int flags) {
        throw unsupported("virConnectBaselineHypervisorCPU");
    }

    /** virConnectCompareCPU: a {@code virCPUCompareResult} (-1 error, 0 incompatible, 1 identical, 2 superset). */
    default int compareCpu(String xml, int flags) {
        throw unsupported("virConnectCompareCPU");
    }

    /** virConnectCompareHypervisorCPU; any string argument but {@code xmlCpu} may be null. */
    default int compareHypervisorCpu(String emulator, String arch, String machine,
                                     String virttype, String xmlCpu, int flags) {
        throw unsupported("virConnectCompareHypervisorCPU");
    }

    /** virConnectGetDomainCapabilities; any string argument may be null. */
    default String getDomainCapabilities(String emulator, String arch, String machine,
                                         String virttype, int flags) {
        throw unsupported("virConnectGetDomainCapabilities");
    }

    /** virConnectDomainXMLToNative: the hypervisor's own form of a domain definition. */
    default String domainXmlToNative(String nativeFormat, String domainXml, int flags) {
        throw unsupported("virConnectDomainXMLToNative");
    }

    /** virConnectGetCPUModelNames: the CPU models known for {@code arch}. */
    default List<String> getCpuModelNames(String arch, int flags) {
        throw unsupported("virConnectGetCPUModelNames");
    }

    /**
     * virNodeGetFreePages: free page counts, cell-major: entry {@code cell * pages.length + i}
     * is the count of page size {@code pages[i]} (KiB) in cell {@code startCell + cell}.
     */
    default long[] nodeGetFreePages(int[] pages, int startCell, int cellCount, int flags) {
        throw unsupported("virNodeGetFreePages");
    }

    /**
     * virNodeAllocPages: allocates (or with the SET flag, sets) {@code pageCounts[i]} pages of
     * size {@code pageSizes[i]} KiB on each cell of the range; {@code startCell} -1 means all.
     *
     * @return the number of nodes successfully adjusted
     */
    default int nodeAllocatePages(int[] pageSizes, long[] pageCounts, int startCell,
                                  int cellCount, int flags) {
        throw unsupported("virNodeAllocPages");
    }

    /** virNodeGetMemoryParameters; see nodeGetCpuStats for how nparams is handled. */
    default List<TypedParameter> nodeGetMemoryParameters(int flags) {
        throw unsupported("virNodeGetMemoryParameters");
    }

    /** virNodeSetMemoryParameters. */
    default void nodeSetMemoryParameters(List<TypedParameter> params, int flags) {
        throw unsupported("virNodeSetMemoryParameters");
    }

    /** virNodeGetSEVInfo. */
    default List<TypedParameter> nodeGetSevInfo(int flags) {
        throw unsupported("virNodeGetSEVInfo");
    }

    /** virNodeSuspendForDuration: {@code target} is a virNodeSuspendTarget, duration in seconds. */
    default void nodeSuspendForDuration(int target, long duration, int flags) {
        throw unsupported("virNodeSuspendForDuration");
    }

    /**
     * virConnectIsSecure as the driver sees it (the daemon combines it with the transport).
     */
    default boolean isSecure() {
        throw unsupported("virConnectIsSecure");
    }

    /** virConnectIsEncrypted as the driver sees it. */
    default boolean isEncrypted() {
        throw unsupported("virConnectIsEncrypted");
    }

    /** virConnectIsAlive. */
    default boolean isAlive() {
        throw unsupported("virConnectIsAlive");
    }

    /**
     * virConnectSupportsFeature for driver-level features only: the daemon answers 10
     * (keepalive), 14 and 15 (remote callbacks) itself. Unknown features are false, never an
     * error, and a driver that does not implement this supports nothing (as in libvirt).
     */
    default boolean supportsFeature(int feature) {
        return false;
    }

    /**
     * virConnectClose: releases the connection. Called once per open, by the daemon, when the
     * client closes or goes away; calls still in flight on other threads may finish after it.
     */
    @Override
    default void close() {
    }

    /** The NO_SUPPORT error libvirt's public API raises for a host/connect call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.DOMAIN, apiName);
    }
}
