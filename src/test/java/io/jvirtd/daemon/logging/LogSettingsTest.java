package io.jvirtd.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.VirException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libvirt's log filters and outputs: their syntax, their errors, what gets written where. */
class LogSettingsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private LogSettings settings() {
        LogSettings s = new LogSettings(new PrintStream(err, true), dir.resolve("journal"));
        s.configure(0, null, null, false, Map.of(), "jvirtd version: test");
        return s;
    }

    private static JvirtdLoggerFinder.SourceLogger logger(LogSettings s, String name) {
        return new JvirtdLoggerFinder.SourceLogger(name, s);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultsAreLibvirtdsWarningsToStderr() {
        LogSettings s = settings();
        assertEquals("3:stderr", s.outputsString());
        assertEquals(1, s.outputCount());
        assertNull(s.filtersString());
        assertEquals(0, s.filterCount());
        assertFalse(logger(s, "io.jvirtd.rpc.server").isLoggable(System.Logger.Level.INFO));
        assertTrue(logger(s, "io.jvirtd.rpc.server").isLoggable(System.Logger.Level.WARNING));
    }

    @Test
    void verboseAndConfigAndEnvironmentApplyInLibvirtdsOrder() {
        LogSettings s = new LogSettings(new PrintStream(err), dir.resolve("journal"));
        s.configure(3, "4:event", null, true, Map.of(), "v");
        assertEquals("2:stderr", s.outputsString(), "--verbose: info, and the default output follows it");
        s.configure(4, null, "3:stderr", false, Map.of("LIBVIRT_LOG_FILTERS", "1:rpc", "LIBVIRT_DEBUG", "info"), "v");
        assertEquals("1:*rpc* ", s.filtersString());
        assertEquals(2, s.defaultPriority());
        assertEquals("3:stderr", s.outputsString());
    }

    @Test
    void filtersReadBackAsLibvirtStoresThem() {
        LogSettings s = settings();
        s.setFilters("1:rpc   3:remote +4:event 2:+util.threadpool");
        assertEquals("1:*rpc* 3:*remote* 4:*event* 2:*util.threadpool* ", s.filtersString());
        assertEquals(4, s.filterCount());
        s.setFilters("");
        assertNull(s.filtersString());
        s.setFilters(null);
        assertEquals(0, s.filterCount());
    }

    @Test
    void badFiltersAreRefusedWithLibvirtsTextAndChangeNothing() {
        LogSettings s = settings();
        s.setFilters("1:rpc");
        assertEquals("invalid argument: Malformed format for filter 'bogus'", refused(() -> s.setFilters("bogus")));
        assertEquals("invalid argument: Invalid priority '7' for filter '7:rpc'", refused(() -> s.setFilters("7:rpc")));
        assertEquals("invalid argument: Invalid priority 'x' for filter 'x:rpc'", refused(() -> s.setFilters("x:rpc")));
        assertEquals("invalid argument: Invalid match string '+'", refused(() -> s.setFilters("1:+")));
        assertEquals("invalid argument: Invalid match string ''", refused(() -> s.setFilters("3:remote 1:")));
        assertEquals("1:*rpc* ", s.filtersString());
    }

    @Test
    void outputsParseDeduplicateAndRefuseLikeLibvirt() {
        LogSettings s = settings();
        Path log = dir.resolve("a.log");
        s.setOutputs("3:stderr 1:file:" + log + " 2:stderr");
        assertEquals("1:file:" + log + " 2:stderr", s.outputsString(), "a later stderr replaces the earlier one");
        assertEquals(2, s.outputCount());
        assertEquals("invalid argument: Malformed format for log output 'bogus'", refused(() -> s.setOutputs("bogus")));
        assertEquals("invalid argument: Invalid log priority '0' for log output '0:stderr'",
                refused(() -> s.setOutputs("0:stderr")));
        assertEquals("invalid argument: Invalid log destination 'tty' for log output '3:tty'",
                refused(() -> s.setOutputs("3:tty")));
        assertEquals("invalid argument: Log output '3:file' does not meet the format requirements for destination "
                + "type 'file'", refused(() -> s.setOutputs("3:file")));
        assertEquals("invalid argument: Log output '3:stderr:x' does not meet the format requirements for destination "
                + "type 'stderr'", refused(() -> s.setOutputs("3:stderr:x")));
        VirException e = assertThrows(VirException.class, () -> s.setOutputs("1:file:" + dir.resolve("no/such/x.log")));
        assertEquals(38, e.code());
        assertEquals("failed to open " + dir.resolve("no/such/x.log") + ": No such file or directory", e.str2());
        assertEquals("1:file:" + log + " 2:stderr", s.outputsString(), "unchanged after errors");
        s.setOutputs("");
        assertEquals("3:stderr", s.outputsString(), "empty restores the default output");
    }

    @Test
    void firstMatchingFilterDecidesAndOutputsFilterAgain() throws IOException {
        LogSettings s = settings();
        Path log = dir.resolve("debug.log");
        s.setOutputs("3:stderr 1:file:" + log);
        s.setFilters("1:rpc 4:rpc.netserver 3:remote");
        JvirtdLoggerFinder.SourceLogger server = logger(s, "io.jvirtd.rpc.server");
        JvirtdLoggerFinder.SourceLogger pool = logger(s, "io.jvirtd.driver.mockhost");
        JvirtdLoggerFinder.SourceLogger remote = logger(s, "io.jvirtd.daemon.remote");
        assertEquals("rpc.netserver", server.category());
        assertTrue(server.isLoggable(System.Logger.Level.DEBUG), "1:rpc comes first and matches rpc.netserver");
        assertFalse(pool.isLoggable(System.Logger.Level.DEBUG), "test.test_driver matches no filter: default 3");
        server.log(System.Logger.Level.DEBUG, "client {0} read {1} bytes", 7, 28);
        server.log(System.Logger.Level.WARNING, "slow client {0}", 7);
        remote.log(System.Logger.Level.INFO, "not shown: 3:remote");
        String file = Files.readString(log);
        assertTrue(file.contains(": debug : io.jvirtd.rpc.server : client 7 read 28 bytes\n"), file);
        assertTrue(file.contains(": warning : io.jvirtd.rpc.server : slow client 7\n"), file);
        assertFalse(file.contains("not shown"), file);
        assertTrue(file.startsWith(file.substring(0, 28)) && file.contains(": info : jvirtd version: test\n"), file);
        assertFalse(stderr().contains("read 28 bytes"), "stderr takes warnings only");
        assertTrue(stderr().contains("slow client 7"), stderr());
        assertTrue(stderr().matches("(?s)\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000: \\d+: info : jvirtd.*"),
                stderr());

        s.setFilters("4:io.jvirtd.rpc");
        assertFalse(server.isLoggable(System.Logger.Level.WARNING), "a change reaches cached loggers");
    }

    /** libvirt prints numbers as printf's %d does, whatever the locale: no grouping, ASCII digits. */
    @Test
    void numbersInLogLinesIgnoreTheLocale() {
        Locale saved = Locale.getDefault();
        Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
        try {
            for (Locale l : new Locale[] {Locale.US, Locale.GERMANY, Locale.forLanguageTag("th-TH-u-nu-thai")}) {
                Locale.setDefault(l);
                err.reset();
                LogSettings s = settings();
                logger(s, "io.jvirtd.rpc.server").log(System.Logger.Level.WARNING,
                        "client {0}: packet {1} bytes too small, {2}", 219942L, 26, 1.5);
                assertTrue(stderr().contains(" : client 219942: packet 26 bytes too small, 1.5\n"), l + ": " + stderr());
                assertTrue(stderr().matches("(?s)\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000: \\d+: .*"),
                        l + ": " + stderr());
            }
        } finally {
            Locale.setDefault(saved);
            Locale.setDefault(Locale.Category.FORMAT, savedFormat);
        }
    }

    @Test
    void sighupReopensARotatedFile() throws IOException {
        LogSettings s = settings();
        Path log = dir.resolve("jvirtd.log");
        s.setOutputs("3:file:" + log);
        JvirtdLoggerFinder.SourceLogger l = logger(s, "io.jvirtd.daemon");
        l.log(System.Logger.Level.ERROR, "before rotation");
        Files.move(log, dir.resolve("jvirtd.log.1"));
        l.log(System.Logger.Level.ERROR, "still into the old file");
        s.reopen();
        l.log(System.Logger.Level.ERROR, "after SIGHUP");
        assertTrue(Files.readString(dir.resolve("jvirtd.log.1")).contains("still into the old file"));
        String fresh = Files.readString(log);
        assertTrue(fresh.contains("after SIGHUP"), fresh);
        assertFalse(fresh.contains("before rotation"), fresh);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(log)));
    }

    @Test
    void journaldGetsTheStreamHeaderAndPrioritisedLines() throws Exception {
        Path sock = dir.resolve("journal");
        try (ServerSocketChannel journal = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            journal.bind(UnixDomainSocketAddress.of(sock));
            LogSettings s = settings();
            s.setOutputs("2:journald");
            assertEquals("2:journald", s.outputsString());
            logger(s, "io.jvirtd.daemon").log(System.Logger.Level.WARNING, "to the journal");
            try (SocketChannel peer = journal.accept(); InputStream in = Channels.newInputStream(peer)) {
                s.setOutputs("3:stderr"); // closes the journal stream
                String got = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(got.startsWith("jvirtd\n\n6\n1\n0\n0\n0\n<6>"), got);
                assertTrue(got.contains("<4>") && got.contains(": warning : io.jvirtd.daemon : to the journal\n"), got);
            }
        }
    }

    @Test
    void journaldAbsentIsAcceptedAndQuiet() {
        LogSettings s = settings();
        s.setOutputs("1:journald");
        logger(s, "io.jvirtd.daemon").log(System.Logger.Level.ERROR, "dropped");
        assertEquals("1:journald", s.outputsString());
        assertEquals("", stderr());
    }

    @Test
    void categoriesAreLibvirtLike() {
        assertEquals("daemon.remote", LogCategories.of("io.jvirtd.daemon.remote"));
        assertEquals("daemon.libvirtd", LogCategories.of("io.jvirtd.daemon"));
        assertEquals("util.threadpool", LogCategories.of("io.jvirtd.rpc.pool"));
        assertEquals("conf.object_event", LogCategories.of("io.jvirtd.model.event.Bus"));
        assertEquals("com.sun.net.httpserver", LogCategories.of("com.sun.net.httpserver"));
    }

    private static String refused(Runnable r) {
        VirException e = assertThrows(VirException.class, r::run);
        assertEquals(0, e.domain(), "virlog.c reports from VIR_FROM_NONE");
        return e.message();
    }
}
