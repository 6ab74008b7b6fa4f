package io.jvirtd.rpc.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Timer semantics (libvirt's timeouts), driven by a fake ticker on a loop that is never started. */
class EventLoopTimerTest {
    private final FakeTicker ticker = new FakeTicker();
    private final EventLoop loop = new EventLoop("timers", ticker);
    private final AtomicInteger fired = new AtomicInteger();

    private void advanceAndTurn(long millis) {
        ticker.advanceMillis(millis);
        loop.runOnce(0);
    }

    @Test
    void repeatingTimerFiresOncePerElapsedPeriod() {
        loop.addTimer(100, fired::incrementAndGet);
        loop.runOnce(0);
        assertEquals(0, fired.get());
        advanceAndTurn(99);
        assertEquals(0, fired.get());
        advanceAndTurn(1);
        assertEquals(1, fired.get());
        loop.runOnce(0);
        assertEquals(1, fired.get(), "no time passed, no firing");
        advanceAndTurn(100);
        assertEquals(2, fired.get());
        advanceAndTurn(350);
        assertEquals(3, fired.get(), "a late timer fires once, not once per missed period");
        advanceAndTurn(99);
        assertEquals(3, fired.get(), "the next period counts from the last firing");
        advanceAndTurn(1);
        assertEquals(4, fired.get());
    }

    @Test
    void zeroPeriodTimerFiresOnEveryTurn() {
        loop.addTimer(0, fired::incrementAndGet);
        loop.runOnce(0);
        loop.runOnce(0);
        loop.runOnce(0);
        assertEquals(3, fired.get());
    }

    @Test
    void oneShotTimerFiresOnceThenRemovesItself() {
        loop.schedule(50, fired::incrementAndGet);
        loop.runOnce(0);
        assertEquals(1, loop.timerCount());
        advanceAndTurn(49);
        assertEquals(0, fired.get());
        advanceAndTurn(1);
        assertEquals(1, fired.get());
        assertEquals(0, loop.timerCount());
        advanceAndTurn(10_000);
        assertEquals(1, fired.get());
    }

    @Test
    void disabledTimerNeverFiresUntilUpdated() {
        Timer t = loop.addTimer(-1, fired::incrementAndGet);
        loop.runOnce(0);
        advanceAndTurn(1_000_000);
        assertEquals(0, fired.get());
        assertEquals(1, loop.timerCount(), "a disabled timer still exists");
        t.update(10);
        advanceAndTurn(10);
        assertEquals(1, fired.get());
        t.update(-1);
        advanceAndTurn(1_000);
        assertEquals(1, fired.get());
    }

    @Test
    void updateRearmsFromNow() {
        Timer t = loop.addTimer(100, fired::incrementAndGet);
        advanceAndTurn(60);
        t.update(100);
        advanceAndTurn(60);
        assertEquals(0, fired.get(), "the old deadline (100) no longer applies");
        advanceAndTurn(40);
        assertEquals(1, fired.get());
    }

    @Test
    void updateFromAnotherThreadCountsFromTheCall() throws InterruptedException {
        Timer t = loop.addTimer(-1, fired::incrementAndGet);
        loop.runOnce(0);
        Thread other = new Thread(() -> t.update(30));
        other.start();
        other.join();
        loop.runOnce(0);
        assertEquals(0, fired.get());
        advanceAndTurn(30);
        assertEquals(1, fired.get());
    }

    @Test
    void cancelledTimerNeverFiresAgain() {
        Timer t = loop.addTimer(10, fired::incrementAndGet);
        advanceAndTurn(10);
        assertEquals(1, fired.get());
        t.cancel();
        t.cancel(); // idempotent
        advanceAndTurn(100);
        assertEquals(1, fired.get());
        assertEquals(0, loop.timerCount());
    }

    @Test
    void timerCancelledByAnEarlierCallbackOfTheSameTurnDoesNotFire() {
        Timer[] victim = new Timer[1];
        loop.addTimer(10, () -> victim[0].cancel());
        victim[0] = loop.addTimer(20, fired::incrementAndGet);
        advanceAndTurn(25); // both due; the first (earlier deadline) runs first
        assertEquals(0, fired.get());
        assertEquals(1, loop.timerCount());
    }

    @Test
    void dueTimersFireInDeadlineOrder() {
        List<Integer> order = new ArrayList<>();
        loop.schedule(30, () -> order.add(30));
        loop.schedule(10, () -> order.add(10));
        loop.schedule(20, () -> order.add(20));
        advanceAndTurn(30);
        assertEquals(List.of(10, 20, 30), order);
    }

    @Test
    void throwingTimerKeepsFiringAndOthersStillRun() {
        loop.addTimer(10, () -> {
            throw new IllegalStateException("test: timer callback failure");
        });
        loop.addTimer(10, fired::incrementAndGet);
        advanceAndTurn(10);
        advanceAndTurn(10);
        assertEquals(2, fired.get());
        assertEquals(2, loop.timerCount());
    }

    @Test
    void negativePeriodsOtherThanMinusOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> loop.addTimer(-2, fired::incrementAndGet));
        assertThrows(IllegalArgumentException.class, () -> loop.schedule(-1, fired::incrementAndGet));
    }

    @Test
    void startedLoopSleepsUntilTheTimerDeadlineThenFires() throws InterruptedException {
        EventLoop real = new EventLoop("real-time");
        real.start();
        try {
            CountDownLatch latch = new CountDownLatch(3);
            real.addTimer(1, latch::countDown);
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } finally {
            EventLoopIoTest.stop(real);
        }
    }
}
