package io.jvirtd.daemon;

import io.jvirtd.model.spi.DriverEventLoop;
import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Timer;
import io.jvirtd.rpc.loop.Watch;

import java.nio.channels.SelectableChannel;
import java.util.function.Consumer;

/**
 * The daemon's event loop offered to the drivers ({@link DriverEventLoop} over
 * {@link EventLoop}), so a driver never sees the rpc layer, and the daemon's idle-exit
 * inhibition ({@link #inhibitIdleExit}). Stateless; any thread.
 */
public final class LoopForDrivers implements DriverEventLoop {

    private final EventLoop loop;
    private final Consumer<Boolean> inhibitor;

    /** A loop with no daemon's idle exit behind it (tests, tools): inhibitions change nothing. */
    public LoopForDrivers(EventLoop loop) {
        this(loop, hold -> { });
    }

    /** @param inhibitor the daemon's inhibition count, called on any thread */
    public LoopForDrivers(EventLoop loop, Consumer<Boolean> inhibitor) {
        this.loop = loop;
        this.inhibitor = inhibitor;
    }

    @Override
    public Registration watch(SelectableChannel channel, int ops, IoCallback callback) {
        Watch w = loop.watch(channel, ops, (watch, ready) -> callback.ready(ready));
        return new Registration() {
            @Override
            public void setInterest(int interest) {
                w.setInterest(interest);
            }

            @Override
            public void cancel() {
                w.cancel();
            }
        };
    }

    @Override
    public Scheduled schedule(long delayMillis, Runnable task) {
        Timer t = loop.schedule(delayMillis, task);
        return t::cancel;
    }

    @Override
    public boolean inLoop() {
        return loop.inLoop();
    }

    @Override
    public void inhibitIdleExit(boolean hold) {
        inhibitor.accept(hold);
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }
}
