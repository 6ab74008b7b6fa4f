package io.jvirtd.rpc.loop;

/**
 * The event loop's source of time, in nanoseconds from an arbitrary origin (like
 * {@link System#nanoTime()}). Injected so that tests move time forward by hand and fire
 * timers without sleeping.
 */
@FunctionalInterface
public interface Ticker {
    long nanoTime();

    Ticker SYSTEM = System::nanoTime;
}
