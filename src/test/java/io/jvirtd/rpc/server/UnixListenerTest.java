package io.jvirtd.rpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.FakeTicker;
import io.jvirtd.rpc.pool.WorkerPool;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix listeners: the socket file carries its configured mode and group from the moment it
 * exists at its path (bound privately, then renamed into place); a stale socket of a dead
 * daemon is replaced, a live one is refused.
 */
class UnixListenerTest {

    @TempDir
    Path dir;
    private EventLoop loop;
    private WorkerPool pool;
    private NetServer server;

    @BeforeEach
    void setUp() {
        loop = new EventLoop("unix-test", new FakeTicker());
        pool = new WorkerPool("test", 1, 1, 0);
        server = new NetServer("test", loop, pool, ServerLimits.DEFAULTS, new FakeTicker());
    }

    @AfterEach
    void tearDown() {
        server.closeListeners();
        pool.shutdown();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void socketHasItsModeAndGroupBeforeAnythingIsWatched() throws Exception {
        GroupPrincipal group = FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(isRoot() ? "nogroup" : currentGroup());
        Path rw = dir.resolve("libvirt-sock");
        Path ro = dir.resolve("libvirt-sock-ro");
        Path admin = dir.resolve("libvirt-admin-sock");
        server.addUnixListener(rw, PosixFilePermissions.fromString("rwxrwx---"), group, false, 0);
        server.addUnixListener(ro, PosixFilePermissions.fromString("rwxrwxrwx"), group, true, 0);
        server.addUnixListener(admin, PosixFilePermissions.fromString("rwx------"), null, false, 0);
        assertEquals("rwxrwx---", mode(rw));
        assertEquals("rwxrwxrwx", mode(ro));
        assertEquals("rwx------", mode(admin));
        assertEquals(group, Files.getFileAttributeView(rw, PosixFileAttributeView.class).readAttributes().group());
        assertEquals(group, Files.getFileAttributeView(ro, PosixFileAttributeView.class).readAttributes().group());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(3, left.count(), "no private bind folder left behind");
        }
        // The sockets work at their final path.
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertTrue(c.connect(UnixDomainSocketAddress.of(ro)));
        }
    }

    @Test
    void staleSocketOfADeadDaemonIsReplaced() throws Exception {
        Path p = dir.resolve("libvirt-sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(p));
        dead.close(); // the file stays, nobody listens: what kill -9 leaves
        assertTrue(Files.exists(p));
        server.addUnixListener(p, PosixFilePermissions.fromString("rwx------"), null, false, 0);
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertTrue(c.connect(UnixDomainSocketAddress.of(p)));
        }
    }

    @Test
    void socketALiveProcessListensOnIsNotStolen() throws Exception {
        Path p = dir.resolve("libvirt-sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(p));
            IOException e = assertThrows(IOException.class,
                    () -> server.addUnixListener(p, PosixFilePermissions.fromString("rwx------"), null, false, 0));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("Address already in use"),
                    e.getMessage());
            assertTrue(Files.exists(p), "the live socket is left alone");
        }
    }

    @Test
    void regularFileInTheWayIsNotDeleted() throws Exception {
        Path p = dir.resolve("libvirt-sock");
        Files.writeString(p, "precious");
        assertThrows(IOException.class,
                () -> server.addUnixListener(p, PosixFilePermissions.fromString("rwx------"), null, false, 0));
        assertEquals("precious", Files.readString(p));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String currentGroup() throws IOException {
        Path tmp = Files.createTempFile("grp", "");
        try {
            return Files.getFileAttributeView(tmp, PosixFileAttributeView.class).readAttributes().group().getName();
        } finally {
            Files.delete(tmp);
        }
    }
}
