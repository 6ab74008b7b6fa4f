package io.jvirtd.model.event;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.Uuids;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventBusTest {

    private static final DomainRef A = new DomainRef("a", Uuids.parse("11111111-1111-1111-1111-111111111111").orElseThrow(), 1);
    private static final DomainRef B = new DomainRef("b", Uuids.parse("22222222-2222-2222-2222-222222222222").orElseThrow(), 2);

    @Test
    void callbackIdsCountFromZeroAndAreUniquePerBus() {
        EventBus bus = new EventBus();
        assertEquals(0, bus.register(DomainEvent.ID_LIFECYCLE, null, e -> { }));
        assertEquals(1, bus.register(DomainEvent.ID_REBOOT, null, e -> { }));
        bus.deregister(0);
        assertEquals(2, bus.register(DomainEvent.ID_LIFECYCLE, null, e -> { }));
    }

    @Test
    void hasListenerAnswersPerFamilyAndIdUntilDeregistered() {
        EventBus bus = new EventBus();
        assertFalse(bus.hasListener(QemuMonitorEvent.class, 0));
        int id = bus.register(QemuMonitorEvent.class, 0, e -> false, e -> { }); // its filter is not asked
        bus.register(DomainEvent.ID_REBOOT, A, e -> { });
        assertTrue(bus.hasListener(QemuMonitorEvent.class, 0));
        assertTrue(bus.hasListener(DomainEvent.class, DomainEvent.ID_REBOOT));
        assertFalse(bus.hasListener(DomainEvent.class, DomainEvent.ID_LIFECYCLE));
        bus.deregister(id);
        assertFalse(bus.hasListener(QemuMonitorEvent.class, 0));
    }

    @Test
    void deliversOnlyTheRegisteredIdAndDomain() {
        EventBus bus = new EventBus();
        List<DomainEvent> all = new ArrayList<>();
        List<DomainEvent> onlyA = new ArrayList<>();
        List<DomainEvent> reboots = new ArrayList<>();
        bus.register(DomainEvent.ID_LIFECYCLE, null, all::add);
        bus.register(DomainEvent.ID_LIFECYCLE, A, onlyA::add);
        bus.register(DomainEvent.ID_REBOOT, null, reboots::add);
        DomainEvent a = new DomainEvent.Lifecycle(A, LifecycleCodes.STARTED, LifecycleCodes.STARTED_BOOTED);
        // the filter matches by UUID: a handle with another id still matches
        DomainEvent aStopped = new DomainEvent.Lifecycle(new DomainRef("a", A.uuid(), -1),
                LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_DESTROYED);
        DomainEvent b = new DomainEvent.Lifecycle(B, LifecycleCodes.SUSPENDED, LifecycleCodes.SUSPENDED_PAUSED);
        DomainEvent reboot = new DomainEvent.Reboot(B);
        bus.raise(a);
        bus.raise(b);
        bus.raise(reboot);
        bus.raise(aStopped);
        assertEquals(List.of(a, b, aStopped), all);
        assertEquals(List.of(a, aStopped), onlyA);
        assertEquals(List.of(reboot), reboots);
    }

    @Test
    void deregisterStopsDeliveryAndUnknownIdIsLibvirtsError() {
        EventBus bus = new EventBus();
        List<DomainEvent> got = new ArrayList<>();
        int id = bus.register(DomainEvent.ID_LIFECYCLE, null, got::add);
        bus.deregister(id);
        bus.raise(new DomainEvent.Lifecycle(A, 0, 0));
        assertEquals(List.of(), got);
        VirException e = assertThrows(VirException.class, () -> bus.deregister(id));
        assertEquals(VirErrorNumber.INVALID_ARG.number(), e.code());
        assertEquals(VirErrorDomain.NONE.number(), e.domain());
        assertEquals("invalid argument: could not find event callback 0 for deletion", e.message());
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        EventBus bus = new EventBus();
        List<DomainEvent> got = new ArrayList<>();
        bus.register(DomainEvent.ID_LIFECYCLE, null, e -> {
            throw new IllegalStateException("listener bug");
        });
        bus.register(DomainEvent.ID_LIFECYCLE, null, got::add);
        DomainEvent e = new DomainEvent.Lifecycle(A, 0, 0);
        bus.raise(e);
        bus.raise(e);
        assertEquals(List.of(e, e), got);
    }

    @Test
    void postedEventsWaitForDispatchAndKeepTheirOrder() {
        EventBus bus = new EventBus();
        List<DomainEvent> got = new ArrayList<>();
        bus.register(DomainEvent.ID_METADATA_CHANGE, null, got::add);
        DomainEvent first = new DomainEvent.MetadataChange(A, 0, null);
        DomainEvent second = new DomainEvent.MetadataChange(A, 1, null);
        bus.post(first);
        bus.post(second);
        assertEquals(List.of(), got);
        bus.dispatch();
        assertEquals(List.of(first, second), got);
    }

    @Test
    void oneThreadDeliversAtATimeAndEventsPostedMeanwhileFollow() throws Exception {
        EventBus bus = new EventBus();
        List<Integer> got = new ArrayList<>();
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bus.register(DomainEvent.ID_RTC_CHANGE, null, e -> {
            long n = ((DomainEvent.RtcChange) e).utcOffset();
            if (n == 0) {
                inListener.countDown();
                try {
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            got.add((int) n);
        });
        Thread t = new Thread(() -> bus.raise(new DomainEvent.RtcChange(A, 0)));
        t.start();
        assertTrue(inListener.await(10, TimeUnit.SECONDS));
        // the first thread is still delivering: this raise only queues, and returns at once
        bus.raise(new DomainEvent.RtcChange(A, 1));
        bus.raise(new DomainEvent.RtcChange(A, 2));
        release.countDown();
        t.join(10_000);
        bus.dispatch();
        assertEquals(List.of(0, 1, 2), got);
    }

    @Test
    void concurrentRaisersLoseNothing() throws Exception {
        EventBus bus = new EventBus();
        List<Long> got = java.util.Collections.synchronizedList(new ArrayList<>());
        bus.register(DomainEvent.ID_RTC_CHANGE, null, e -> got.add(((DomainEvent.RtcChange) e).utcOffset()));
        int threads = 8;
        int per = 2000;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * per;
            Thread th = new Thread(() -> {
                try {
                    barrier.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < per; i++) {
                    bus.raise(new DomainEvent.RtcChange(A, base + i));
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join(30_000);
        }
        bus.dispatch();
        assertEquals(threads * per, got.size());
        // each thread's events arrive in the order it raised them
        long[] last = new long[threads];
        java.util.Arrays.fill(last, -1);
        for (long v : got) {
            int t = (int) (v / per);
            assertTrue(v > last[t]);
            last[t] = v;
        }
    }
}
