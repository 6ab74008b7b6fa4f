package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * virDomainCreateXMLWithFiles and virDomainCreateWithFiles (procedures 309 and 310) from
 * python3-libvirt with no files: the test driver creates or starts the domain as without files,
 * with its flag checks. The expected lines are what the same script printed against libvirtd
 * 9.0 on its read-write unix socket.
 */
class CreateWithFilesIT {

    private static final List<String> LIBVIRTD = List.of(
            "created wf 2 [1, 1] 0",
            "defined wf2 -1 [5, 0]",
            "started 0 3 [1, 1]",
            "again: 1 12 internal error: Domain 'wf2' is already running",
            "create flags: 8 12 unsupported flags (0x8) in function testDomainCreateXML",
            "start flags: 8 12 unsupported flags (0x1) in function testDomainCreateWithFlags");

    @Test
    void withNoFilesTheDomainIsCreatedAndStarted() throws IOException {
        Path python = InteropEnvironment.pythonWithLibvirt();
        Path script = InteropEnvironment.baseDir().resolve("src/test/resources/io/jvirtd/it/create_with_files.py");
        try (DaemonProcess d = DaemonProcess.start()) {
            Exec.Result r = Exec.run(Duration.ofSeconds(60), null, python.toString(), script.toString(),
                    "test+unix:///default?socket=" + d.rwSocket());
            String why = r.describe() + "\n=== daemon\n" + d.describe();
            assertFalse(r.timedOut(), why);
            assertEquals(0, r.exitCode(), why);
            assertEquals(LIBVIRTD, r.stdout().lines().toList(), why);
        }
    }
}
