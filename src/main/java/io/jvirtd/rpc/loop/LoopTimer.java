package io.jvirtd.rpc.loop;

/**
 * A timer of one {@link EventLoop}. Thread ownership: {@link #update} and {@link #cancel} may
 * be called from any thread and are applied on the loop; every other field ({@code periodMillis},
 * {@code deadline}, {@code heapIndex}, {@code live}) is confined to the loop thread.
 */
final class LoopTimer implements Timer {
    final EventLoop loop;
    final Runnable callback;
    /** One-shot timers (from {@link EventLoop#schedule}) remove themselves after firing. */
    final boolean oneShot;

    /** Set by any thread so that a cancelled timer stops firing even before the loop applies it. */
    volatile boolean cancelled;

    // Loop-confined.
    long periodMillis;
    long deadline;
    int heapIndex = -1;
    boolean live;

    LoopTimer(EventLoop loop, long periodMillis, Runnable callback, boolean oneShot) {
        this.loop = loop;
        this.periodMillis = periodMillis;
        this.callback = callback;
        this.oneShot = oneShot;
    }

    @Override
    public void update(long periodMillis) {
        EventLoop.checkPeriod(periodMillis);
        loop.updateTimer(this, periodMillis);
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            loop.cancelTimer(this);
        }
    }

    @Override
    public String toString() {
        return (oneShot ? "one-shot timer " : "timer ") + callback;
    }
}
