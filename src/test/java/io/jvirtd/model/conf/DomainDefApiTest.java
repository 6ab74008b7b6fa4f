package io.jvirtd.model.conf;

import io.jvirtd.driver.mockhost.MockXmlOptions;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accessors and mutators the drivers use, checked against what libvirt's test driver
 * prints after the same changes made through virsh (api/*.out, see capture.sh).
 */
class DomainDefApiTest {

    private static DomainDef test() {
        return SnapshotDefTest.defaultDomain();
    }

    @Test
    void configTuningLikeVirsh() {
        // emulatorpin/iothreadadd/iothreadpin/setmaxmem/setmem/blkiotune/memtune/numatune/desc
        DomainDef d = test();
        d.setId(-1);
        d.setEmulatorPin("0");
        assertTrue(d.addIothread(5));
        assertTrue(d.addIothread(2));
        assertFalse(d.addIothread(2));
        d.setIothreadPin(5, "1");
        d.setMemoryKiB(9000000);
        d.setCurrentMemoryKiB(100000);
        d.setBlkioWeight(300);
        d.setMemtuneKiB("hard_limit", 2000000L);
        d.setNumatune("interleave", "0");
        d.setTitle("T<1>");
        assertEquals(Golden.xml("api", "config-tuning.out"), d.format(DomainDef.XML_INACTIVE));
        assertEquals(List.of(5, 2), d.iothreadIds());
        assertEquals("1", d.iothreadPin(5));
        assertEquals(300, d.blkioWeight());
        assertEquals(2000000L, d.memtuneKiB("hard_limit"));
        assertNull(d.memtuneKiB("soft_limit"));
        assertEquals("interleave", d.numatuneMode());
        assertEquals("0", d.numatuneNodeset());
    }

    @Test
    void livePinAndVcpus() {
        DomainDef d = test();
        d.setVcpuPin(1, "2-3,0");
        d.setVcpusCurrent(1);
        d.setDescription("long description");
        assertEquals(Golden.xml("api", "live-pin.out"), d.format(0));
        assertEquals("0,2-3", d.vcpuPin(1));
        assertNull(d.vcpuPin(0));
        assertEquals(2, d.vcpusMax());
        assertEquals(1, d.vcpusCurrent());
    }

    @Test
    void metadataLikeVirsh() {
        DomainDef d = test();
        d.setMetadata("http://a.org/", "a", "<x y=\"1\"><z>t</z></x>");
        d.setMetadata("http://b.org/", "b", "<q:w xmlns:q=\"http://q.org/\"><e/></q:w>");
        d.setMetadata("http://a.org/", "a", "<x2/>");
        assertEquals(Golden.xml("api", "metadata-set.out"), d.format(0));
        // the element in b's namespace kept its own prefix's namespace, so b finds nothing
        assertNull(d.metadata("http://b.org/"));
        assertFalse(d.removeMetadata("http://b.org/"));
        assertEquals("<x2/>", d.metadata("http://a.org/"));

        DomainDef e = test();
        e.setMetadata("http://a.org/", "a", "<x/>");
        assertTrue(e.removeMetadata("http://a.org/"));
        assertEquals(Golden.xml("api", "metadata-removed.out"), e.format(0));
    }

    @Test
    void metadataGetLikeVirsh() {
        DomainDef d = test();
        d.setMetadata("http://example.org/conf", "conf", "<item a=\"1\"><sub>value</sub><e/></item>");
        assertEquals(Golden.read("api", "metadata-get.out").strip(), d.metadata("http://example.org/conf"));
        d.setMetadata("http://a.org/", "a", "<x>  <y/> </x>");
        assertEquals(Golden.read("api", "metadata-get-blanks.out").strip(), d.metadata("http://a.org/"));
        assertTrue(d.hasMetadata("http://a.org/"));
    }

    @Test
    void metadataErrors() {
        DomainDef d = test();
        VirException e = assertThrows(VirException.class, () -> d.setMetadata("http://a/", "a", "<x>"));
        assertEquals(VirErrorNumber.XML_DETAIL.number(), e.code());
        assertTrue(e.message().startsWith("(metadata_xml):1: "), e.message());
        e = assertThrows(VirException.class, () -> d.setMetadata("http://a/", "1bad", "<x/>"));
        assertEquals(VirErrorNumber.INTERNAL_ERROR.number(), e.code());
        assertEquals("internal error: failed to validate prefix for a new XML namespace", e.message());
    }

    @Test
    void copyIsDeep() {
        DomainDef d = test();
        d.setMetadata("http://a.org/", "a", "<x/>");
        DomainDef c = d.copy();
        assertEquals(d.format(0), c.format(0));
        c.setName("other");
        c.setMemoryKiB(1);
        c.setVcpuPin(0, "1");
        c.disks().get(0).node().child("source").attr("file", "/elsewhere");
        c.interfaces().get(0).setInterfaceTargetDev("x0");
        c.setMetadata("http://a.org/", "a", "<y/>");
        c.setPerfEvent("cmt", true);
        String orig = d.format(0);
        assertTrue(orig.contains("<name>test</name>"));
        assertTrue(orig.contains("/guest/diskimage1"));
        assertTrue(orig.contains("testnet0"));
        assertTrue(orig.contains("<a:x "));
        assertFalse(orig.contains("vcpupin"));
        assertFalse(orig.contains("perf"));
        assertNotEquals(orig, c.format(0));
    }

    @Test
    void identity() {
        DomainDef d = test();
        assertEquals("6695eb01-f6a4-8304-79aa-97f2502e193f", d.uuidString());
        assertArrayEquals(DomainDef.parseUuid("6695eb01f6a4830479aa97f2502e193f"), d.uuid());
        assertArrayEquals(DomainDef.parseUuid(" 6695 eb01-f6a4-8304-79aa-97f2502e193f "), d.uuid());
        assertNull(DomainDef.parseUuid("6695eb01-f6a4-8304-79aa-97f2502e193"));
        assertNull(DomainDef.parseUuid("6695eb01-f6a4-8304-79aa-97f2502e193fa"));
        assertFalse(d.uuidGenerated());
        DomainDef g = DomainDef.parse(Golden.read("errors", "no-name.xml").replace("<memory>",
                "<name>g</name><memory>"), DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        assertTrue(g.uuidGenerated());
        assertEquals(4, (g.uuid()[6] & 0xf0) >> 4);
        assertEquals(1, d.id());
        assertEquals("test", d.virtType());
        assertEquals("hvm", d.osType());
        assertEquals("i686", d.osArch());
        assertEquals(List.of("hd"), d.bootDevices());
        assertEquals("destroy", d.onPoweroff());
        assertEquals("restart", d.onReboot());
        assertEquals("destroy", d.onCrash());
        assertEquals("utc", d.clockOffset());
    }

    @Test
    void liveIdIsIgnoredWhenParsingInactive() {
        String xml = test().format(0);
        assertTrue(xml.startsWith("<domain type='test' id='1'>"));
        assertEquals(-1, DomainDef.parse(xml, DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS).id());
        assertEquals(1, DomainDef.parse(xml, 0, MockXmlOptions.OPTIONS).id());
    }

    @Test
    void devicesAndLookups() {
        DomainDef d = DomainDef.parse(Golden.read("domain", "vm1.xml"), DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        // vnet1 is a generated name: dropped when parsing inactive XML, as libvirt does
        assertNull(d.interfaces().get(0).interfaceTargetDev());
        MockXmlOptions.generateIfnames(d);
        DeviceDef net = d.interfaceByNameOrMac("52:54:00:11:22:33");
        assertEquals("testnet0", net.interfaceTargetDev());
        assertEquals(net, d.interfaceByNameOrMac("testnet0"));
        assertEquals("network", net.type());
        assertEquals("default", net.interfaceSource());
        assertEquals("virtio", net.modelType());
        DeviceDef cd = d.diskByTargetOrPath("/guest/cd.iso");
        assertEquals("hdc", cd.diskTarget());
        assertEquals("ide", cd.diskBus());
        assertEquals("cdrom", cd.diskDevice());
        assertTrue(cd.diskReadonly());
        assertEquals("drive", cd.address().attr("type"));
        assertEquals(2, d.disks().size());
        assertEquals(1, d.controllers().size());
        assertEquals(0, d.controllers().get(0).controllerIndex());
        assertEquals(DeviceKind.DISK, d.devices().get(0).kind());
        assertEquals(4, d.vcpusMax());
        assertEquals(2, d.vcpusCurrent());
        assertEquals("First VM", d.title());
        assertEquals(1048576, d.memoryKiB());
        assertEquals(524288, d.currentMemoryKiB());
    }

    @Test
    void aliasesKeepTheirPlace() {
        DomainDef d = test();
        DeviceDef disk = d.disks().get(0);
        disk.setAlias("virtio-disk0");
        assertEquals("virtio-disk0", disk.alias());
        String xml = d.format(0);
        assertTrue(xml.contains("<target dev='vda' bus='virtio'/>\n      <alias name='virtio-disk0'/>\n"
                + "      <address type='pci'"), xml);
        disk.setAlias(null);
        assertNull(disk.alias());
    }

    @Test
    void addDeviceKeepsKindOrder() {
        DomainDef d = test();
        DomainDef other = DomainDef.parse(Golden.read("domain", "vm1.xml"), DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        DeviceDef disk = other.disks().get(0).copy();
        d.addDevice(disk);
        assertEquals(List.of(DeviceKind.DISK, DeviceKind.DISK, DeviceKind.INTERFACE, DeviceKind.MEMBALLOON),
                d.devices().stream().map(DeviceDef::kind).toList());
        assertTrue(d.removeDevice(disk));
        assertFalse(d.removeDevice(disk));
    }

    @Test
    void perfEventsInLibvirtOrder() {
        DomainDef d = test();
        d.setPerfEvent("instructions", false);
        d.setPerfEvent("cmt", true);
        assertEquals(Boolean.TRUE, d.perfEvent("cmt"));
        assertEquals(Boolean.FALSE, d.perfEvent("instructions"));
        assertNull(d.perfEvent("mbmt"));
        assertTrue(d.format(0).contains("  <perf>\n    <event name='cmt' enabled='yes'/>\n"
                + "    <event name='instructions' enabled='no'/>\n  </perf>\n"));
    }

    @Test
    void cputuneScalars() {
        DomainDef d = test();
        d.setCpuQuota(-1L);
        d.setCpuShares(1024L);
        d.setCpuPeriod(100000L);
        assertTrue(d.format(0).contains("  <cputune>\n    <shares>1024</shares>\n    <period>100000</period>\n"
                + "    <quota>-1</quota>\n  </cputune>\n"));
        assertEquals(1024L, d.cpuShares());
        d.setCpuShares(null);
        d.setCpuPeriod(null);
        d.setCpuQuota(null);
        assertFalse(d.format(0).contains("cputune"));
    }

    @Test
    void cpuSets() {
        assertEquals("0-3,5", CpuSet.normalize("0,1,2,3,5"));
        assertEquals("0-1,3", CpuSet.normalize(" 0-3 , ^2 "));
        VirException e = assertThrows(VirException.class, () -> CpuSet.normalize("3-1"));
        assertEquals("invalid argument: Failed to parse bitmap '3-1'", e.message());
        assertThrows(VirException.class, () -> CpuSet.normalize(""));
        assertThrows(VirException.class, () -> CpuSet.normalize("^1-2"));
    }

    @Test
    void nodeFileElementsParseLikeStrings() throws Exception {
        // the driver loads <domain> elements out of node files (test:///path/node.xml)
        java.net.URL url = getClass().getResource("/conformance/testdefault.xml");
        org.w3c.dom.Document doc = io.jvirtd.model.VirXml.parseFile(java.nio.file.Path.of(url.toURI()),
                "testdefault.xml", "node", VirErrorDomain.TEST);
        org.w3c.dom.Element dom = (org.w3c.dom.Element) doc.getElementsByTagName("domain").item(0);
        DomainDef fromDom = DomainDef.fromElement(dom, DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        MockXmlOptions.generateIfnames(fromDom);
        assertEquals(Golden.xml("domain", "default.inactive.out"), fromDom.format(DomainDef.XML_INACTIVE));
    }

    @Test
    void interfaceNamesSkipTakenOnes() {
        DomainDef d = DomainDef.parse("<domain type='test'><name>n</name><memory>1024</memory>"
                + "<os><type>hvm</type></os><devices>"
                + "<interface type='user'><mac address='52:54:00:00:00:01'/></interface>"
                + "<interface type='user'><mac address='52:54:00:00:00:02'/><target dev='testnet0'/></interface>"
                + "</devices></domain>", DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        MockXmlOptions.generateIfnames(d);
        assertEquals("testnet1", d.interfaces().get(0).interfaceTargetDev());
        assertEquals("testnet0", d.interfaces().get(1).interfaceTargetDev());
    }
}
