package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.model.event.QemuMonitorEvent;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A QMP event becomes a monitor event, its data encoded to JSON, only when a client registered for them. */
class QemuMonitorEventsTest {

    private static final DomainRef DOM = new DomainRef("m", new byte[16], 1);

    /** {"reason":"host-qmp-stop"}, counting how often it is read (what encoding it does). */
    private static final class CountingData extends AbstractMap<String, Object> {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Set<Entry<String, Object>> entrySet() {
            reads.incrementAndGet();
            return Map.<String, Object>of("reason", "host-qmp-stop").entrySet();
        }
    }

    @Test
    void nothingIsEncodedForNobodyAndEverythingForAListener() {
        EventBus bus = new EventBus();
        CountingData data = new CountingData();
        Map<String, Object> stop = Map.of("event", "STOP", "data", data,
                "timestamp", Map.of("seconds", 1700000000L, "microseconds", 5));

        QemuMonitorEvents.relay(bus, DOM, stop);
        assertEquals(0, data.reads.get(), "encoded with no monitor-event callback registered");

        List<QemuMonitorEvent> got = new ArrayList<>();
        bus.register(QemuMonitorEvent.class, 0, null, got::add);
        QemuMonitorEvents.relay(bus, DOM, stop);
        assertEquals(List.of(new QemuMonitorEvent(DOM, "STOP", 1700000000L, 5, "{\"reason\":\"host-qmp-stop\"}")), got);
    }
}
