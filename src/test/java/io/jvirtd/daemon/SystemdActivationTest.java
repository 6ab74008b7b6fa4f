package io.jvirtd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** LISTEN_PID / LISTEN_FDS / LISTEN_FDNAMES read as libvirt's virSystemdGetActivation reads them. */
class SystemdActivationTest {

    @Test
    void noActivationWithoutAMatchingPidOrCount() throws ConfigException {
        assertNull(SystemdActivation.fromEnvironment(Map.of(), 42));
        assertNull(SystemdActivation.fromEnvironment(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "1",
                "LISTEN_FDNAMES", "jvirtd.socket"), 42), "another process's sockets");
        assertNull(SystemdActivation.fromEnvironment(Map.of("LISTEN_PID", "42x", "LISTEN_FDS", "1"), 42));
        assertNull(SystemdActivation.fromEnvironment(Map.of("LISTEN_PID", "42"), 42));
        assertNull(SystemdActivation.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "0"), 42));
        assertNull(SystemdActivation.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "-1"), 42));
    }

    @Test
    void namesMapToDescriptorsFromThreeOn() throws ConfigException {
        SystemdActivation a = SystemdActivation.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "4",
                "LISTEN_FDNAMES", "jvirtd.socket:jvirtd-tcp.socket:jvirtd-ro.socket:jvirtd-tcp.socket"), 42);
        assertTrue(a.hasName("jvirtd-ro.socket"));
        assertEquals(List.of(3), a.claim("jvirtd.socket"));
        assertEquals(List.of(4, 6), a.claim("jvirtd-tcp.socket"), "two ListenStream= of one unit");
        assertEquals(List.of(), a.claim("jvirtd-admin.socket"), "a unit not passed: nothing, no error");
        assertEquals(Map.of("jvirtd-ro.socket", List.of(5)), a.unclaimed());
        assertEquals(List.of(5), a.claim("jvirtd-ro.socket"));
        assertTrue(a.unclaimed().isEmpty());
    }

    @Test
    void missingOrMiscountedNamesAreErrors() {
        ConfigException missing = assertThrows(ConfigException.class, () -> SystemdActivation.fromEnvironment(
                Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2"), 42));
        assertEquals("Missing LISTEN_FDNAMES env from systemd socket activation", missing.getMessage());
        ConfigException count = assertThrows(ConfigException.class, () -> SystemdActivation.fromEnvironment(
                Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "jvirtd.socket"), 42));
        assertEquals("Expecting 2 FD names but got 1", count.getMessage());
    }
}
