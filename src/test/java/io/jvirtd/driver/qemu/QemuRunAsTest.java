package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.VirException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qemu.conf's user/group syntax (libvirt's virGetUserID) and what QEMU is told. */
class QemuRunAsTest {

    @TempDir
    Path dir;

    private Path passwd() throws IOException {
        Path p = dir.resolve("passwd");
        Files.writeString(p, "root:x:0:0:root:/root:/bin/bash\nqemu:x:64055:994::/:/bin/false\n1234:x:77:77::/:/bin/false\n");
        return p;
    }

    @Test
    void aNameIsLookedUpAPlusNumberIsTakenAsItIsAndABareNumberIsANameFirst() throws IOException {
        assertEquals(64055, QemuRunAs.id("qemu", passwd(), "user"));
        assertEquals(1234, QemuRunAs.id("+1234", passwd(), "user"));
        assertEquals(77, QemuRunAs.id("1234", passwd(), "user"), "a user named 1234 wins, as in libvirt");
        assertEquals(4321, QemuRunAs.id("4321", passwd(), "user"));
    }

    @Test
    void anUnknownNameGivesLibvirtsError() throws IOException {
        Path p = passwd();
        VirException e = assertThrows(VirException.class, () -> QemuRunAs.id("nosuch", p, "user"));
        assertEquals("invalid argument: Failed to parse user 'nosuch'", e.getMessage());
        e = assertThrows(VirException.class, () -> QemuRunAs.id("+12x", p, "group"));
        assertEquals("invalid argument: Failed to parse group '12x'", e.getMessage());
    }

    @Test
    void nothingConfiguredOrAnUnprivilegedDaemonLeavesQemuAsTheDaemon() throws IOException {
        Path run = Files.createDirectory(dir.resolve("run"));
        assertEquals(List.of(), QemuRunAs.of(null, null, true, "+0:+0").prepare(run));
        assertEquals(List.of(), QemuRunAs.of("+5", "+6", false, "+1000:+1000").prepare(run));
        assertEquals("+1000:+1000", QemuRunAs.of("+5", "+6", false, "+1000:+1000").label());
        assertEquals("+0:+6", QemuRunAs.of(null, "+6", true, "+0:+0").label());
        assertEquals(List.of(), QemuRunAs.of("+0", "+0", true, "+0:+0").prepare(run), "root as root: no -runas");
    }
}
