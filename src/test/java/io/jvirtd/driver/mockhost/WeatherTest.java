package io.jvirtd.driver.mockhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.schema.RelaxNgSchemas;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.spi.DriverEventLoop;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of weather on the built-in host, with its state and events. Timers are held by a
 * hand-run loop (a test fires them one by one) and strikes run on the test thread.
 */
class WeatherTest {

    @TempDir
    Path dir;

    /** A loop whose timers fire only when the test says so. */
    private static final class ManualLoop implements DriverEventLoop {

        @Override
        public void inhibitIdleExit(boolean hold) {
        }

        final ArrayDeque<Runnable> timers = new ArrayDeque<>();

        @Override
        public Registration watch(SelectableChannel channel, int ops, IoCallback callback) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Scheduled schedule(long delayMillis, Runnable task) {
            timers.add(task);
            return () -> timers.remove(task);
        }

        @Override
        public boolean inLoop() {
            return false;
        }

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        void fireNext() {
            timers.remove().run();
        }
    }

    private final MockHost host = MockHost.builtInDefault(RelaxNgSchemas.system());
    private final ManualLoop loop = new ManualLoop();
    private final List<String> events = new ArrayList<>();

    private Weather start(String weather) throws IOException {
        Path f = dir.resolve("plan.xml");
        Files.writeString(f, "<plan xmlns='" + FaultPlanParser.NS + "' seed='5'><weather>" + weather
                + "</weather></plan>");
        host.events().register(DomainEvent.ID_LIFECYCLE, null, e -> {
            DomainEvent.Lifecycle l = (DomainEvent.Lifecycle) e;
            events.add(l.domain().name() + ":" + l.event() + ":" + l.detail());
        });
        host.events().register(DomainEvent.ID_IO_ERROR_REASON, null,
                e -> events.add("io-error:" + ((DomainEvent.IoErrorReason) e).devAlias()));
        host.events().register(StoragePoolEvent.class, 0, null,
                e -> events.add("pool:" + ((StoragePoolEvent.Lifecycle) e).pool().name() + ":"
                        + ((StoragePoolEvent.Lifecycle) e).event()));
        return Weather.start(host, FaultPlanParser.parse(f, new FaultStats()), loop, Runnable::run, new FaultStats());
    }

    private MockDomain test() {
        return host.domains().byName("test");
    }

    @Test
    void crashLeavesTheDomainShutOffCrashed() throws IOException {
        start("<crash rate='1/s'/>");
        loop.fireNext();
        assertEquals(DomainState.SHUTOFF, test().state);
        assertEquals(StateReason.Shutoff.CRASHED, test().reason);
        assertEquals(List.of("test:8:0", "test:5:2"), events); // Crashed Panicked, Stopped Crashed
        loop.fireNext(); // nothing left running: no change, the next strike is armed
        assertEquals(2, events.size());
        assertEquals(1, loop.timers.size());
    }

    @Test
    void shutdownAndIoErrorAndPool() throws IOException {
        start("<io-error rate='1/s'/>");
        loop.fireNext();
        assertEquals(DomainState.PAUSED, test().state);
        assertEquals(StateReason.Paused.IOERROR, test().reason);
        assertEquals(List.of("io-error:vda", "test:3:2"), events); // Suspended I/O Error

        MockHost other = MockHost.builtInDefault(RelaxNgSchemas.system());
        ManualLoop l2 = new ManualLoop();
        FaultPlan plan = new FaultPlan("p", 1, List.of(), List.of(
                new WeatherRule("s", WeatherRule.Kind.SHUTDOWN, 1, null),
                new WeatherRule("p", WeatherRule.Kind.POOL_INACTIVE, 1, Glob.of("default-*"))), new FaultStats());
        List<String> seen = new ArrayList<>();
        other.events().register(DomainEvent.ID_LIFECYCLE, null, e -> seen.add(
                ((DomainEvent.Lifecycle) e).event() + ":" + ((DomainEvent.Lifecycle) e).detail()));
        other.events().register(StoragePoolEvent.class, 0, null,
                e -> seen.add("pool:" + ((StoragePoolEvent.Lifecycle) e).pool().name()));
        Weather w = Weather.start(other, plan, l2, Runnable::run, new FaultStats());
        l2.fireNext();
        l2.fireNext();
        assertEquals(List.of("6:1", "5:0", "pool:default-pool"), seen); // Shutdown Guest, Stopped Shutdown
        assertEquals(StateReason.Shutoff.SHUTDOWN, other.domains().byName("test").reason);
        w.stop();
        assertTrue(l2.timers.isEmpty(), "stop cancels the pending strikes");
        assertFalse(events.isEmpty());
    }
}
