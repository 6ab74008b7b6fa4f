package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code qemu_root} folder of a QEMU driver test (every file the driver writes lives under
 * it), and what a test needs to know about it: a guest's QEMU pid, the check that nothing is
 * left (no QEMU process whose command line names the folder, as {@code ps} would show, and no
 * status file, pid file or monitor socket), and the clean-up that kills, by pid, only the QEMUs
 * of this folder that a failed test left running. One per test; the test's thread.
 */
final class QemuTestRoot implements AutoCloseable {

    private final Path dir;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    QemuTestRoot(Path tempDir) {
        this.dir = tempDir.resolve("qemu");
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

    /** After each test: stops the daemons it started here, then any QEMU of this folder a failure left. */
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
