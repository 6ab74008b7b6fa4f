package io.jvirtd.driver.mockhost;

import io.jvirtd.model.NodeCpuMap;
import io.jvirtd.model.NodeCpuStat;
import io.jvirtd.model.NodeInfo;
import io.jvirtd.model.SecurityModel;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host-level answers of test:///default, checked against libvirt 9.0's test driver. */
class MockHostDriverTest {

    private final MockHostDriver driver = new MockHostDriver();
    private final List<HypervisorConnection> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(HypervisorConnection::close);
    }

    private HypervisorConnection connect(String uri) {
        HypervisorConnection c = driver.open(URI.create(uri), uri, false).orElseThrow();
        open.add(c);
        return c;
    }

    @Test
    void defaultHostIdentity() {
        HypervisorConnection c = connect("test:///default");
        assertEquals("TEST", c.getType());
        assertEquals("Test", c.driverName());
        assertEquals(2, c.getVersion());
        assertEquals(32, c.getMaxVcpus(null));
        assertEquals(32, c.getMaxVcpus("test"));
        assertFalse(c.getHostname().isEmpty());
        assertTrue(c.isSecure());
        assertFalse(c.isEncrypted());
        assertTrue(c.isAlive());
        assertEquals(new SecurityModel("testSecurity", ""), c.nodeGetSecurityModel());
    }

    @Test
    void defaultNodeInfoMatchesVirshNodeinfo() {
        assertEquals(new NodeInfo("i686", 3145728, 16, 1400, 2, 2, 2, 2),
                connect("test:///default").nodeGetInfo());
    }

    @Test
    void defaultCapabilitiesShowTwoCells() throws IOException {
        assertEquals(resource("capabilities-default-host.xml"), connect("test:///default").getCapabilities());
    }

    @Test
    void defaultMemoryAnswersMatchVirshFreecell() {
        HypervisorConnection c = connect("test:///default");
        assertEquals(3145728, c.nodeGetFreeMemory());
        // The test driver reports each cell's size (KiB) where libvirt documents free bytes.
        assertArrayEquals(new long[] {2097152, 4194304}, c.nodeGetCellsFreeMemory(0, 8));
        assertArrayEquals(new long[] {4194304}, c.nodeGetCellsFreeMemory(1, 1));
        VirException e = assertThrows(VirException.class, () -> c.nodeGetCellsFreeMemory(2, 1));
        assertEquals("invalid argument: Range exceeds available cells", e.message());
        assertEquals(12, e.domain());
    }

    @Test
    void cpuStatsAreFixed() {
        List<NodeCpuStat> stats = connect("test:///default").nodeGetCpuStats(-1, 0);
        assertEquals(List.of(new NodeCpuStat("user", 9797400000L),
                new NodeCpuStat("kernel", 34678723400000L),
                new NodeCpuStat("idle", 87264900000L),
                new NodeCpuStat("iowait", 763600000L)), stats);
    }

    @Test
    void flagsAreCheckedWithLibvirtsFunctionNames() {
        HypervisorConnection c = connect("test:///default");
        VirException e = assertThrows(VirException.class, () -> c.nodeGetCpuStats(-1, 4));
        assertEquals("unsupported flags (0x4) in function testNodeGetCPUStats",
                e.message());
        assertThrows(VirException.class, () -> c.getSysinfo(1));
        assertThrows(VirException.class, () -> c.nodeGetCpuMap(1));
        assertThrows(VirException.class, () -> c.nodeGetFreePages(new int[] {4}, 0, 1, 1));
    }

    @Test
    void cpuMapIsThreeOfEight() {
        assertEquals(new NodeCpuMap(new byte[] {0x15}, 3, 8), connect("test:///default").nodeGetCpuMap(0));
    }

    @Test
    void freePagesAreNoneAsTheTestDriverReturnsZeroCounts() {
        HypervisorConnection c = connect("test:///default");
        int[] sizes = {4, 8, 2048, 1048576};
        assertArrayEquals(new long[0], c.nodeGetFreePages(sizes, 0, 1, 0));
        assertArrayEquals(new long[0], c.nodeGetFreePages(sizes, 1, 2, 0));
    }

    @Test
    void cpuModelNamesComeFromLibvirtsCpuMap() {
        HypervisorConnection c = connect("test:///default");
        List<String> x86 = c.getCpuModelNames("x86_64", 0);
        assertEquals(List.of("486", "pentium", "pentium2", "pentium3", "pentiumpro"), x86.subList(0, 5));
        assertEquals(58, x86.size());                                  // as virsh -c test:///default cpu-models x86_64
        assertEquals(x86, c.getCpuModelNames("i686", 0));
        assertEquals(7, c.getCpuModelNames("ppc64", 0).size());
        assertEquals(List.of(), c.getCpuModelNames("aarch64", 0));     // "all CPU models are accepted"
        assertEquals(VirErrorNumber.INVALID_ARG.number(), assertThrows(VirException.class,
                () -> c.getCpuModelNames("bogus", 0)).code());
    }

    @Test
    void sysinfoIsTheFixedSmbiosBlock() {
        String s = connect("test:///default").getSysinfo(0);
        assertTrue(s.startsWith("<sysinfo type='smbios'>\n  <bios>\n    <entry name='vendor'>LENOVO</entry>\n"));
        assertTrue(s.endsWith("    <entry name='release'>2.61</entry>\n  </bios>\n</sysinfo>\n"));
    }

    @Test
    void baselineOfOneCpuIsThatModelForbiddingFallback() {
        String cpu = "<cpu>\n  <arch>x86_64</arch>\n  <model>Nehalem</model>\n  <vendor>Intel</vendor>\n</cpu>";
        assertEquals("<cpu mode='custom' match='exact'>\n  <model fallback='forbid'>Nehalem</model>\n"
                + "  <vendor>Intel</vendor>\n</cpu>\n", connect("test:///default").baselineCpu(List.of(cpu), 0));
    }

    @Test
    void baselineRefusesBrokenCpuDefinitions() {
        HypervisorConnection c = connect("test:///default");
        VirException e = assertThrows(VirException.class,
                () -> c.baselineCpu(List.of("<cpu><model>Nehalem</model></cpu>"), 0));
        assertEquals("XML error: Missing CPU architecture", e.message());
        assertEquals(31, e.domain());
    }

    @Test
    void featuresAnsweredLikeLibvirtsGlobalTable() {
        HypervisorConnection c = connect("test:///default");
        assertTrue(c.supportsFeature(9));
        assertTrue(c.supportsFeature(16));
        assertTrue(c.supportsFeature(8));
        assertFalse(c.supportsFeature(10));
        assertFalse(c.supportsFeature(3));
        assertFalse(c.supportsFeature(999));
    }

    @Test
    void callsTheTestDriverLacksAreNoSupportInDomainDomain() {
        HypervisorConnection c = connect("test:///default");
        VirException e = assertThrows(VirException.class, () -> c.nodeGetMemoryParameters(0));
        assertEquals("this function is not supported by the connection driver: virNodeGetMemoryParameters",
                e.message());
        assertEquals(20, e.domain());
        assertEquals(3, e.code());
        assertEquals("virNodeSuspendForDuration",
                assertThrows(VirException.class, () -> c.nodeSuspendForDuration(0, 60, 0)).str2());
        assertEquals("virConnectGetDomainCapabilities",
                assertThrows(VirException.class, () -> c.getDomainCapabilities(null, null, null, null, 0)).str2());
        assertEquals("virNodeGetMemoryStats",
                assertThrows(VirException.class, () -> c.nodeGetMemoryStats(-1, 0)).str2());
    }

    @Test
    void defaultHostIsSharedWhileHeldAndFreshAfterLastClose() {
        MockConnection a = (MockConnection) connect("test:///default");
        MockConnection b = (MockConnection) connect("test:///default");
        assertSame(a.host(), b.host());
        MockHost first = a.host();
        a.close();
        a.close(); // a second close must not release the host twice
        assertSame(first, ((MockConnection) connect("test:///default")).host());
        b.close();
        open.get(2).close();
        assertNotSame(first, ((MockConnection) connect("test:///default")).host());
    }

    static String resource(String name) throws IOException {
        try (InputStream in = MockHostDriverTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
