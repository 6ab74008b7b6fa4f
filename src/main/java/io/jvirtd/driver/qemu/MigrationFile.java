package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * QEMU's migration stream between a paused guest and a save image file.
 *
 * <p>libvirt hands QEMU an open file with {@code getfd} (SCM_RIGHTS), which Java cannot send
 * without native code. QEMU 7.2 has no {@code file:} migration yet, and {@code exec:} would run a
 * shell as QEMU's user, who may not be allowed to write where the client asked. So the stream
 * goes through a unix socket in the guest's run folder, and the daemon itself reads and writes
 * the file, as libvirtd opens it itself: a save listens there and QEMU's {@code migrate}
 * connects; a restore starts QEMU with {@code -incoming defer}, {@code migrate-incoming} makes
 * QEMU listen, and the daemon connects and sends the stream from the image's offset.
 *
 * <p>A save writes a temporary file beside the target (partial magic first, final magic last,
 * forced to disk) and renames it over the target only when QEMU reports the migration
 * completed: a failure never leaves a partial image nor harms an existing one.
 *
 * <p>Unlike libvirt's qemuMigrationParamsApply, a save sets only the {@code events}
 * capability and leaves the others as QEMU has them: libvirt switches off every capability it
 * knows, so one a client turned on through {@code qemu-monitor-command} (a tainted guest) does
 * not reach its save. Here {@code pause-before-switchover} set that way holds the save before
 * switchover until {@code domjobabort} or a destroy ends it; QemuJobInfoIT relies on that hold,
 * since the daemon's own copy of the stream cannot be stopped from outside as libvirtd's
 * iohelper can.
 *
 * <p>Threads: stateless; a worker thread under the domain's job does the blocking copy (never
 * the event loop, which keeps serving the monitor meanwhile), and no lock is held.
 */
final class MigrationFile {

    /** How long QEMU may take to connect, or to report the end of a migration whose stream ended. */
    private static final long CONNECT_MILLIS = QemuLifecycle.MONITOR_TIMEOUT_MILLIS;
    private static final long END_MILLIS = QemuLifecycle.MONITOR_TIMEOUT_MILLIS;
    /** libvirt's QEMU_DOMAIN_MIG_BANDWIDTH_MAX (MiB/s) in bytes/s: a save runs at full speed. */
    static final long UNLIMITED = (Long.MAX_VALUE / (1024 * 1024)) * 1024 * 1024;
    private static final int BUFFER = 1 << 20;
    /** MIGRATION statuses after which nothing more happens. */
    private static final Set<String> END_STATES = Set.of("completed", "failed", "cancelled");

    private MigrationFile() {
    }

    /**
     * Writes {@code head} and then the paused guest's state to {@code target}. On failure the
     * migration is cancelled and nothing is left at {@code target} but what was there before;
     * a migration cancelled meanwhile ({@code migrate_cancel}, virDomainAbortJob) fails with
     * libvirt's "operation aborted: job 'domain save' canceled by client".
     *
     * @param mon       the guest's monitor
     * @param runDir    the guest's run folder, where the socket goes
     * @param migrating told once QEMU accepted {@code migrate}: from then on {@code query-migrate} has figures
     * @return QEMU's last {@code query-migrate} answer (status completed), the save's final statistics
     */
    static Map<String, Object> save(QmpMonitor mon, Path runDir, Path target, SaveImage head, Runnable migrating) {
        return toFile(mon, runDir, target, head, "domain save", "domain save file", migrating);
    }

    /**
     * The guest's state as QEMU's bare migration stream in {@code target}, as libvirt's
     * non-memory-only core dump (qemuMigrationSrcToFile with no save-image header): as
     * {@link #save}, with "job 'domain core dump'" in the errors.
     */
    static Map<String, Object> dump(QmpMonitor mon, Path runDir, Path target, Runnable migrating) {
        return toFile(mon, runDir, target, null, "domain core dump", "core dump file", migrating);
    }

