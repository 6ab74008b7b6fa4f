package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block I/O tuning, core dumps and memory peek of a QEMU guest through stock virsh and
 * python3-libvirt over {@code qemu+tcp://127.0.0.1:PORT/system}: the tiny guest through
 * {@code src/test/resources/it/qemu/blkdump-sequence.py} (blkdeviotune live and --config with
 * libvirt's checks, what QEMU's query-block then says, the {@code <iotune>} XML and a start with
 * it; memory-only dumps in each format, the default dump, --live, --reset, --crash and the errors;
 * memoryPeek against pmemsave) must print what libvirtd 9.0 printed for it, recorded by
 * {@code scripts/capture-libvirtd-qemu-blkdump.sh}. Every file under one qemu_root temp folder;
 * each test stops what it started and checks nothing is left.
 */
class QemuBlkDumpIT {

    @TempDir
    Path root;
    private QemuTestRoot qemu;
    private DaemonProcess daemon;
    private Path scratch;

    @BeforeEach
    void setUp() throws IOException {
        qemu = new QemuTestRoot(root);
        scratch = Files.createDirectories(root.resolve("scratch"));
    }

    @AfterEach
    void stopLeftovers() {
        qemu.close();
    }

    /** blkdeviotune live and --config, query-block, the XML, a start with {@code <iotune>}. */
    @Test
    void blockIoTunePrintsWhatLibvirtdPrints() throws Exception {
        runPart("tune");
    }

    private void runPart(String part) throws Exception {
        TestGuests.qemu();
        Path python = InteropEnvironment.pythonWithLibvirt();
        Files.copy(TestGuests.tinyKernel(), scratch.resolve("vmlinuz"));
        daemon = qemu.startDaemon();
        Path resources = InteropEnvironment.baseDir().resolve("src/test/resources");
        Exec.Result r = Exec.run(Duration.ofMinutes(5), null, python.toString(),
                resources.resolve("it/qemu/blkdump-sequence.py").toString(), QemuTestRoot.tcpUri(daemon),
                scratch.toString(), part);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + daemon.describe());
        assertEquals(recorded(resources.resolve("qemu/libvirtd-9.0/blkdump-" + part + ".txt")), r.stdout().strip());
        qemu.assertNothingLeft();
    }

    private static String recorded(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            if (!l.startsWith("#")) {
                out.add(l);
            }
        }
        return String.join("\n", out).strip();
    }
}
