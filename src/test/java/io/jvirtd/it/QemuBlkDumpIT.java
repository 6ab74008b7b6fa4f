package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    private static final String HOLD = "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":"
            + "[{\"capability\":\"pause-before-switchover\",\"state\":true}]}}";

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private DaemonProcess daemon;
    private Path scratch;

    @BeforeEach
    void setUp() throws IOException {
        scratch = Files.createDirectories(qemu.root().resolve("scratch"));
    }

    /** blkdeviotune live and --config, query-block, the XML, a start with {@code <iotune>}. */
    @Test
    void blockIoTunePrintsWhatLibvirtdPrints() throws Exception {
        runPart("tune");
    }

    /** virsh dump: memory-only in each format, the default dump, --live, --reset, --crash, errors. */
    @Test
    void coreDumpPrintsWhatLibvirtdPrints() throws Exception {
        runPart("dump");
    }

    /** memoryPeek: flag errors, sizes, physical memory of the paused guest as pmemsave writes it. */
    @Test
    void memoryPeekPrintsWhatLibvirtdPrints() throws Exception {
        runPart("peek");
    }

    /**
     * A default dump held by QEMU before switchover (the {@code pause-before-switchover} capability
     * the test sets through qemu-monitor-command, as QemuJobInfoIT holds a save): domjobinfo shows
     * the unbounded dump job with QEMU's figures, the guest is paused (dumping), domjobabort ends
     * it with libvirt's error, no file is left, and the guest runs again.
     */
    @Test
    void heldDumpShowsItsJobAndAnAbortLeavesNoFile() throws Exception {
        TestGuests.qemu();
        daemon = qemu.startDaemon();
        String name = "blkh-held";
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><devices><memballoon model='none'/></devices></domain>");
        virsh("define", xml.toString());
        virsh("start", name);
        Path dumps = Files.createDirectories(qemu.root().resolve("dumps"));
        Path file = dumps.resolve("held");
        virsh("qemu-monitor-command", name, HOLD);
        Process dump = new ProcessBuilder(InteropEnvironment.virsh().toString(), "-q", "-c",
                QemuTestRoot.tcpUri(daemon), "dump", name, file.toString())
                .redirectErrorStream(true).redirectOutput(qemu.root().resolve("dump.out").toFile()).start();
        try {
            awaitTrue(() -> virsh("qemu-monitor-command", name, "{\"execute\":\"query-migrate\"}"),
                    s -> s.contains("\"status\":\"pre-switchover\""), "QEMU holds the dump before switchover");
            String info = virsh("domjobinfo", name);
            assertTrue(info.startsWith("Job type:         Unbounded\nOperation:        Dump\nTime elapsed:"), info);
            assertTrue(info.contains("Memory total:"), info);
            String raw = virsh("domjobinfo", name, "--rawstats");
            assertTrue(raw.contains("operation: 8\n"), raw); // VIR_DOMAIN_JOB_OPERATION_DUMP
            assertEquals("paused (dumping)", virsh("domstate", "--reason", name));
            virsh("domjobabort", name);
            assertTrue(dump.waitFor(60, TimeUnit.SECONDS), "virsh dump did not end after domjobabort");
            assertEquals(1, dump.exitValue());
            assertEquals("error: Failed to core dump domain '" + name + "' to " + file + "\n"
                    + "error: operation aborted: job 'domain core dump' canceled by client",
                    Files.readString(qemu.root().resolve("dump.out")).strip());
        } finally {
            dump.destroy();
        }
        try (Stream<Path> left = Files.list(dumps)) {
            assertEquals(List.of(), left.toList()); // neither the dump nor a partial file
        }
        assertEquals("running (unpaused)", virsh("domstate", "--reason", name));
        assertEquals("Job type:         None", virsh("domjobinfo", name));
        virsh("destroy", name);
        virsh("undefine", name);
        qemu.assertNothingLeft();
    }

    private String virsh(String... args) throws IOException {
        return Virsh.ok(Duration.ofSeconds(90), daemon, QemuTestRoot.tcpUri(daemon), args).lines()
                .map(String::stripTrailing).collect(Collectors.joining("\n"));
    }

    private interface Probe {
        String get() throws IOException;
    }

    /** Asks {@code probe} until its answer passes (at most 90 s): QEMU's migration state has no event here. */
    private static void awaitTrue(Probe probe, Predicate<String> ok, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (ok.test(last)) {
                return;
            }
            Thread.sleep(50); // a poll of the state's owner, not a wait for time to pass
        }
        throw new AssertionError(what + ": never; last answer " + last);
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
