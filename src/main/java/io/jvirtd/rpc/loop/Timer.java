package io.jvirtd.rpc.loop;

/**
 * A timer on the {@link EventLoop}, with libvirt's timeout semantics: a period of -1 disables
 * it, 0 fires it on every loop turn, N &gt; 0 fires it every N milliseconds. Thread-safe.
 */
public interface Timer {
    /** Changes the period (-1 disables); the next firing is now + period. */
    void update(long periodMillis);

    /** Removes the timer. Idempotent. */
    void cancel();
}
