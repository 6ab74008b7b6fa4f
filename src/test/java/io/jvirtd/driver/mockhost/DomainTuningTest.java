package io.jvirtd.driver.mockhost;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainInterface;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.IoThreadInfo;
import io.jvirtd.model.domain.PinInfo;
import io.jvirtd.model.domain.Screenshot;
import io.jvirtd.model.domain.VcpuInfo;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.jvirtd.driver.mockhost.DomainTestSupport.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tunables, pinning and guest information of the default domain, with the values
 * python3-libvirt read from libvirt 9.0's test driver after the same calls.
 */
class DomainTuningTest {

    private final DomainTestSupport support = new DomainTestSupport();
    private final HypervisorConnection c = support.connectDefault();
    private final DomainRef test = c.domains().domainLookupByName("test");

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void vcpuCountsAndPinning() {
        c.domains().domainPinVcpu(test, 1, new byte[] {5});
        PinInfo pins = c.domains().domainGetVcpuPinInfo(test, 2, 1, 0);
        assertEquals(2, pins.count());
        assertArrayEquals(new byte[] {(byte) 0xff, 5}, pins.cpumaps());
        List<VcpuInfo> vcpus = c.domains().domainGetVcpus(test, 8, 1).info();
        assertEquals(2, vcpus.size());
        assertEquals(15, vcpus.get(0).cpu());
        assertEquals(2, vcpus.get(1).cpu());
        c.domains().domainPinEmulator(test, new byte[] {2}, 0);
        assertArrayEquals(new byte[] {2}, c.domains().domainGetEmulatorPinInfo(test, 1, 0).cpumaps());
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST, "invalid argument: Empty cpu list for pinning",
                () -> c.domains().domainPinEmulator(test, new byte[] {0}, 0));
        c.domains().domainSetVcpusFlags(test, 1, Flags.AFFECT_CONFIG);
        c.domains().domainSetVcpusFlags(test, 4, Flags.AFFECT_CONFIG | Flags.VCPU_MAXIMUM);
        assertEquals(List.of(1, 4, 2), List.of(c.domains().domainGetVcpusFlags(test, Flags.AFFECT_CONFIG),
                c.domains().domainGetVcpusFlags(test, Flags.AFFECT_CONFIG | Flags.VCPU_MAXIMUM),
                c.domains().domainGetVcpusFlags(test, Flags.AFFECT_LIVE)));
        assertTrue(c.domains().domainGetXMLDesc(test, DomainDef.XML_INACTIVE).contains("<vcpu placement='static' current='1'>4</vcpu>"));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.DOMAIN,
                "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive",
                () -> c.domains().domainGetVcpusFlags(test, Flags.AFFECT_LIVE | Flags.AFFECT_CONFIG));
    }

    @Test
    void typedParametersRoundTripIntoTheXml() {
        c.domains().domainSetMemoryParameters(test, List.of(TypedParameter.ofULLong("hard_limit", 2000000),
                TypedParameter.ofULLong("soft_limit", 1000000)), 0);
        assertEquals(List.of(TypedParameter.ofULLong("hard_limit", 2000000),
                TypedParameter.ofULLong("soft_limit", 1000000),
                TypedParameter.ofULLong("swap_hard_limit", 9007199254740991L)),
                c.domains().domainGetMemoryParameters(test, 0));
        c.domains().domainSetBlkioParameters(test, List.of(TypedParameter.ofUInt("weight", 500),
                TypedParameter.ofString("device_weight", "/dev/sda,300")), 0);
        assertEquals(TypedParameter.ofString("device_weight", "/dev/sda,300"),
                c.domains().domainGetBlkioParameters(test, 0).get(1));
        c.domains().domainSetInterfaceParameters(test, "testnet0", List.of(TypedParameter.ofUInt("inbound.average", 100),
                TypedParameter.ofUInt("outbound.average", 50)), 0);
        c.domains().domainSetMemoryStatsPeriod(test, 10, 0);
        String xml = c.domains().domainGetXMLDesc(test, 0);
        assertTrue(xml.contains("  <blkiotune>\n    <weight>500</weight>\n    <device>\n"
                + "      <path>/dev/sda</path>\n      <weight>300</weight>\n    </device>\n  </blkiotune>\n"), xml);
        assertTrue(xml.contains("      <bandwidth>\n        <inbound average='100'/>\n"
                + "        <outbound average='50'/>\n      </bandwidth>\n"), xml);
        assertTrue(xml.contains("<stats period='10'/>"), xml);
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "invalid argument: total_bytes_sec cannot be set higher than total_bytes_sec_max ",
                () -> c.domains().domainSetBlockIoTune(test, "vda", List.of(TypedParameter.ofULLong("total_bytes_sec", 1)), 0));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE,
                "invalid argument: invalid type 'int' for parameter 'hard_limit', expected 'ullong'",
                () -> c.domains().domainSetMemoryParameters(test, List.of(TypedParameter.ofInt("hard_limit", 1)), 0));
        assertError(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.NONE,
                "argument unsupported: parameter 'nope' not supported",
                () -> c.domains().domainSetPerfEvents(test, List.of(TypedParameter.ofBoolean("nope", true)), 0));
    }

    @Test
    void guestInformation() {
        List<DomainInterface> ifaces = c.domains().domainInterfaceAddresses(test, 0, 0);
        assertEquals(List.of(new DomainInterface("testnet0", "aa:bb:cc:dd:ee:ff",
                List.of(new DomainInterface.IpAddress(0, "192.168.122.3", 24)))), ifaces);
        assertEquals("testhost", c.domains().domainGetHostname(test, 0));
        assertEquals(2, c.domains().domainFSFreeze(test, List.of(), 0));
        assertEquals(1, c.domains().domainFSThaw(test, List.of("/boot"), 0));
        assertEquals(13, c.domains().domainMemoryStats(test, 20, 0).size());
        assertEquals(3, c.domains().domainGetCPUStats(test, 0, -1, 1, 0).count());
        assertEquals(List.of(TypedParameter.ofULLong("cpu_time", 24386308517L),
                TypedParameter.ofULLong("vcpu_time", 23151740627L)), c.domains().domainGetCPUStats(test, 2, 0, 1, 0).params());
        c.domains().domainAddIOThread(test, 3, 0);
        List<IoThreadInfo> threads = c.domains().domainGetIOThreadInfo(test, 0);
        assertEquals(3, threads.get(0).iothreadId());
        assertArrayEquals(new byte[] {3}, threads.get(0).cpumap());
        assertError(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.TEST, "internal error: invalid keycode 9999 of linux codeset",
                () -> c.domains().domainSendKey(test, 0, 10, new int[] {30, 9999}, 0));
        c.domains().domainSetMetadata(test, 2, "<item>v</item>", "k", "http://e.org/x", 0);
        assertEquals("<item>v</item>", c.domains().domainGetMetadata(test, 2, "http://e.org/x", 0));
        assertError(VirErrorNumber.NO_DOMAIN_METADATA, VirErrorDomain.DOMAIN,
                "metadata not found: Requested metadata element is not present",
                () -> c.domains().domainGetMetadata(test, 0, null, 0));
        c.domains().domainDestroy(test);
        assertError(VirErrorNumber.OPERATION_INVALID, VirErrorDomain.TEST,
                "Requested operation is not valid: domain is not running", () -> c.domains().domainGetTime(test, 0));
    }

    @Test
    void screenshotIsLibvirtsPngForAnyDomain(@TempDir Path dir) throws Exception {
        // libvirt 9.0's test driver streams PKGDATADIR/test-screenshot.png; it never looks the
        // domain up, so an inactive or unknown one gets it too.
        byte[] png = Files.readAllBytes(DomainTuningOps.SCREENSHOT_FILE);
        Screenshot shot = c.domains().domainScreenshot(test, 0, 0);
        assertEquals("image/png", shot.mimeType());
        assertArrayEquals(png, readAll(shot.stream()));
        c.domains().domainDestroy(test);
        assertArrayEquals(png, readAll(c.domains().domainScreenshot(new DomainRef("nosuch", new byte[16], -1), 3, 0).stream()));
        assertError(VirErrorNumber.INVALID_ARG, VirErrorDomain.TEST,
                "unsupported flags (0x1) in function testDomainScreenshot", () -> c.domains().domainScreenshot(test, 0, 1));
        VirException e = assertThrows(VirException.class, () -> DomainTuningOps.screenshot(dir.resolve("gone.png")));
        assertEquals("Unable to open stream for '" + dir.resolve("gone.png") + "': No such file or directory",
                e.message());
        assertEquals(VirErrorNumber.SYSTEM_ERROR.number(), e.code());
        assertEquals(VirErrorDomain.STREAMS.number(), e.domain());
        assertEquals(2, e.int1());
    }

    /** Everything a stream gives, as the daemon would send it. */
    private static byte[] readAll(io.jvirtd.model.stream.DataStream st) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
        for (int n; (n = st.read(buf.clear())) >= 0; ) {
            out.write(buf.array(), 0, n);
        }
        st.finish();
        return out.toByteArray();
    }
}
