package io.jvirtd.driver.qemu;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.Pipe;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A guest's pty as a selectable channel for reading, so the event loop watches the guest's
 * output itself, as libvirtd's virFDStream does (one thread, no hand-off from a reader thread).
 *
 * <p>The JDK cannot select on a tty: {@code FileChannel} is not selectable and it opens a tty
 * only blocking. Its own pipe channel is: {@code sun.nio.ch.SourceChannelImpl}, the read end of
 * {@link Pipe}, is a plain descriptor read with read(2) and watched with epoll, which is what a
 * pty needs as well. So the pty is opened O_RDONLY|O_NONBLOCK through libc ({@link NonBlockingPty})
 * and that descriptor wrapped in the JDK's pipe channel (constructor
 * {@code SourceChannelImpl(SelectorProvider, FileDescriptor)}, the same on JDK 17 and 25, with
 * {@code sun.nio.ch.IOUtil.newFD(int)}), by reflection, as {@code daemon.InheritedSockets} does
 * for sockets. That needs {@code java.base/sun.nio.ch} opened: the jar's manifest opens it for
 * {@code java -jar} (both launchers), the surefire run passes {@code --add-opens}.
 *
 * <p>The channel then owns the descriptor: its close closes it once (when the channel is
 * registered with a selector, at the selector's next deregistration; the JDK defers it so the
 * number cannot be reused under epoll). The descriptor comes from {@code newFD}, with no cleaner
 * of its own, so nothing else ever closes it. A read answers 0 for EAGAIN, -1 for end of file and
 * throws for EIO (the guest's side of the pty is gone).
 *
 * <p>When the JDK does not allow it (not opened, a JDK whose internals differ, no JNA) {@link #open}
 * answers null, logs why once, and the console reads with a thread of its own as before.
 * Stateless; any thread.
 */
final class PtyOutputChannel {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    private static final Constructor<?> SOURCE_CHANNEL;
    private static final Method NEW_FD;
    /** Why the loop cannot watch a pty, or null when it can. */
    private static final String UNAVAILABLE;
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    static {
        Constructor<?> ctor = null;
        Method newFd = null;
        String why = null;
        try {
            newFd = Class.forName("sun.nio.ch.IOUtil").getMethod("newFD", int.class);
            newFd.setAccessible(true);
            ctor = Class.forName("sun.nio.ch.SourceChannelImpl").getDeclaredConstructor(SelectorProvider.class,
                    FileDescriptor.class);
            ctor.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // InaccessibleObjectException (java.base/sun.nio.ch not opened) or other internals
            why = "the JDK's pipe channel is not usable (" + e
                    + "; java -jar jvirtd.jar opens java.base/sun.nio.ch, else add --add-opens java.base/sun.nio.ch=ALL-UNNAMED)";
            ctor = null;
        }
        if (why == null && !NonBlockingPty.available()) {
            why = "JNA's native part did not load";
        }
        SOURCE_CHANNEL = why == null ? ctor : null;
        NEW_FD = why == null ? newFd : null;
        UNAVAILABLE = why;
    }

    private PtyOutputChannel() {
    }

    /** True when consoles can be read by the event loop on this JDK. */
    static boolean supported() {
        return UNAVAILABLE == null;
    }

    /**
     * {@code path} opened for reading as a non-blocking channel the caller owns (and must close),
     * or null when this JDK does not allow it or the open failed: read it with a thread then.
     */
    static Pipe.SourceChannel open(Path path) {
        if (UNAVAILABLE != null) {
            logOnce(UNAVAILABLE);
            return null;
        }
        int fd = NonBlockingPty.openForReading(path);
        if (fd < 0) {
            return null;
        }
        Pipe.SourceChannel ch;
        try {
            ch = (Pipe.SourceChannel) SOURCE_CHANNEL.newInstance(SelectorProvider.provider(), NEW_FD.invoke(null, fd));
        } catch (InvocationTargetException | InstantiationException | IllegalAccessException | RuntimeException e) {
            NonBlockingPty.closeDescriptor(fd); // no channel owns it
            logOnce(String.valueOf(e instanceof InvocationTargetException ? e.getCause() : e));
            return null;
        }
        try {
            ch.configureBlocking(false); // it is O_NONBLOCK already; this tells the channel
            return ch;
        } catch (IOException e) {
            try {
                ch.close(); // the channel owns the descriptor now
            } catch (IOException ignored) {
                // nothing left to release
            }
            logOnce(String.valueOf(e));
            return null;
        }
    }

    private static void logOnce(String why) {
        if (LOGGED.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "console output is read by a thread per console, not the event loop: {0}", why);
        }
    }
}
