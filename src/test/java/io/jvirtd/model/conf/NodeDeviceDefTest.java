package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Node device XML against what libvirt 9.0's test driver answered for the same device in a node
 * file (src/test/resources/nodedev, made by capture.py there): NAME.out holds the capability
 * list and virNodeDeviceGetXMLDesc, NAME.err the error's code, domain and message.
 */
class NodeDeviceDefTest {

    private static final Path DIR = Path.of("src/test/resources/nodedev");

    private static final String VHBA = "<device><parent>scsi_host1</parent><capability type='scsi_host'>"
            + "<capability type='fc_host'><wwnn>2001</wwnn><wwpn>1001</wwpn></capability></capability></device>";

    @TestFactory
    List<DynamicTest> everyCapturedDeviceGivesLibvirtsAnswer() throws IOException {
        return CapturedAnswers.each(DIR, 45, (in, want) -> {
            int nl = want.indexOf('\n');
            NodeDeviceDef def = NodeDeviceDef.parse(in, false);
            assertEquals(want.substring("caps: ".length(), nl), String.join(" ", def.capNames()));
            assertEquals(want.substring(nl + 1), def.format());
            assertEquals(want.substring(nl + 1), NodeDeviceDef.parse(def.format(), false).format());
        }, in -> NodeDeviceDef.parse(in, false));
    }

    @Test
    void nestedCapabilitiesCountForMatchingButNotForTheList() {
        NodeDeviceDef d = NodeDeviceDef.parse(CapturedAnswers.read(DIR.resolve("scsi-host.xml")), false);
        assertEquals(List.of("scsi_host"), d.capNames());
        assertTrue(d.hasCap("scsi_host"));
        assertTrue(d.hasCap("fc_host"));
        assertTrue(d.hasCap("vports"));
        assertFalse(d.hasCap("pci"));
        assertFalse(d.hasCap("no_such_cap"));
        NodeDeviceDef pci = NodeDeviceDef.parse(CapturedAnswers.read(DIR.resolve("pci-full.xml")), false);
        assertTrue(pci.hasCap("mdev_types"));
        assertFalse(pci.hasCap("vpd"));
        assertTrue(NodeDeviceDef.parse(CapturedAnswers.read(DIR.resolve("vpd.xml")), false).hasCap("vpd"));
    }

    @Test
    void aDeviceToCreateIsNamedNewDeviceAndNeedsNoHostNumber() {
        NodeDeviceDef d = NodeDeviceDef.parse(VHBA, true);
        assertEquals("new device", d.name());
        assertEquals("scsi_host1", d.parent());
        assertArrayEquals(new String[] {"2001", "1001"}, d.wwns());
        VirException e = assertThrows(VirException.class, () -> NodeDeviceDef.parse(VHBA, false));
        assertEquals(VirErrorNumber.NO_NAME.number(), e.code());
        e = assertThrows(VirException.class, () -> NodeDeviceDef.parse(
                "<device><capability type='scsi_host'><capability type='fc_host'/></capability></device>", true));
        assertEquals("internal error: no WWNN supplied for 'new device', and auto-generation failed", e.message());
    }

    @Test
    void onlyAnFcHostHasWwns() {
        NodeDeviceDef d = NodeDeviceDef.parse(CapturedAnswers.read(DIR.resolve("drm.xml")), false);
        VirException e = assertThrows(VirException.class, d::wwns);
        assertEquals("internal error: Device is not a fibre channel HBA", e.message());
        assertEquals(VirErrorDomain.NODEDEV.number(), e.domain());
        assertNull(d.fcHost());
    }

    @Test
    void theMockVportCopiesWithNewNameAndWwns() {
        NodeDeviceDef template = NodeDeviceDef.parse("<device><name>scsi_host11</name><parent>scsi_host1</parent>"
                + "<capability type='scsi_host'><host>11</host><unique_id>10</unique_id><capability type='fc_host'>"
                + "<wwnn>a</wwnn><wwpn>b</wwpn><fabric_wwn>f</fabric_wwn></capability></capability>"
                + "<capability type='scsi_host'><host>3</host></capability></device>", false);
        NodeDeviceDef v = template.mockVport("scsi_host12", "2001", "1001");
        assertEquals("<device>\n  <name>scsi_host12</name>\n  <parent>scsi_host1</parent>\n"
                + "  <capability type='scsi_host'>\n    <host>11</host>\n    <unique_id>10</unique_id>\n"
                + "    <capability type='fc_host'>\n      <wwnn>2001</wwnn>\n      <wwpn>1001</wwpn>\n"
                + "      <fabric_wwn>f</fabric_wwn>\n    </capability>\n  </capability>\n"
                + "  <capability type='scsi_host'>\n    <host>4</host>\n    <unique_id>0</unique_id>\n"
                + "  </capability>\n</device>\n", v.format());
    }
}
