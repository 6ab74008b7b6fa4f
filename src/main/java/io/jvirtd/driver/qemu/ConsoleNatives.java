package io.jvirtd.driver.qemu;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads what a console needs besides the JDK (JNA's native part and libc's bindings,
 * {@link NonBlockingPty}; the JDK's pipe channel for the loop, {@link PtyOutputChannel}) ahead
 * of the first {@code virDomainOpenConsole}, on a thread of its own: once a guest with a pty
 * serial port runs (started or reattached). Loading it took ~50-160 ms (JNA's class
 * initialisation extracts and maps its library, {@code Native.register} binds the calls), which
 * the first openConsole of every daemon paid on its worker; a daemon with no such guest never
 * loads it. A console opened while the load runs waits for it (class initialisation), no
 * longer than before. Stateless apart from the once flag; any thread.
 */
final class ConsoleNatives {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private ConsoleNatives() {
    }

    /** Starts the load once per daemon; returns at once. */
    static void loadInBackground() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(PtyOutputChannel::supported, "console-natives");
        t.setDaemon(true);
        t.start();
    }

    /** True once {@link #loadInBackground} was called, for tests. */
    static boolean started() {
        return STARTED.get();
    }
}