    private static Map<String, Object> toFile(QmpMonitor mon, Path runDir, Path target, SaveImage head, String job,
                                              String what, Runnable migrating) {
        Path sock = runDir.resolve("save.sock");
        Path tmp = target.resolveSibling("." + target.getFileName() + ".jvirtd-partial");
        Object oldBandwidth = null;
        boolean started = false;
        Map<String, Object> result;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Files.deleteIfExists(sock);
            server.bind(UnixDomainSocketAddress.of(sock));
            ownLikeRunDir(sock, runDir);
            try (FileChannel out = create(tmp, target)) {
                if (head != null) {
                    out.write(ByteBuffer.wrap(head.encode(false)), 0);
                }
                oldBandwidth = bandwidth(mon);
                mon.execute("migrate-set-parameters", Map.of("max-bandwidth", UNLIMITED),
                        QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                enableEvents(mon);
                CompletableFuture<Map<String, Object>> end = expectEnd(mon);
                try {
                    CompletableFuture<Object> migrate = mon.send("migrate", Map.of("uri", "unix:" + sock));
                    started = true;
                    try (SocketChannel in = accept(server, migrate, mon)) {
                        mon.await(migrate, "migrate", QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                        migrating.run();
                        copy(in, out, head != null ? head.streamOffset() : 0);
                    }
                    result = awaitEnd(mon, end, job);
                } finally {
                    end.cancel(false);
                }
                if (head != null) {
                    out.write(ByteBuffer.wrap(SaveImage.completeMagic()), 0);
                }
                out.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } catch (IOException e) {
            cleanUp(mon, started, oldBandwidth, tmp);
            throw VirException.systemError(VirErrorDomain.QEMU, 5,
                    "failed to write " + what + " '" + target + "'", String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            cleanUp(mon, started, oldBandwidth, tmp);
            throw e;
        } finally {
            QemuLifecycle.deleteQuietly(sock);
        }
    }

    /**
     * Feeds the stream of the image at {@code image} (from {@code offset}) to the QEMU behind
     * {@code mon}, started with {@code -incoming defer}, and waits until it has loaded it.
     */
    static void load(QmpMonitor mon, Path runDir, Path image, long offset) {
        Path sock = runDir.resolve("incoming.sock");
        enableEvents(mon);
        CompletableFuture<Map<String, Object>> end = expectEnd(mon);
        try {
            mon.execute("migrate-incoming", Map.of("uri", "unix:" + sock), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            send(image, offset, sock);
            awaitEnd(mon, end, "start"); // a restore is libvirt's VIR_ASYNC_JOB_START
        } finally {
            end.cancel(false);
        }
    }

    /**
     * Cancels the migration of a save whose daemon went away (qemuProcessRecoverJob) and waits
     * until QEMU has left it: QEMU refuses {@code cont} while a cancelled migration still
     * winds down (run state finish-migrate), e.g. one that waited before switchover. Nothing to
     * wait for when the migration had failed already, with the daemon's end of the stream.
     * The {@code events} capability is still on from the save.
     */
    static void cancelInterrupted(QmpMonitor mon) {
        CompletableFuture<Map<String, Object>> end = expectEnd(mon);
        try {
            mon.execute("migrate_cancel", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            Object r = mon.execute("query-migrate", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            String status = r instanceof Map<?, ?> m ? String.valueOf(m.get("status")) : "none";
            if (!END_STATES.contains(status) && !"none".equals(status) && !"null".equals(status)) {
                mon.await(end, "MIGRATION", END_MILLIS);
            }
        } finally {
            end.cancel(false);
        }
    }

    /** Sends the image's stream from {@code offset} to QEMU listening on {@code sock}. */
    private static void send(Path image, long offset, Path sock) {
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
             SocketChannel out = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            out.connect(UnixDomainSocketAddress.of(sock)); // QEMU listens once migrate-incoming answered
            long size = in.size();
            for (long pos = offset; pos < size; ) {
                long n = in.transferTo(pos, size - pos, out);
                if (n <= 0) {
                    break;
                }
                pos += n;
            }
            out.shutdownOutput();
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5, "cannot send the saved state of '" + image
                    + "' to QEMU", String.valueOf(e.getMessage()));
        } finally {
            QemuLifecycle.deleteQuietly(sock);
        }
    }

    /** The temporary file, owner-only as libvirt's save images; the target's folder must exist. */
    static FileChannel create(Path tmp, Path target) throws IOException {
        Files.deleteIfExists(tmp); // a crashed save's leftover
        try {
            return FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 2, "Failed to create file '" + target + "'",
                    "No such file or directory");
        }
    }

    /** QEMU may run as another user (qemu.conf's user): it must be able to connect. */
    private static void ownLikeRunDir(Path sock, Path runDir) throws IOException {
        Object uid = Files.getAttribute(runDir, "unix:uid");
        if (!uid.equals(Files.getAttribute(sock, "unix:uid"))) {
            Files.setAttribute(sock, "unix:uid", uid);
            Files.setAttribute(sock, "unix:gid", Files.getAttribute(runDir, "unix:gid"));
        }
    }

    /** Waits for QEMU's connection; a failed {@code migrate} or the time limit ends the wait. */
    private static SocketChannel accept(ServerSocketChannel server, CompletableFuture<Object> migrate, QmpMonitor mon)
            throws IOException {
        migrate.whenComplete((v, e) -> {
            if (e != null) {
                closeQuietly(server); // wakes the accept below
            }
        });
        CompletableFuture.delayedExecutor(CONNECT_MILLIS, TimeUnit.MILLISECONDS).execute(() -> closeQuietly(server));
        try {
            return server.accept();
        } catch (AsynchronousCloseException e) {
            if (migrate.isCompletedExceptionally()) {
                mon.await(migrate, "migrate", 1); // throws QEMU's error
            }
            throw VirException.of(VirErrorNumber.OPERATION_TIMEOUT, VirErrorDomain.QEMU,
                    "QEMU did not connect to save the domain within " + CONNECT_MILLIS + " ms");
        }
    }

    private static void copy(SocketChannel in, FileChannel out, long from) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        long pos = from;
        while (in.read(buf) >= 0) {
            if (!buf.hasRemaining()) {
                pos += drain(buf, out, pos);
            }
        }
        drain(buf, out, pos);
    }

    private static long drain(ByteBuffer buf, FileChannel out, long pos) throws IOException {
        buf.flip();
        long written = 0;
        while (buf.hasRemaining()) {
            written += out.write(buf, pos + written);
        }
        buf.clear();
        return written;
    }

    /**
     * The {@code events} migration capability, as libvirt turns it on: QEMU then sends a
     * MIGRATION event at each status change (QEMU 7.2 sends none without it).
     */
    private static void enableEvents(QmpMonitor mon) {
        mon.execute("migrate-set-capabilities", Map.of("capabilities",
                List.of(Map.of("capability", "events", "state", true))), QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
    }

    /** The MIGRATION event that ends a migration (completed, failed or cancelled); before the migration starts. */
    private static CompletableFuture<Map<String, Object>> expectEnd(QmpMonitor mon) {
        return mon.expectEvent("MIGRATION", data -> END_STATES.contains(String.valueOf(data.get("status"))));
    }

    /**
     * Waits for the MIGRATION event that ends the migration, then asks {@code query-migrate} once
     * for the outcome (QEMU's error text for a failure) and returns that answer; throws
     * libvirt's errors (qemuMigrationJobCheckStatus) when it did not complete.
     *
     * @param job libvirt's name of the job (qemuMigrationJobName)
     */
    private static Map<String, Object> awaitEnd(QmpMonitor mon, CompletableFuture<Map<String, Object>> end,
                                                String job) {
        try {
            mon.await(end, "MIGRATION", END_MILLIS);
        } catch (VirException e) {
            if (e.code() != VirErrorNumber.OPERATION_TIMEOUT.number()) {
                throw e;
            }
            // no end event in time: the final check below says where QEMU is
        }
        Object r = mon.execute("query-migrate", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        String status = r instanceof Map<?, ?> m ? String.valueOf(m.get("status")) : "none";
        switch (status) {
            case "completed" -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> answer = (Map<String, Object>) r;
                return answer;
            }
            case "cancelled" -> throw VirException.of(VirErrorNumber.OPERATION_ABORTED, VirErrorDomain.QEMU,
                    "job '" + job + "' canceled by client"); // only a client's abort cancels it
            case "failed" -> {
                Object desc = r instanceof Map<?, ?> m ? m.get("error-desc") : null;
                throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU, desc != null
                        ? "job '" + job + "' failed: " + desc : "job '" + job + "' unexpectedly failed");
            }
            default -> throw VirException.of(VirErrorNumber.OPERATION_TIMEOUT, VirErrorDomain.QEMU,
                    "job '" + job + "': QEMU did not finish the migration (status " + status + ")");
        }
    }

    private static Object bandwidth(QmpMonitor mon) {
        Object r = mon.execute("query-migrate-parameters", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        return r instanceof Map<?, ?> m ? m.get("max-bandwidth") : null;
    }

    /** After a failed save: stop QEMU's side, restore its speed limit, drop the temporary file. */
    private static void cleanUp(QmpMonitor mon, boolean started, Object oldBandwidth, Path tmp) {
        try {
            if (started) {
                mon.execute("migrate_cancel", null, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            }
            if (oldBandwidth != null) {
                mon.execute("migrate-set-parameters", Map.of("max-bandwidth", oldBandwidth),
                        QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            }
        } catch (RuntimeException e) {
            // the monitor is gone: the guest is too, nothing to undo there
        }
        QemuLifecycle.deleteQuietly(tmp);
    }

    private static void closeQuietly(ServerSocketChannel s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing to wake a waiter: nothing else to do
        }
    }
}
