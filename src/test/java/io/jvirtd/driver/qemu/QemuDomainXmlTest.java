package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.conf.DomainDef;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The QEMU driver's domain XML against what libvirtd 9.0 printed for the tiny guest
 * (src/test/resources/qemu/libvirtd-9.0/dumpxml-live-tiny.xml, the live definition from its
 * status file; dumpxml-live-tiny.domain.xml is what was defined). No QEMU needed: the machine
 * alias is expanded by hand, as the emulator's capabilities would.
 */
class QemuDomainXmlTest {

    private static final Path RECORDED = Path.of("src/test/resources/qemu/libvirtd-9.0");

    @Test
    void theLiveXmlIsLibvirtdsLessWhatJvirtdLeavesOutOnPurpose() throws Exception {
        DomainDef d = QemuLifecycle.parse(Files.readString(RECORDED.resolve("dumpxml-live-tiny.domain.xml"))
                .replace("<name>", "<uuid>e4ef6f34-4efe-43a7-b77b-37209cf24d9f</uuid><name>"));
        d.setOsMachine("pc-i440fx-7.2");
        QemuDomainXml.makeLive(d, 233);
        QemuDomainXml.setPty(d, 0, "/dev/pts/0");
        // jvirtd puts QEMU in no cgroup partition, keeps no DAC label, and runs the CPU model as
        // given (libvirtd checks the host CPU against it: check='full' and the features it adds)
        String libvirtd = Files.readString(RECORDED.resolve("dumpxml-live-tiny.xml"))
                .replaceAll("(?s)  <resource>.*</resource>\n", "")
                .replaceAll("(?s)  <seclabel .*</seclabel>\n", "")
                .replaceAll("    <feature policy='require' name='[^']*'/>\n", "")
                .replace("check='full'", "check='none'");
        assertEquals(libvirtd, d.format(0));
        String inactive = d.format(DomainDef.XML_INACTIVE);
        assertFalse(inactive.contains("/dev/pts/") || inactive.contains("id='233'"), inactive);
        assertTrue(inactive.contains("<console type='pty'>\n"), inactive);
    }
}
