package io.jvirtd.daemon;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * What happens when an {@link Error} ends a thread of the daemon (an OutOfMemoryError, the event
 * loop dying; a worker's call that fails with another Error is answered and survived, see
 * rpc/server/DispatchGuard): the error is logged with its thread,
 * then the process ends at once with {@link #EXIT_FATAL}, without the orderly shutdown (whose
 * exit status 0 would report success, and whose steps may need the memory or the loop that is
 * gone). libvirtd ends the same way on a fatal error: glib aborts on a failed allocation.
 * Stale socket files and the pid file are left behind; the next start replaces them.
 *
 * <p>A RuntimeException that escapes a thread is a bug, not a fatal condition: it is logged
 * with its thread and the daemon goes on (the loop and the pool catch their callbacks' and
 * jobs' exceptions, so this only concerns other threads).
 *
 * <p>Threads: called by the dying thread, or by the process leader for the event loop.
 */
final class FatalErrors {

    /** libvirtd's EXIT_FAILURE. */
    static final int EXIT_FATAL = 1;

    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon");
    /** Preformatted, so that it can be written when nothing can be allocated any more. */
    private static final byte[] LAST_WORDS = "jvirtd: fatal error, exiting\n".getBytes(StandardCharsets.US_ASCII);

    private FatalErrors() {
    }

    /** Makes every thread's uncaught Error fatal (process leader, at start). */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(FatalErrors::uncaught);
    }

    private static void uncaught(Thread t, Throwable e) {
        if (!(e instanceof Error)) {
            try {
                LOG.log(Level.ERROR, "uncaught exception on thread " + t.getName(), e);
            } catch (Throwable ignored) {
                // nothing more we can say
            }
            return;
        }
        halt("fatal: " + e + " on thread " + t.getName() + "; exiting with status " + EXIT_FATAL, e);
    }

    /**
     * The event loop thread {@code thread} died of {@code e} (it logged the stack trace itself):
     * logs that and halts with {@link #EXIT_FATAL}. Never returns.
     */
    static void loopDied(String thread, Throwable e) {
        halt("fatal: event loop thread " + thread + " died of " + e + "; exiting with status " + EXIT_FATAL, null);
    }

    /** Logs {@code message} (and {@code e}'s stack trace) and halts with {@link #EXIT_FATAL}. */
    private static void halt(String message, Throwable e) {
        try {
            LOG.log(Level.ERROR, message, e);
        } catch (Throwable logFailed) {
            try {
                new FileOutputStream(FileDescriptor.err).write(LAST_WORDS);
            } catch (IOException | RuntimeException | Error ignored) {
                // halt regardless
            }
        }
        Runtime.getRuntime().halt(EXIT_FATAL);
    }
}
