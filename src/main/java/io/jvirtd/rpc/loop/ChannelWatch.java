package io.jvirtd.rpc.loop;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A channel watched by one {@link EventLoop}. Thread ownership: {@link #setInterest} and
 * {@link #cancel} may be called from any thread; off the loop they only record the request and
 * post (at most one pending) task to the loop, which applies it. {@link #key} is touched by the
 * loop thread only, as is the registration with the Selector.
 */
final class ChannelWatch implements Watch {
    final EventLoop loop;
    final SelectableChannel channel;
    final IoHandler handler;

    /** Last requested interest set; the loop copies it into the key. */
    private volatile int interest;
    /** Set by any thread; a cancelled watch gets no more callbacks even before the loop applies it. */
    volatile boolean cancelled;
    /**
     * True while an "apply interest" task is queued on the loop, so that a worker flipping
     * interest many times before the loop runs posts one task, not many.
     */
    private final AtomicBoolean updateQueued = new AtomicBoolean();
    /** Bound once so posting the update allocates no lambda. */
    private final Runnable applyInterestTask = this::applyInterest;

    // Loop-confined.
    SelectionKey key;
    boolean registered;

    ChannelWatch(EventLoop loop, SelectableChannel channel, int interest, IoHandler handler) {
        this.loop = loop;
        this.channel = channel;
        this.interest = interest;
        this.handler = handler;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public int interest() {
        return interest;
    }

    @Override
    public void setInterest(int ops) {
        EventLoop.checkOps(channel, ops);
        interest = ops;
        if (loop.inLoop()) {
            applyInterest();
        } else if (!updateQueued.get() && updateQueued.compareAndSet(false, true)) {
            loop.post(applyInterestTask);
        }
    }

    /** Loop thread: copies the requested interest into the key. */
    void applyInterest() {
        assert loop.inLoop();
        // Clear before reading interest: a request racing with us either is seen now or posts anew.
        updateQueued.set(false);
        SelectionKey k = key;
        if (k != null && !cancelled && k.isValid()) {
            int ops = interest;
            if (k.interestOps() != ops) {
                k.interestOps(ops);
            }
        }
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (loop.inLoop()) {
            loop.deregister(this);
        } else {
            loop.post(() -> loop.deregister(this));
        }
    }

    @Override
    public String toString() {
        return "watch " + channel;
    }
}
