package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.VcpuState;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The parts of vCPU hot-plug that need no QEMU: {@code -smp} as qemuBuildSmpCommandLine builds it,
 * the definition rules of qemuDomainDefVcpusPostParse, and the persistent changes of
 * qemuDomainSetVcpusConfig, each checked against what libvirt 9.0 prints for the same input.
 */
class QemuVcpuHotplugTest {

    private static DomainDef def(String vcpu) {
        return QemuLifecycle.parse(QemuLauncherTest.tinyXml("t-vcpu", Path.of("/nonexistent/vmlinuz"),
                Path.of("/nonexistent/s.log")).replace("<vcpu>1</vcpu>", vcpu));
    }

    @Test
    void smpCountsTheFixedOnlineVcpusAndNamesTheMaximumAndTopology() {
        assertEquals("1,sockets=1,cores=1,threads=1", QemuCommandLine.smp(def("<vcpu>1</vcpu>")));
        assertEquals("1,maxcpus=2,sockets=2,cores=1,threads=1", QemuCommandLine.smp(def("<vcpu current='1'>2</vcpu>")));
        // an online hot-pluggable vCPU is not counted: device_add brings it before cont
        DomainDef plugged = def("<vcpu>3</vcpu><vcpus><vcpu id='0' enabled='yes' hotpluggable='no'/>"
                + "<vcpu id='1' enabled='yes' hotpluggable='yes'/><vcpu id='2' enabled='no' hotpluggable='yes'/></vcpus>");
        assertEquals("1,maxcpus=3,sockets=3,cores=1,threads=1", QemuCommandLine.smp(plugged));
        assertTrue(QemuVcpuHotplug.hasBootHotplug(plugged));
        assertEquals(2, plugged.vcpusCurrent());
        assertEquals("4,sockets=2,dies=1,cores=2,threads=1", QemuCommandLine.smp(def(
                "<vcpu>4</vcpu><cpu><topology sockets='2' cores='2' threads='1'/></cpu>")));
    }

    @Test
    void definitionRulesAreLibvirts() {
        String[][] cases = {
            {"<vcpu>2</vcpu><cpu><topology sockets='1' cores='1' threads='1'/></cpu>",
                "CPU topology doesn't match maximum vcpu count"},
            {"<vcpu>2</vcpu><vcpus><vcpu id='0' enabled='no'/><vcpu id='1' enabled='yes'/></vcpus>",
                "vcpu 0 can't be offline"},
            {"<vcpu>2</vcpu><vcpus><vcpu id='0' enabled='yes' hotpluggable='yes'/><vcpu id='1' enabled='yes'/></vcpus>",
                "vcpu0 can't be hotpluggable"},
            {"<vcpu>3</vcpu><vcpus><vcpu id='0' enabled='yes'/><vcpu id='1' enabled='yes' hotpluggable='yes'/>"
                    + "<vcpu id='2' enabled='yes' hotpluggable='no'/></vcpus>",
                "online non-hotpluggable vcpus need to be ordered prior to hotplugable vcpus"},
            {"<vcpu>2</vcpu><vcpus><vcpu id='0' enabled='yes' order='1'/><vcpu id='1' enabled='yes'/></vcpus>",
                "all vcpus must have either set or unset order"},
        };
        for (String[] c : cases) {
            VirException e = assertThrows(VirException.class, () -> def(c[0]), c[0]);
            assertEquals(VirErrorNumber.CONFIG_UNSUPPORTED.number(), e.code(), c[0]);
            assertEquals("unsupported configuration: " + c[1], e.getMessage(), c[0]);
        }
    }

    @Test
    void configCountsChangeAsQemuDomainSetVcpusConfig() {
        DomainDef d = def("<vcpu current='1'>3</vcpu>");
        QemuVcpuHotplug.setConfigCount(d, 2, false); // cold-plugged, fixed: still no <vcpus> list
        assertTrue(d.format(DomainDef.XML_INACTIVE).contains("<vcpu placement='static' current='2'>3</vcpu>\n  <os>"));
        QemuVcpuHotplug.setConfigCount(d, 3, true); // --hotpluggable: the list appears
        assertTrue(d.format(DomainDef.XML_INACTIVE).contains("<vcpu placement='static'>3</vcpu>\n  <vcpus>\n"
                + "    <vcpu id='0' enabled='yes' hotpluggable='no'/>\n"
                + "    <vcpu id='1' enabled='yes' hotpluggable='no'/>\n"
                + "    <vcpu id='2' enabled='yes' hotpluggable='yes'/>\n  </vcpus>"), d.format(DomainDef.XML_INACTIVE));
        QemuVcpuHotplug.setConfigCount(d, 1, false); // unplugged ones become hot-pluggable
        assertEquals(List.of(new VcpuState(true, false, 0), new VcpuState(false, true, 0), new VcpuState(false, true, 0)),
                d.vcpuStates());
        assertEquals(1, d.vcpusCurrent());
        assertFalse(QemuVcpuHotplug.hasBootHotplug(d));
    }
}
