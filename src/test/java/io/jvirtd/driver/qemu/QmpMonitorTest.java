package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.daemon.LoopForDrivers;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.rpc.loop.EventLoop;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a real QEMU (TCG, tiny guest), its socket served by a real event loop. */
class QmpMonitorTest {

    @TempDir
    Path dir;
    private EventLoop loop;
    private LoopForDrivers driverLoop;
    private final List<Long> started = new ArrayList<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Boolean> closed = new CompletableFuture<>();
    private final List<Boolean> eventsOnLoop = new ArrayList<>();

    private final QmpMonitor.Listener listener = new QmpMonitor.Listener() {
        @Override
        public void onEvent(String event, Map<String, Object> data, long micros) {
            synchronized (eventsOnLoop) {
                eventsOnLoop.add(loop.inLoop());
            }
            events.add(data.isEmpty() ? event : event + " " + data);
        }

        @Override
        public void onClose(boolean byUs) {
            closed.complete(byUs);
        }
    };

    @BeforeEach
    void startLoop() {
        loop = new EventLoop("test-loop");
        loop.start();
        driverLoop = new LoopForDrivers(loop);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        loop.quit();
        assertTrue(loop.awaitTermination(5, TimeUnit.SECONDS));
    }

    @Test
    void drivesARealGuestAndSeesItsEvents() throws Exception {
        Path sock = dir.resolve("monitor.sock");
        Path serial = dir.resolve("serial.log");
        long pid = startPausedQemu(sock, serial);
        QmpMonitor mon = QmpMonitor.connect("t1", sock, driverLoop, listener, 10_000);

        assertEquals(Map.of("status", "prelaunch", "singlestep", false, "running", false),
                mon.execute("query-status", null, 5000));
        assertEquals(Map.of(), mon.execute("cont", null, 5000));
        assertEquals("RESUME", events.poll(5, TimeUnit.SECONDS));
        awaitFileContains(serial, TestGuests.BOOT_MARKER);

        VirException unknown = assertThrows(VirException.class, () -> mon.execute("no-such-command", null, 5000));
        assertEquals(VirErrorNumber.INTERNAL_ERROR.number(), unknown.code());
        assertEquals("internal error: unable to execute QEMU command 'no-such-command': "
                + "The command no-such-command has not been found", unknown.getMessage());

        mon.execute("system_powerdown", null, 5000);
        assertEquals("POWERDOWN", events.poll(5, TimeUnit.SECONDS));
        assertEquals("SHUTDOWN {guest=true, reason=guest-shutdown}", events.poll(5, TimeUnit.SECONDS));
        assertEquals("STOP", events.poll(5, TimeUnit.SECONDS));
        awaitFileContains(serial, TestGuests.POWERDOWN_MARKER);
        // -no-shutdown: QEMU stays, paused in 'shutdown'
        assertEquals("shutdown", ((Map<?, ?>) mon.execute("query-status", null, 5000)).get("status"));

        mon.execute("quit", null, 5000);
        assertFalse(closed.get(5, TimeUnit.SECONDS), "EOF from QEMU, not a close by us");
        VirException eof = assertThrows(VirException.class, () -> mon.execute("query-status", null, 5000));
        assertEquals("operation failed: End of file from qemu monitor", eof.getMessage());
        synchronized (eventsOnLoop) {
            assertTrue(eventsOnLoop.stream().allMatch(b -> b), "events are delivered on the loop thread");
        }
        assertEquals(0, loop.watchCount(), "the closed monitor is no longer watched");
        assertTrue(awaitDead(pid), "QEMU exits on quit");
    }

    /**
     * What a start and a reattach rely on: commands sent right after open() travel with the
     * negotiation and are answered in order, and awaitClose() returns only after everything
     * QEMU said before its EOF has reached the listener.
     */
    @Test
    void commandsSentWithTheNegotiationShareItsRoundTripAndTheCloseComesAfterTheLastEvent() throws Exception {
        Path sock = dir.resolve("monitor.sock");
        long pid = startPausedQemu(sock, dir.resolve("serial.log"));
        QmpMonitor mon = QmpMonitor.open("t2", sock, driverLoop, listener);
        CompletableFuture<Map<String, Object>> resumed = mon.expectEvent("RESUME", data -> true);
        CompletableFuture<Map<String, Object>> neverStopped = mon.expectEvent("STOP", data -> true);
        CompletableFuture<Object> status = mon.send("query-status", null);
        CompletableFuture<Object> cont = mon.send("cont", null);
        mon.awaitNegotiated(10_000);
        assertEquals("prelaunch", ((Map<?, ?>) mon.await(status, "query-status", 5000)).get("status"));
        assertEquals(Map.of(), mon.await(cont, "cont", 5000));
        assertEquals(Map.of(), mon.await(resumed, "RESUME", 5000), "a waiter gets its event");
        assertEquals("RESUME", events.poll(5, TimeUnit.SECONDS));
        assertFalse(mon.awaitClose(50), "still open");

        mon.send("quit", null);
        assertTrue(mon.awaitClose(10_000), "QEMU closed the monitor");
        assertEquals("SHUTDOWN {guest=false, reason=host-qmp-quit}", events.poll(), "delivered before the close");
        VirException eof = assertThrows(VirException.class, () -> mon.await(neverStopped, "STOP", 5000));
        assertEquals("operation failed: End of file from qemu monitor", eof.getMessage(), "a waiter fails at the close");
        assertFalse(closed.get(0, TimeUnit.SECONDS), "EOF from QEMU");
        assertTrue(awaitDead(pid), "QEMU exits on quit");
    }

