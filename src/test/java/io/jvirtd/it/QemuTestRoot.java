package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of a QEMU driver test, as a JUnit extension every QEMU IT registers the same way:
 *
 * <pre>{@code
 * @RegisterExtension
 * final QemuTestRoot qemu = new QemuTestRoot();
 * }</pre>
 *
 * Before each test it makes a fresh temporary folder ({@link #root}: the test's own files) with
 * the {@code qemu_root} folder in it ({@link #dir}: every file the driver writes lives under
 * it); after each test (after the test's own {@code @AfterEach}) it stops the daemons the test
 * started here, kills, by pid, only the QEMUs of this folder a failed test left running, and
 * removes the folder. In between it tells a test what it needs to know: a guest's QEMU pid, and
 * the check that nothing is left (no QEMU process whose command line names the folder, as
 * {@code ps} would show, and no status file, pid file or monitor socket). One per test
 * instance; the test's thread.
 */
final class QemuTestRoot implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

    private Path root;
    private Path dir;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("jvirtd-qemu-it-");
        dir = root.resolve("qemu");
    }

    /** Stops what the test left running, then removes its folder (a file that will not go fails the test). */
    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
        if (root == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        root = null;
    }

    /** The test's temporary folder (holds {@link #dir} and whatever else the test writes). */
    Path root() {
        return root;
    }

    /** The qemu_root folder itself. */
    Path dir() {
        return dir;
    }

    /** Sets the daemon's qemu_root to this folder. */
    DaemonProcess.Builder configure(DaemonProcess.Builder b) {
        return b.conf("qemu_root", "\"" + dir + "\"");
    }

    /** Starts {@code b} with its qemu_root here; {@link #close} stops it. */
    DaemonProcess start(DaemonProcess.Builder b) throws IOException {
        return adopt(configure(b).start());
    }

    /** {@link #close} stops {@code d} too (a daemon the test launched itself). */
    DaemonProcess adopt(DaemonProcess d) {
        daemons.add(d);
        return d;
    }

    /** A daemon on TCP with auth none (DaemonProcess's configuration) and its qemu_root here. */
    DaemonProcess startDaemon() throws IOException {
        return start(DaemonProcess.builder().listen(true));
    }

    /** What a user types to reach {@code d}'s QEMU driver over TCP. */
    static String tcpUri(DaemonProcess d) {
        return "qemu+tcp://127.0.0.1:" + d.port() + "/system";
    }

    /** Stops the daemons the test started here, then any QEMU of this folder a failure left. */
    @Override
    public void close() {
        for (DaemonProcess d : daemons) {
            d.close();
        }
        daemons.clear();
        killLeftovers();
    }

    /** The QEMU pid the driver recorded for a running guest. */
    long pid(String name) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("run/" + name + ".pid")).trim());
    }

    /** Live (not zombie) processes whose command line names this folder: this test's QEMUs. */
    List<Long> qemuProcesses() {
        String needle = dir.toString();
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.contains(needle) && isAlive(Long.parseLong(n))) {
                        out.add(Long.parseLong(n));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return out;
    }

    /**
     * No QEMU of this folder runs, and run/ and lib/ are empty, but for run/storage (the storage
     * driver's state folder, libvirt's /run/libvirt/storage, which stays) and lib/snapshot (the
     * snapshot metadata folder, libvirt's /var/lib/libvirt/qemu/snapshot), which must be empty.
     */
    void assertNothingLeft() throws IOException {
        assertEquals(List.of(), qemuProcesses(), "QEMU processes of " + dir);
        Path storageState = dir.resolve("run/storage");
        Path snapshots = dir.resolve("lib/snapshot"); // kept, empty, as libvirt's qemu/snapshot folder
        for (Path p : List.of(dir.resolve("run"), dir.resolve("lib"), storageState, snapshots)) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    assertEquals(List.of(), s.filter(f -> !f.equals(storageState) && !f.equals(snapshots)).toList(),
                            "left in " + p);
                }
            }
        }
    }

    /** After a failed test: SIGKILL, by pid, each QEMU of this folder still running. */
    void killLeftovers() {
        for (long pid : qemuProcesses()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Exists and is not a zombie (this machine's init reaps orphans only every second or so). */
    static boolean isAlive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }
}
