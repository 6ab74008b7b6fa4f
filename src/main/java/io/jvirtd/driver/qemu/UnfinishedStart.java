package io.jvirtd.driver.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds and kills the QEMU of a start the daemon did not finish (it was killed between the
 * "starting" status file and the first status of a started guest). Such a QEMU may be in any
 * step of its own daemonising: the first process still waiting for initialisation, the
 * intermediate child, or the daemonised QEMU; its pid file may not exist yet. What all of them
 * share is their command line, which names the domain's pid file ({@code -pidfile PATH}), so
 * they are found by it in {@code /proc} — libvirt's qemuProcessReconnect kills such a domain
 * ("wasn't fully started yet"); libvirt's fork handshake makes a child that never got the go
 * exit by itself, jvirtd's has to be found. Each round kills what it finds and waits for it to
 * die; a process that forked just before its death shows up in the next round, so the rounds
 * end once one finds nothing. Stateless; worker threads (reads /proc, waits for processes).
 */
final class UnfinishedStart {

    private static final long KILL_WAIT_MILLIS = 5_000;
    private static final int MAX_ROUNDS = 10;

    private UnfinishedStart() {
    }

    /** Kills every live process started with {@code -pidfile pidFile}; true if there was one. */
    static boolean kill(Path pidFile) {
        boolean any = false;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Long> found = processesWith(pidFile.toString());
            if (found.isEmpty()) {
                return any;
            }
            any = true;
            for (long pid : found) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (long pid : found) {
                QemuLifecycle.awaitDeath(pid, KILL_WAIT_MILLIS);
            }
        }
        return any;
    }

    /** Live processes whose argv holds {@code -pidfile} followed by {@code pidFile}. */
    static List<Long> processesWith(String pidFile) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(n);
                if (namesPidFile(p.resolve("cmdline"), pidFile) && ProcState.isAlive(pid)) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean namesPidFile(Path cmdline, String pidFile) {
        byte[] b;
        try {
            b = Files.readAllBytes(cmdline);
        } catch (IOException e) {
            return false; // gone meanwhile, or not ours to read
        }
        String[] argv = new String(b, StandardCharsets.UTF_8).split("\0");
        for (int i = 0; i + 1 < argv.length; i++) {
            if (argv[i].equals("-pidfile") && argv[i + 1].equals(pidFile)) {
                return true;
            }
        }
        return false;
    }
}
