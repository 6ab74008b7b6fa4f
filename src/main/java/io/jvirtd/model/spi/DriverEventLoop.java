package io.jvirtd.model.spi;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.Executor;

/**
 * The daemon's one event loop as a driver sees it: a driver watches its own sockets and pipes
 * (the QEMU driver: every guest's QMP monitor) and arms timers on the loop that also serves the
 * clients, instead of running a thread per guest. The daemon implements it over its loop.
 *
 * <p>Threads: every method may be called from any thread. Callbacks ({@link IoCallback},
 * timers, {@link #execute} tasks) run on the loop thread and must not block: no file I/O, no
 * process waits, no driver calls, no lock that a worker may hold across slow work. Anything slow
 * goes to a worker thread of the driver's own.
 */
public interface DriverEventLoop extends Executor {

    /** A readiness callback of a watched channel; runs on the loop thread. */
    @FunctionalInterface
    interface IoCallback {
        /** {@code readyOps}: {@link java.nio.channels.SelectionKey} OP_* bits. */
        void ready(int readyOps);
    }

    /** A watched channel. Thread-safe; changes apply on the loop's next turn when made elsewhere. */
    interface Registration {
        /** Replaces the interest set (SelectionKey OP_* bits, 0 for none). */
        void setInterest(int ops);

        /** Stops watching (the channel stays open). Idempotent. */
        void cancel();
    }

    /** A pending one-shot timer. */
    interface Scheduled {
        /** Cancels it if it has not fired yet. Idempotent. */
        void cancel();
    }

    /** Watches a non-blocking channel for {@code ops}. */
    Registration watch(SelectableChannel channel, int ops, IoCallback callback);

    /** Runs {@code task} on the loop once, {@code delayMillis} from now. */
    Scheduled schedule(long delayMillis, Runnable task);

    /** True on the loop thread (for assertions). */
    boolean inLoop();

    /**
     * Holds ({@code true}) or releases ({@code false}) one inhibition of the daemon's idle exit
     * ({@code -t}/{@code --timeout}): libvirt's drivers hold one while any guest runs, so a
     * socket-activated daemon never quits with guests to watch. Calls must pair.
     */
    void inhibitIdleExit(boolean hold);
}
