package io.jvirtd.rpc.loop;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that moves only when a test says so. Thread-safe. */
public final class FakeTicker implements Ticker {
    // Start far from zero so that code relying on differences, not absolute values, is exercised.
    private final AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - TimeUnit.DAYS.toNanos(1));

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    public void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
