package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts QEMU for a domain: the run folder, QEMU's log (a header with the command line, then
 * whatever QEMU prints), the daemonised process with its pid file. QEMU daemonises itself, so
 * its parent is not the daemon and {@code kill -9} of jvirtd never takes a guest down; the
 * launch returns once QEMU's initialisation is over (its first process exits 0) and the monitor
 * socket listens. A QEMU that fails leaves nothing behind: no process, pid file, socket or folder.
 * Stateless; worker threads only (it waits for a process).
 */
final class QemuLauncher {

    private static final long INIT_TIMEOUT_SECONDS = 60;
    /** libvirt reports at most this much of QEMU's log in an error. */
    private static final int MAX_LOG_TAIL = 1024;

    /** A started, paused QEMU. */
    record Launched(long pid, Path monitor, Path runDir) {
    }

    private QemuLauncher() {
    }

    /** QEMU as the daemon's user. */
    static Launched launch(DomainDef d, QemuPaths paths, String version) {
        return launch(d, paths, QemuRunAs.DAEMON, version);
    }

    static Launched launch(DomainDef d, QemuPaths paths, QemuRunAs runAs, String version) {
        return launch(d, paths, runAs, version, QemuVolumeFiles.NONE);
    }

    /** @param volumes the files of the volume disks, translated through their pools */
    static Launched launch(DomainDef d, QemuPaths paths, QemuRunAs runAs, String version, QemuVolumeFiles volumes) {
        return launch(d, paths, runAs, version, volumes, List.of());
    }

    /** @param extra arguments after the domain's own (a restore's {@code -incoming defer}) */
    static Launched launch(DomainDef d, QemuPaths paths, QemuRunAs runAs, String version, QemuVolumeFiles volumes,
                           List<String> extra) {
        Path runDir = paths.runDir(d.id(), d.name());
        Path monitor = runDir.resolve("monitor.sock");
        Path pidFile = paths.pidFile(d.name());
        Path log = paths.logFile(d.name());
        List<String> argv = new ArrayList<>(QemuCommandLine.build(d, monitor, pidFile, true, volumes));
        argv.addAll(extra);
        Map<String, String> env = QemuEnvironment.forDaemon(runDir);
        long logStart;
        try {
            Files.createDirectories(paths.stateDir());
            Files.createDirectories(paths.logDir());
            Files.createDirectories(runDir);
            argv.addAll(runAs.prepare(runDir)); // QEMU drops to the configured user (qemu.conf's user/group)
            Files.deleteIfExists(monitor);
            Files.deleteIfExists(pidFile);
            String header = QemuLogHeader.startingUp(version) + QemuCommandLine.toShell(env, argv);
            if (runAs.highPrivileges()) { // qemuDomainObjCheckTaint, right after the command line
                header += Taints.logLine(d.id(), Taints.HIGH_PRIVILEGES);
            }
            Files.writeString(log, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            logStart = Files.size(log);
        } catch (IOException e) {
            cleanup(runDir, pidFile);
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "cannot prepare to start domain '" + d.name() + "'",
                    e.getMessage());
        }
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().clear(); // libvirt's: only what QemuEnvironment names, never the daemon's all
            pb.environment().putAll(env);
            p = pb.start();
        } catch (IOException e) {
            cleanup(runDir, pidFile);
            throw VirException.systemError(VirErrorDomain.QEMU, 2, "Cannot find QEMU binary " + d.emulator(),
                    "No such file or directory");
        }
        int exit;
        try {
            if (!p.waitFor(INIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                UnfinishedStart.kill(pidFile); // the intermediate child too, which writes no pid file
                cleanup(runDir, pidFile);
                throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                        "QEMU did not finish initialising within " + INIT_TIMEOUT_SECONDS + " s");
            }
            exit = p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            UnfinishedStart.kill(pidFile);
            cleanup(runDir, pidFile);
            throw VirException.internalError(VirErrorDomain.QEMU, "interrupted while starting QEMU");
        }
        long pid = readPid(pidFile);
        if (exit != 0 || pid <= 0) {
            if (pid > 0) {
                kill(pid);
            }
            cleanup(runDir, pidFile);
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                    "qemu unexpectedly closed the monitor: " + logTail(log, logStart));
        }
        return new Launched(pid, monitor, runDir);
    }

    /** The text QEMU wrote to its log since {@code from}, at most the last MAX_LOG_TAIL bytes. */
    static String logTail(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.max(Math.min(from, all.length), all.length - MAX_LOG_TAIL);
            String s = new String(all, start, all.length - start, StandardCharsets.UTF_8).strip();
            List<String> keep = new ArrayList<>();
            for (String line : s.split("\n")) {
                if (!line.contains("char device redirected to")) { // libvirt drops these too
                    keep.add(line);
                }
            }
            return String.join("\n", keep);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static long readPid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Removes what a run leaves: its folder (monitor socket) and pid file. */
    static void cleanup(Path runDir, Path pidFile) {
        try {
            Files.deleteIfExists(pidFile);
            if (Files.isDirectory(runDir)) {
                try (var s = Files.list(runDir)) {
                    for (Path f : (Iterable<Path>) s::iterator) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(runDir);
            }
        } catch (IOException e) {
            System.getLogger("io.jvirtd.driver.qemu").log(System.Logger.Level.WARNING,
                    "cannot clean up " + runDir + ": " + e.getMessage());
        }
    }
}
