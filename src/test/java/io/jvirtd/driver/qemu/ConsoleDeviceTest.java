package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;

import org.junit.jupiter.api.Test;

/**
 * Which pty virDomainOpenConsole opens on a live definition as the QEMU driver makes it (aliases
 * from {@link QemuDomainXml#makeLive}, paths from query-chardev), and qemuDomainOpenConsole's
 * errors when there is none.
 */
class ConsoleDeviceTest {

    private static DomainDef live(String devices, String... ptys) {
        DomainDef d = QemuLifecycle.parse("<domain type='qemu'><name>c</name><memory>16384</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>" + devices + "</devices></domain>");
        QemuDomainXml.makeLive(d, 1);
        for (int i = 0; i < ptys.length; i++) {
            QemuDomainXml.setPty(d, i, ptys[i]);
        }
        return d;
    }

    // the driver takes serial port 0 only, so far
    private static final String SERIAL = "<serial type='pty'><target port='0'/></serial>"
            + "<console type='pty'><target type='serial' port='0'/></console>";

    @Test
    void theConsoleIsSerialZerosPtyAlsoByAlias() {
        DomainDef d = live(SERIAL, "/dev/pts/7");
        assertEquals("/dev/pts/7", ConsoleDevice.ptyPath(d, null));
        assertEquals("/dev/pts/7", ConsoleDevice.ptyPath(d, "serial0"));
        // without a console the first serial port is the default
        assertEquals("/dev/pts/9", ConsoleDevice.ptyPath(live("<serial type='pty'><target port='0'/></serial>",
                "/dev/pts/9"), null));
    }

    @Test
    void aGuestWithAPtySerialPortOrConsoleMayGetAConsole() {
        assertTrue(ConsoleDevice.hasPty(live(SERIAL, "/dev/pts/7")));
        assertTrue(ConsoleDevice.hasPty(live("<serial type='pty'><target port='0'/></serial>")));
        assertFalse(ConsoleDevice.hasPty(live("")));
    }

    @Test
    void errorsAsLibvirtd() {
        DomainDef d = live(SERIAL, "/dev/pts/7");
        assertEquals("internal error: cannot find character device nosuch",
                assertThrows(VirException.class, () -> ConsoleDevice.ptyPath(d, "nosuch")).message());
        DomainDef unassigned = live(SERIAL);
        assertEquals("operation failed: PTY device is not yet assigned",
                assertThrows(VirException.class, () -> ConsoleDevice.ptyPath(unassigned, "serial0")).message());
        DomainDef none = live("");
        assertEquals("internal error: cannot find character device <null>",
                assertThrows(VirException.class, () -> ConsoleDevice.ptyPath(none, null)).message());
    }
}
