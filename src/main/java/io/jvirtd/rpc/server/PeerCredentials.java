package io.jvirtd.rpc.server;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Facts about a unix-socket peer: its user and group (SO_PEERCRED), and the inode of our end of
 * the connection, from which the admin interface finds the peer process (the JDK's SO_PEERCRED
 * drops the pid). Stateless.
 */
final class PeerCredentials {

    /** sun.nio.ch.SelChImpl#getFDVal, reachable when the jar's manifest exports sun.nio.ch. */
    private static final Method FD_VAL = fdValMethod();

    private PeerCredentials() {
    }

    /** The peer's principal, or null where the platform cannot tell. */
    static UnixDomainPrincipal of(SocketChannel ch) {
        try {
            return ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * The inode of the socket behind {@code ch} ({@code /proc/self/fd/N -> socket:[INODE]}), or
     * -1 when the descriptor number is not reachable (run without the jar's Add-Exports) or the
     * system has no /proc.
     */
    static long socketInode(SocketChannel ch) {
        if (FD_VAL == null || !ch.isOpen()) {
            return -1;
        }
        try {
            int fd = (Integer) FD_VAL.invoke(ch);
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (link.startsWith("socket:[") && link.endsWith("]")) {
                return Long.parseLong(link.substring(8, link.length() - 1));
            }
            return -1;
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Method fdValMethod() {
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            Method m = selCh.getMethod("getFDVal");
            if (!selCh.getModule().isExported("sun.nio.ch", PeerCredentials.class.getModule())) {
                return null;
            }
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
