package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.common.CpuModelNames;
import io.jvirtd.model.DriverFeature;
import io.jvirtd.model.NodeCpuMap;
import io.jvirtd.model.NodeCpuStat;
import io.jvirtd.model.NodeInfo;
import io.jvirtd.model.SecurityModel;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.FaultInjector;
import io.jvirtd.model.spi.HypervisorConnection;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One connection to a test-driver host: the host-level entry points of test_driver.c, with its
 * fixed answers, and its families: domains (with snapshots and checkpoints, {@link MockDomains}),
 * networks, storage, interfaces and node devices. Calls the test driver does not implement keep
 * the SPI's NO_SUPPORT defaults (node memory stats and parameters, suspend, page allocation, CPU
 * comparison, domain capabilities, SEV info, jobs, device attach), as libvirtd answers them; the screenshot's
 * picture is there, but its stream needs the remote program's stream support.
 *
 * <p>Thread safety: worker threads call this concurrently; the host part of its
 * {@link MockHost} is immutable, domains lock per object. {@link #close()} runs once, whoever
 * calls it first, and drops the event callbacks this connection registered.
 */
final class MockConnection implements HypervisorConnection {

    /** testConnectGetMaxVcpus' answer, also the limit of virDomainSetVcpusFlags. */
    static final int MAX_VCPUS = 32;

    static final SecurityModel SECURITY_MODEL = new SecurityModel("testSecurity", "");

    /** testNodeGetCPUStats's fixed numbers (nanoseconds). */
    private static final List<NodeCpuStat> CPU_STATS = List.of(
            new NodeCpuStat(NodeCpuStat.USER, 9797400000L),
            new NodeCpuStat(NodeCpuStat.KERNEL, 34678723400000L),
            new NodeCpuStat(NodeCpuStat.IDLE, 87264900000L),
            new NodeCpuStat(NodeCpuStat.IOWAIT, 763600000L));

    /** testNodeGetCPUMap: CPUs 0, 2 and 4 of 8 online. */
    private static final NodeCpuMap CPU_MAP = new NodeCpuMap(new byte[] {0x15}, 3, 8);

    private static final String SYSINFO = "<sysinfo type='smbios'>\n"
            + "  <bios>\n"
            + "    <entry name='vendor'>LENOVO</entry>\n"
            + "    <entry name='version'>G4ETA1WW (2.61 )</entry>\n"
            + "    <entry name='date'>05/07/2014</entry>\n"
            + "    <entry name='release'>2.61</entry>\n"
            + "  </bios>\n"
            + "</sysinfo>\n";

    private final MockHost host;
    private final Runnable onClose;
    /** The fault plan in force for this connection's calls (the daemon-wide one may be reloaded). */
    private final Supplier<FaultInjector> faults;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The event callbacks registered through this connection, of every family. */
    private final ConnectionCallbacks callbacks;
    private final MockDomains domains;
    private final MockNetworks networks;
    private final MockStorage storage;
    private final MockInterfaces interfaces;
    private final MockNodeDevices nodeDevices;

    /**
     * @param onClose what to do once when the connection closes (release a shared host)
     */
    MockConnection(MockHost host, Runnable onClose) {
        this(host, onClose, () -> FaultInjector.NONE);
    }

    /**
     * @param faults the fault plan in force, asked on each call (a plan file may be reloaded)
     */
    MockConnection(MockHost host, Runnable onClose, Supplier<FaultInjector> faults) {
        this.host = host;
        this.onClose = onClose;
        this.faults = faults;
        this.callbacks = new ConnectionCallbacks(host.events());
        this.domains = new MockDomains(host, callbacks);
        this.networks = new MockNetworks(host, callbacks);
        this.storage = new MockStorage(host, callbacks);
        this.interfaces = new MockInterfaces(host);
        this.nodeDevices = new MockNodeDevices(host, callbacks);
    }

    @Override
    public MockDomains domains() {
        return domains;
    }

    @Override
    public MockNetworks networks() {
        return networks;
    }

    @Override
    public MockStorage storage() {
        return storage;
    }

    @Override
    public MockInterfaces interfaces() {
        return interfaces;
    }

    @Override
    public MockNodeDevices nodeDevices() {
        return nodeDevices;
    }

    MockHost host() {
        return host;
    }

    @Override
    public String driverName() {
        return MockHostDriver.NAME;
    }

    @Override
    public String getType() {
        return "TEST";
    }

    /** 0.0.2. */
    @Override
    public long getVersion() {
        return 2;
    }

    @Override
    public String getHostname() {
        return HostName.get();
    }

    /** 32 whatever the type, as testConnectGetMaxVcpus. */
    @Override
    public int getMaxVcpus(String type) {
        return MAX_VCPUS;
    }

    @Override
    public NodeInfo nodeGetInfo() {
        return host.nodeInfo();
    }

    @Override
    public String getCapabilities() {
        return host.capabilities();
    }

    @Override
    public String getSysinfo(int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.TEST, "testConnectGetSysinfo");
        return SYSINFO;
    }

    /**
     * Each cell's memory size (libvirt's test driver answers {@code mem}, not {@code freeMem}),
     * from {@code startCell} on; a start at or past the last cell is an error, so a file host
     * (no cells) always fails.
     */
    @Override
    public long[] nodeGetCellsFreeMemory(int startCell, int maxCells) {
        List<MockCell> cells = host.cells();
        if (startCell >= cells.size()) {
            throw VirException.invalidArg(VirErrorDomain.TEST, "Range exceeds available cells");
        }
        int n = Math.max(0, Math.min(maxCells, cells.size() - startCell));
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = cells.get(startCell + i).memoryKiB();
        }
        return out;
    }

    @Override
    public long nodeGetFreeMemory() {
        return host.freeMemory();
    }

    /** The same four numbers for every CPU. */
    @Override
    public List<NodeCpuStat> nodeGetCpuStats(int cpuNum, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.TEST, "testNodeGetCPUStats");
        return CPU_STATS;
    }

    @Override
    public NodeCpuMap nodeGetCpuMap(int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.TEST, "testNodeGetCPUMap");
        return CPU_MAP;
    }

    @Override
    public SecurityModel nodeGetSecurityModel() {
        return SECURITY_MODEL;
    }

    @Override
    public String baselineCpu(List<String> xmlCpus, int flags) {
        return CpuBaseline.compute(xmlCpus, flags);
    }

    /**
     * Checks the architecture as libvirt does; x86 and ppc64 answer the model names of
     * libvirt's CPU map.
     */
    @Override
    public List<String> getCpuModelNames(String arch, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.TEST, "testConnectGetCPUModelNames");
        return CpuModelNames.of(arch, VirErrorDomain.TEST);
    }

    /**
     * testNodeGetFreePages: it fills the buffer with made-up counts but returns 0, the number
     * of counts it claims to have filled, so the caller gets none. (Over the wire that makes
     * remoteDispatchNodeGetFreePages fail without an error of its own.)
     */
    @Override
    public long[] nodeGetFreePages(int[] pages, int startCell, int cellCount, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.TEST, "testNodeGetFreePages");
        return new long[0];
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public boolean isEncrypted() {
        return false;
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    /**
     * libvirt's global driver features (virDriverFeatureIsGlobal): typed-parameter strings,
     * fixed network-update argument order and FD passing are on for every driver; the test
     * driver adds nothing (no migration).
     */
    @Override
    public boolean supportsFeature(int feature) {
        DriverFeature f = DriverFeature.byNumber(feature);
        return f == DriverFeature.TYPED_PARAM_STRING
                || f == DriverFeature.NETWORK_UPDATE_HAS_CORRECT_ORDER
                || f == DriverFeature.FD_PASSING;
    }

    @Override
    public FaultInjector faults() {
        return faults.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            callbacks.deregisterAll();
            onClose.run();
        }
    }
}
