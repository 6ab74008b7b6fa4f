package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The qemu_root folder's paths are absolute, whatever the configuration says. */
class QemuPathsTest {

    @Test
    void aRelativeRootGivesAbsolutePathsOnQemusCommandLine() {
        QemuPaths p = QemuPaths.under(Path.of("q/../qroot"));
        Path expected = Path.of("").toAbsolutePath().resolve("qroot/run/g.pid");
        assertEquals(expected, p.pidFile("g"));
    }
}
