package io.jvirtd.daemon;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a listening socket this process inherited (systemd's socket activation passes them as
 * descriptors 3, 4, ...) into a {@link ServerSocketChannel} the event loop can watch.
 *
 * <p>The JDK has no public way to do that: {@code System.inheritedChannel()} covers descriptor 0
 * only (inetd style), and {@code FileDescriptor} cannot be made from a number. jvirtd uses the
 * JDK's own implementation instead: {@code sun.nio.ch.IOUtil.newFD(int)} and the constructor
 * {@code ServerSocketChannelImpl(SelectorProvider, ProtocolFamily, FileDescriptor, boolean bound)}
 * that the JDK's inheritedChannel() itself uses, reached by reflection. That needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}; the jar's manifest says
 * {@code Add-Opens: java.base/sun.nio.ch}, which {@code java -jar} (both launchers) honours. The
 * constructor has been the same from JDK 16 (unix-domain channels) through 21; if a JDK changes
 * it, start-up fails with a message saying so, never silently without sockets. The
 * alternative, JNA, would still need a JDK-internal constructor to make a selectable channel:
 * a native library buys nothing here.
 *
 * <p>Before wrapping, the descriptor is checked against {@code /proc/self/net/unix},
 * {@code tcp} and {@code tcp6}: it must be a listening stream socket, and its family (unix,
 * IPv4, IPv6) is the one the channel is made for. Process leader only, before the loop starts.
 */
final class InheritedSockets {

    /** What a descriptor is: the family of a listening stream socket. */
    enum Kind { UNIX, INET, INET6 }

    private InheritedSockets() {
    }

    /**
     * The listening socket at {@code fd} as a non-blocking channel.
     *
     * @param name the name systemd gave it (LISTEN_FDNAMES), for messages
     * @throws IOException it is no listening stream socket, or the JDK cannot wrap it
     */
    static ServerSocketChannel listening(int fd, String name) throws IOException {
        Kind kind = kindOf(fd, name);
        ProtocolFamily family = switch (kind) {
            case UNIX -> StandardProtocolFamily.UNIX;
            case INET -> StandardProtocolFamily.INET;
            case INET6 -> StandardProtocolFamily.INET6;
        };
        ServerSocketChannel ch = wrap(fd, family, name);
        ch.configureBlocking(false);
        return ch;
    }

    /** The family of the listening stream socket at {@code fd}, from /proc. */
    static Kind kindOf(int fd, String name) throws IOException {
        String link;
        try {
            link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            throw new IOException("socket activation: descriptor " + fd + " (" + name + ") is not open");
        }
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            throw new IOException("socket activation: descriptor " + fd + " (" + name + ") is not a socket: " + link);
        }
        String inode = link.substring(8, link.length() - 1);
        Kind kind = findUnix(Path.of("/proc/self/net/unix"), inode, fd, name);
        if (kind == null) {
            kind = findTcp(Path.of("/proc/self/net/tcp"), inode, Kind.INET, fd, name);
        }
        if (kind == null) {
            kind = findTcp(Path.of("/proc/self/net/tcp6"), inode, Kind.INET6, fd, name);
        }
        if (kind == null) {
            throw new IOException("socket activation: descriptor " + fd + " (" + name
                    + ") is neither a unix nor a TCP stream socket");
        }
        return kind;
    }

    /**
     * /proc/net/unix: "Num RefCount Protocol Flags Type St Inode [Path]"; Flags 00010000 is
     * __SO_ACCEPTCON (listening), Type 0001 SOCK_STREAM.
     */
    private static Kind findUnix(Path table, String inode, int fd, String name) throws IOException {
        for (String line : lines(table)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 7 && f[6].equals(inode)) {
                boolean listening = (Long.parseLong(f[3], 16) & 0x10000) != 0;
                if (!"0001".equals(f[4]) || !listening) {
                    throw new IOException("socket activation: descriptor " + fd + " (" + name
                            + ") is a unix socket but not a listening stream socket (ListenStream=)");
                }
                return Kind.UNIX;
            }
        }
        return null;
    }

    /** /proc/net/tcp{,6}: "sl local rem st ... uid timeout inode"; st 0A is LISTEN. */
    private static Kind findTcp(Path table, String inode, Kind kind, int fd, String name) throws IOException {
        for (String line : lines(table)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 10 && f[9].equals(inode)) {
                if (!"0A".equals(f[3])) {
                    throw new IOException("socket activation: descriptor " + fd + " (" + name
                            + ") is a TCP socket that is not listening");
                }
                return kind;
            }
        }
        return null;
    }

    private static List<String> lines(Path table) throws IOException {
        if (!Files.exists(table)) {
            return List.of(); // no IPv6 on this host, say
        }
        List<String> all = Files.readAllLines(table);
        return all.isEmpty() ? all : all.subList(1, all.size()); // the header
    }

    private static ServerSocketChannel wrap(int fd, ProtocolFamily family, String name) throws IOException {
        try {
            Method newFd = Class.forName("sun.nio.ch.IOUtil").getMethod("newFD", int.class);
            Constructor<?> impl = Class.forName("sun.nio.ch.ServerSocketChannelImpl").getDeclaredConstructor(
                    SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, boolean.class);
            impl.setAccessible(true);
            FileDescriptor descriptor = (FileDescriptor) newFd.invoke(null, fd);
            return (ServerSocketChannel) impl.newInstance(SelectorProvider.provider(), family, descriptor, true);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw new IOException("socket activation: cannot use descriptor " + fd + " (" + name + "): " + c, c);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // InaccessibleObjectException (not opened) or a JDK whose internals differ
            throw new IOException("socket activation needs the JDK's sun.nio.ch (java -jar jvirtd.jar opens it"
                    + " through the manifest; otherwise add --add-opens java.base/sun.nio.ch=ALL-UNNAMED): " + e, e);
        }
    }
}
