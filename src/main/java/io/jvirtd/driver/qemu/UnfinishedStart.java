package io.jvirtd.driver.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * end once one finds nothing new. Stateless; worker threads (reads /proc, waits for processes).
 */
final class UnfinishedStart {

    private static final long KILL_WAIT_MILLIS = 5_000;
    private static final int MAX_ROUNDS = 10;

    private UnfinishedStart() {
    }

    /** What {@link #kill} found. */
    enum Outcome {
        /** No process named the pid file. */
        NONE,
        /** There were some, and none is left. */
        KILLED,
        /** Some would not die (a process stuck in the kernel, D state): still there. */
        SURVIVED
    }

    /**
     * Kills every live process started with {@code -pidfile pidFile}. A round that finds no
     * process it has not seen before ends the rounds: one that will not die is not waited for
     * again and again, and is reported rather than counted as killed.
     */
    static Outcome kill(Path pidFile) {
        Set<Long> seen = new HashSet<>();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Long> found = processesWith(pidFile.toString());
            if (!seen.addAll(found)) { // none left, or only ones killed already that would not die
                break;
            }
            for (long pid : found) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (long pid : found) {
                QemuLifecycle.awaitDeath(pid, KILL_WAIT_MILLIS);
            }
        }
        if (seen.isEmpty()) {
            return Outcome.NONE;
        }
        return processesWith(pidFile.toString()).isEmpty() ? Outcome.KILLED : Outcome.SURVIVED;
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
