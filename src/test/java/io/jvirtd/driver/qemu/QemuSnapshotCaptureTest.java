package io.jvirtd.driver.qemu;

import io.jvirtd.driver.mockhost.MockXmlOptions;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.DomainXmlOptions;
import io.jvirtd.model.conf.XmlNode;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot's capture of a running domain without the XML round trip
 * ({@link DomainDef#copyMigratable}) against the round trip itself
 * ({@link DomainDef#copyViaXml copyViaXml(true)}), and its independence from the live
 * definition it was taken from.
 */
class QemuSnapshotCaptureTest {

    private static final int[] FLAGS = {0, DomainDef.XML_INACTIVE, DomainDef.XML_SECURE,
        DomainDef.XML_INACTIVE | DomainDef.XML_SECURE,
        DomainDef.XML_INACTIVE | DomainDef.XML_SECURE | DomainDef.XML_MIGRATABLE};

    /** Every domain XML of the test resources, parsed as live XML (aliases, pty paths, ids kept). */
    @Test
    void sameAsTheRoundTripOnEveryDomainOfTheTestResources() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources"))) {
            files = s.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
        int compared = 0;
        int withoutRoundTrip = 0;
        // a running tiny guest's definition as jvirtd holds it (aliases, pty path, disk index)
        boolean qemuLiveCompared = false;
        List<String> differ = new ArrayList<>();
        for (Path f : files) {
            String xml = read(f);
            if (xml == null || !xml.contains("<domain ") && !xml.contains("<domain>")) {
                continue;
            }
            int at = xml.indexOf("<domain");
            int end = xml.indexOf("</domain>", at);
            if (end < 0) {
                continue;
            }
            String dom = xml.substring(at, end + "</domain>".length());
            for (DomainXmlOptions options : List.of(QemuXmlOptions.OPTIONS, MockXmlOptions.OPTIONS)) {
                DomainDef live;
                DomainDef viaXml;
                try {
                    live = DomainDef.parse(dom, 0, options);
                    if (live.id() < 0) {
                        live.setId(7);
                    }
                    viaXml = live.copyViaXml(true);
                } catch (VirException | IllegalArgumentException e) {
                    continue; // the error fixtures, and domains the other driver refuses
                }
                DomainDef copy = live.copyMigratable();
                compared++;
                qemuLiveCompared |= options == QemuXmlOptions.OPTIONS && f.endsWith("snapshot-capture/live-tiny.xml");
                if (!dom.contains("<graphics") && !dom.contains("<seclabel") && !dom.contains("<iothread")) {
                    withoutRoundTrip++; // InactiveCopy.covered: no round trip for these
                }
                for (int flags : FLAGS) {
                    String want = viaXml.format(flags);
                    String got = copy.format(flags);
                    if (!want.equals(got)) {
                        differ.add(f + " (" + (options == QemuXmlOptions.OPTIONS ? "qemu" : "mock") + ", flags "
                                + flags + "):\n" + want + "---- without the round trip:\n" + got);
                        break;
                    }
                }
                assertEquals(-1, copy.id());
            }
        }
        assertEquals(List.of(), differ);
        assertTrue(qemuLiveCompared, "qemu/snapshot-capture/live-tiny.xml not compared with the QEMU options");
        assertTrue(compared >= 150, "compared only " + compared);
        assertTrue(withoutRoundTrip >= 100, "only " + withoutRoundTrip + " copied without the round trip");
    }

    /** What a running tiny guest's definition holds: aliases, a pty path, an id. */
    private static final String LIVE = """
            <domain type='qemu' id='3'>
              <name>cap</name>
              <uuid>0b0a2a5e-7a43-4c8a-9d59-1c2f5a3c1b11</uuid>
              <memory unit='KiB'>16384</memory>
              <currentMemory unit='KiB'>16384</currentMemory>
              <vcpu placement='static'>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><kernel>/boot/tiny</kernel></os>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='/var/lib/x/cap.qcow2' index='1'/>
                  <target dev='vda' bus='virtio'/>
                  <alias name='virtio-disk0'/>
                </disk>
                <interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/><alias name='net0'/></interface>
                <serial type='pty'><source path='/dev/pts/9'/><target port='0'/><alias name='serial0'/></serial>
                <console type='pty' tty='/dev/pts/9'><source path='/dev/pts/9'/><target type='serial' port='0'/><alias name='serial0'/></console>
                <memballoon model='virtio'><alias name='balloon0'/></memballoon>
              </devices>
            </domain>
            """;

    @Test
    void liveChangesAfterTheCaptureDoNotShowInIt() {
        DomainDef live = DomainDef.parse(LIVE, 0, QemuXmlOptions.OPTIONS);
        DomainDef captured = live.copyMigratable();
        String before = captured.format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE);
        assertEquals(live.copyViaXml(true).format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE), before);

        // setmem, a hot-plugged disk, a changed source and attribute on a device the capture has too
        live.setCurrentMemoryKiB(8192);
        XmlNode disk = new XmlNode("disk").attr("type", "file").attr("device", "disk");
        disk.add(new XmlNode("source").attr("file", "/var/lib/x/plugged.qcow2"));
        disk.add(new XmlNode("target").attr("dev", "vdb").attr("bus", "virtio"));
        live.insertDisk(DeviceDef.of(DeviceKind.DISK, disk));
        live.disks().get(0).node().child("source").attr("file", "/elsewhere.qcow2");
        live.devices(DeviceKind.MEMBALLOON).get(0).node().attr("model", "none");
        assertNotEquals(before, live.format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE));

        assertEquals(before, captured.format(DomainDef.XML_INACTIVE | DomainDef.XML_SECURE));
        assertEquals(1, captured.disks().size());
        assertEquals(16384, captured.currentMemoryKiB());

        // and the other way: changing the capture leaves the live definition alone
        String liveNow = live.format(0);
        captured.disks().get(0).node().child("source").attr("file", "/snap.qcow2");
        assertEquals(liveNow, live.format(0));
    }

    /** The file's text, or null when it is not UTF-8 (the fuzzing inputs). */
    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