    /**
     * Commands sent without an id (domstats' questions) get the next id-less reply: from several
     * threads at once, mixed with numbered ones, each gets its own command's answer, also after
     * a caller gave up on one before QEMU answered it.
     */
    @Test
    void unnumberedCommandsGetTheirOwnAnswersFromManyThreadsAndAfterOneWasGivenUp() throws Exception {
        Path sock = dir.resolve("monitor.sock");
        startPausedQemu(sock, dir.resolve("serial.log"));
        QmpMonitor mon = QmpMonitor.connect("t1", sock, driverLoop, listener, 10_000);
        // QEMU reads one byte per turn: this long command keeps it reading ~0.2 s, so the next
        // one is given up while it is written but not yet answered
        CompletableFuture<Object> slow = mon.send("human-monitor-command",
                Map.of("command-line", "help " + "x".repeat(50_000)));
        CompletableFuture<Object> givenUp = mon.sendUnnumbered("query-name", null);
        CompletableFuture<Void> queued = new CompletableFuture<>();
        driverLoop.execute(() -> queued.complete(null)); // loop tasks run in order: it is queued
        queued.get(5, TimeUnit.SECONDS);
        givenUp.cancel(false);
        CompletableFuture<Object> next = mon.sendUnnumbered("query-status", null);
        assertFalse(slow.isDone(), "QEMU still reads the long command");
        assertEquals("prelaunch", ((Map<?, ?>) mon.await(next, "query-status", 30_000)).get("status"),
                "the given-up command's answer is not the next one's");
        List<CompletableFuture<List<String>>> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(CompletableFuture.supplyAsync(() -> {
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    CompletableFuture<Object> status = mon.sendUnnumbered("query-status", null);
                    CompletableFuture<Object> kvm = mon.send("query-kvm", null);
                    CompletableFuture<Object> name = mon.sendUnnumbered("query-name", null);
                    Map<?, ?> st = (Map<?, ?>) mon.await(status, "query-status", 10_000);
                    Map<?, ?> k = (Map<?, ?>) mon.await(kvm, "query-kvm", 10_000);
                    Map<?, ?> n = (Map<?, ?>) mon.await(name, "query-name", 10_000);
                    if (!"prelaunch".equals(st.get("status")) || !k.containsKey("enabled") || !"t1".equals(n.get("name"))) {
                        wrong.add(st + " " + k + " " + n);
                    }
                }
                return wrong;
            }));
        }
        for (CompletableFuture<List<String>> t : threads) {
            assertEquals(List.of(), t.get(60, TimeUnit.SECONDS));
        }
        assertTrue(givenUp.isCancelled());
        VirException err = assertThrows(VirException.class,
                () -> mon.await(mon.sendUnnumbered("no-such-command", null), "no-such-command", 5000));
        assertEquals("internal error: unable to execute QEMU command 'no-such-command': "
                + "The command no-such-command has not been found", err.getMessage());
        assertEquals("prelaunch", ((Map<?, ?>) mon.await(mon.sendUnnumbered("query-status", null), "s", 5000)).get("status"));
        mon.execute("quit", null, 5000);
    }

    /**
     * A tiny guest defined without a serial port (as bench/qemu/domstats-guests.py's) reads the
     * absent UART's status as 0xff. It used to take that for input and echo it forever with
     * interrupts off: a core per guest, and no timer tick taken any more. Now it sleeps in hlt
     * between the BIOS timer's ticks, whose count (BIOS data area 0x46c) goes on.
     */
    @Test
    void aTinyGuestWithoutASerialPortSleepsBetweenTimerTicks() throws Exception {
        Path sock = dir.resolve("monitor.sock");
        startPausedQemu(sock, null);
        QmpMonitor mon = QmpMonitor.connect("noserial", sock, driverLoop, listener, 10_000);
        mon.execute("cont", null, 5000);
        // the BIOS keeps the time of day in timer ticks: once it is set (boot), 5 more ticks mean
        // that the guest's idle loop has run a few times
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long first = 0;
        long ticks = 0;
        while (first == 0 || ticks < first + 5) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the guest stopped taking timer ticks at " + ticks + " (from " + first
                        + "): busy with interrupts off");
            }
            Thread.sleep(20); // polling guest memory: there is nothing to wait on
            ticks = biosTicks(mon);
            first = first == 0 ? ticks : first;
        }
        int halted = 0;
        for (int i = 0; i < 20; i++) {
            String regs = String.valueOf(mon.execute("human-monitor-command", Map.of("command-line", "info registers"), 5000));
            halted += regs.contains("HLT=1") ? 1 : 0;
        }
        assertTrue(halted >= 15, "halted in only " + halted + " of 20 looks");
        assertTrue(biosTicks(mon) >= ticks, "the tick count goes on");
        mon.execute("quit", null, 5000);
    }

    /** The BIOS timer tick count (dword at 0x46c), through HMP {@code xp}. */
    private static long biosTicks(QmpMonitor mon) {
        String out = String.valueOf(mon.execute("human-monitor-command", Map.of("command-line", "xp /1wx 0x46c"), 5000));
        return Long.parseLong(out.substring(out.indexOf("0x", out.indexOf(':')) + 2).trim(), 16);
    }

    @Test
    void aCommandWithNoAnswerTimesOutAndFreesItsThread() throws Exception {
        // A monitor that greets, accepts qmp_capabilities, then never answers again.
        Path sock = dir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            CompletableFuture<SocketChannel> peer = CompletableFuture.supplyAsync(() -> {
                try {
                    SocketChannel c = server.accept();
                    c.write(ByteBuffer.wrap("{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n"
                            .getBytes(StandardCharsets.UTF_8)));
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    while (!new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).contains("\n")) {
                        c.read(in);
                    }
                    c.write(ByteBuffer.wrap("{\"return\": {}, \"id\": \"libvirt-1\"}\r\n".getBytes(StandardCharsets.UTF_8)));
                    return c;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            QmpMonitor mon = QmpMonitor.connect("silent", sock, driverLoop, listener, 5000);
            long t0 = System.nanoTime();
            VirException e = assertThrows(VirException.class, () -> mon.execute("query-status", null, 300));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(VirErrorNumber.OPERATION_TIMEOUT.number(), e.code());
            assertEquals("Timed out during operation: QEMU monitor of domain 'silent' did not answer "
                    + "'query-status' within 300 ms", e.getMessage());
            assertTrue(ms >= 300 && ms < 5000, "waited " + ms + " ms");
            mon.close();
            assertTrue(closed.get(5, TimeUnit.SECONDS), "closed by us");
            peer.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aSocketNobodyListensOnIsAClearError() {
        VirException e = assertThrows(VirException.class,
                () -> QmpMonitor.connect("none", dir.resolve("nothing.sock"), driverLoop, listener, 1000));
        assertEquals(VirErrorNumber.OPERATION_FAILED.number(), e.code());
        assertTrue(e.getMessage().startsWith("operation failed: failed to connect to monitor socket "), e.getMessage());
    }

    /** Plain QEMU, started paused and daemonised as the driver does (no serial port for a null serial); returns its pid. */
    private long startPausedQemu(Path sock, Path serial) throws Exception {
        Path pidFile = dir.resolve("qemu.pid");
        List<String> cmd = new ArrayList<>(List.of(TestGuests.qemu().toString(), "-name", "guest=t1", "-S", "-no-shutdown",
                "-machine", "pc,usb=off", "-accel", "tcg", "-m", "16", "-display", "none", "-no-user-config",
                "-nodefaults", "-chardev", "socket,id=charmonitor,path=" + sock + ",server=on,wait=off",
                "-mon", "chardev=charmonitor,id=monitor,mode=control", "-kernel", TestGuests.tinyKernel().toString(),
                "-daemonize", "-pidfile", pidFile.toString()));
        if (serial != null) {
            cmd.addAll(List.of("-chardev", "file,id=charserial0,path=" + serial,
                    "-device", "isa-serial,chardev=charserial0,id=serial0"));
        }
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "QEMU daemonises");
        assertEquals(0, p.exitValue(), () -> readQuietly(dir.resolve("qemu.log")));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        started.add(pid);
        return pid;
    }

    static void awaitFileContains(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            Thread.onSpinWait();
            Thread.sleep(10); // polling a file QEMU writes: there is nothing to wait on
        }
        throw new AssertionError(file + " never showed " + text + ": " + readQuietly(file));
    }

    /** Dead = gone, or a zombie waiting for this machine's slow init to reap it. */
    static boolean awaitDead(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!ProcState.isAlive(pid)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }
}
