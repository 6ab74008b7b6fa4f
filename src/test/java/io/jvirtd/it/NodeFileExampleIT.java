package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * libvirt's example node file for the test driver (the one its docs use, written again in
 * src/test/resources/nodefile with every object by file reference) and its inline form: a stock
 * python3-libvirt client opens {@code test+tcp://…/ABS/PATH/testnode.xml} on the daemon, lists
 * every domain, network, pool and volume, interface and node device, and writes each one's XML;
 * the list and every XML must be what libvirt's own test driver gives for the same file
 * (expected/ and expected-inline/ were made with dump_objects.py against {@code test:///PATH}).
 */
class NodeFileExampleIT {

    @TempDir
    Path out;

    @ParameterizedTest
    @ValueSource(strings = {"testnode.xml", "testnodeinline.xml"})
    void everyObjectIsListedWithLibvirtsXml(String nodeFile) throws IOException {
        Path python = InteropEnvironment.pythonWithLibvirt();
        Path dir = nodeFileDir();
        Path expected = dir.resolve(nodeFile.equals("testnode.xml") ? "expected" : "expected-inline");
        try (DaemonProcess d = DaemonProcess.start()) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + dir.resolve(nodeFile);
            Exec.Result r = Exec.run(Duration.ofSeconds(60), Map.of(), python.toString(),
                    dir.resolve("dump_objects.py").toString(), uri, out.toString());
            String why = r.describe() + "\n=== daemon\n" + d.describe();
            assertFalse(r.timedOut(), "dump_objects.py timed out\n" + why);
            assertEquals(0, r.exitCode(), "dump_objects.py failed\n" + why);
        }
        List<String> want = names(expected);
        assertEquals(want, names(out), "the objects written differ from libvirt's");
        assertTrue(want.size() > 5, "expected files missing: " + want);
        for (String name : want) {
            assertEquals(Files.readString(expected.resolve(name)), Files.readString(out.resolve(name)),
                    name + " differs from what libvirt's test driver gives");
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Path nodeFileDir() {
        Path p = Path.of("src/test/resources/nodefile").toAbsolutePath();
        if (!Files.isDirectory(p)) {
            throw new UncheckedIOException(new IOException("test resources not found at " + p));
        }
        return p;
    }
}
