package io.jvirtd.driver.mockhost;

import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.spi.HypervisorConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many clients on one shared host: 16 threads, each with its own connection to test:///default,
 * run define/start/suspend/resume/destroy/undefine over 200 domains of their own while the
 * others do the same. Every call must succeed, ids must never repeat, every domain's events
 * must arrive in the order its changes happened, and the host must end as it began.
 */
class DomainConcurrencyTest {

    private static final int THREADS = 16;
    private static final int DOMAINS = 200;

    private static String xml(int t, int i) {
        return String.format("<domain type='test'><name>c%d-%d</name>"
                + "<uuid>%08x-0000-4000-8000-%012x</uuid><memory>65536</memory><vcpu>1</vcpu>"
                + "<os><type>hvm</type></os></domain>", t, i, t, i);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sixteenThreadsCycleTwoHundredDomainsEach() throws Exception {
        MockHostDriver driver = new MockHostDriver();
        HypervisorConnection observer = driver.open(URI.create("test:///default"), "x", false).orElseThrow();
        Map<String, List<Integer>> events = new ConcurrentHashMap<>();
        observer.domains().connectDomainEventRegisterAny(null, DomainEvent.ID_LIFECYCLE, e -> {
            DomainEvent.Lifecycle l = (DomainEvent.Lifecycle) e;
            events.computeIfAbsent(l.domain().name(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(l.event());
        });
        Map<Integer, String> ids = new ConcurrentHashMap<>();
        AtomicInteger reusedIds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    HypervisorConnection c = driver.open(URI.create("test:///default"), "x", false).orElseThrow();
                    try {
                        start.await();
                        for (int i = 0; i < DOMAINS; i++) {
                            DomainRef dom = c.domains().domainDefineXML(xml(thread, i));
                            DomainRef running = c.domains().domainCreateWithFlags(dom, 0);
                            if (ids.putIfAbsent(running.id(), dom.name()) != null) {
                                reusedIds.incrementAndGet();
                            }
                            c.domains().domainSuspend(running);
                            assertEquals(DomainState.PAUSED, c.domains().domainGetState(running, 0).state());
                            c.domains().domainResume(running);
                            c.domains().domainDestroy(running);
                            c.domains().domainUndefine(dom);
                        }
                    } finally {
                        c.close();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : results) {
                f.get(110, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, reusedIds.get());
        assertEquals(THREADS * DOMAINS, ids.size());
        // only the default domain is left, as it started
        List<DomainRef> left = observer.domains().connectListAllDomains(0);
        assertEquals(1, left.size());
        assertEquals("test", left.get(0).name());
        assertArrayEquals(new int[] {1}, observer.domains().connectListDomains(10));
        // DEFINED, STARTED, SUSPENDED, RESUMED, STOPPED, UNDEFINED for every domain, in order
        assertEquals(THREADS * DOMAINS, events.size());
        for (Map.Entry<String, List<Integer>> e : events.entrySet()) {
            assertEquals(List.of(0, 2, 3, 4, 5, 1), e.getValue(), e.getKey());
        }
        assertTrue(observer.domains().domainIsActive(left.get(0)));
        observer.close();
    }
}
