package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * A listener that stops reading (docs/robustness.md, "A listener that does not keep up"): the
 * daemon keeps a bounded queue for it and drops its oldest events, counted, while the listeners
 * that read get every event, in order, without waiting for it; the metrics show its lag and
 * drops; when it reads again it gets every event that was not dropped, in order, up to the
 * newest. Raw protocol clients on real sockets: the stalled one must not read at all, which no
 * libvirt client library can be told to do for one connection.
 *
 * <p>The events are define/undefine pairs of domains named {@code backlog-N}, so each carries
 * its place in the sequence. No sleeps: the producer goes on until the metrics count a drop,
 * and every wait is for a condition, with a deadline.
 */
class EventBacklogIT {

    private static final int PROC_DOMAIN_DEFINE_XML = 11;
    private static final int PROC_DOMAIN_UNDEFINE = 35;
    private static final int PROC_CALLBACK_REGISTER_ANY = 316;
    private static final int PROC_CALLBACK_LIFECYCLE = 318;
    private static final int LIMIT = 64 * 1024;
    private static final int READERS = 4;
    private static final int PAIRS_PER_BATCH = 250;
    private static final int MAX_PAIRS = 50_000;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern DROPS = Pattern.compile(
            "(?m)^jvirtd_client_event_drops_total\\{server=\"libvirtd\",client=\"(\\d+)\"} (\\S+)$");

    @Test
    void stalledListenerLosesOnlyItsOldestEventsAndDelaysNoOther() throws Exception {
        int metricsPort = DaemonProcess.freePort();
        try (DaemonProcess d = DaemonProcess.builder()
                .conf("client_event_queue_limit", LIMIT)
                .conf("metrics_listen_addr", "\"127.0.0.1:" + metricsPort + "\"")
                // neither keepalive nor the output timeout may end the stall: this test is about events
                .conf("keepalive_interval", -1).conf("client_memory_timeout", 600)
                .start();
             RawClient producer = RawClient.tcp(d.tcpAddress());
             RawClient stalled = RawClient.unix(d.rwSocket())) {
            producer.handshake("test:///default");
            listen(stalled);
            List<Reader> readers = new ArrayList<>();
            try {
                for (int i = 0; i < READERS; i++) {
                    RawClient c = RawClient.tcp(d.tcpAddress());
                    listen(c);
                    Reader r = new Reader(c);
                    readers.add(r);
                    r.start();
                }

                // Produce until the stalled listener has lost events, then one batch more.
                List<String> produced = new ArrayList<>();
                long stalledId = -1;
                while (stalledId < 0) {
                    produce(producer, produced, PAIRS_PER_BATCH);
                    stalledId = onlyClientWithDrops(AdminLoadIT.scrape(metricsPort));
                    if (produced.size() > 2 * MAX_PAIRS) {
                        fail("no drop after " + produced.size() + " events to a listener that does not read\n"
                                + AdminLoadIT.scrape(metricsPort));
                    }
                }
                produce(producer, produced, PAIRS_PER_BATCH);

                // The readers got everything, in order, while the stalled one still reads nothing.
                for (Reader r : readers) {
                    assertEquals(produced, r.awaitCount(produced.size()), "a reading listener's events");
                }
                String during = AdminLoadIT.scrape(metricsPort);
                String client = "{server=\"libvirtd\",client=\"" + stalledId + "\"}";
                long dropped = AdminLoadIT.value(during, "jvirtd_client_event_drops_total" + client);
                assertTrue(dropped > 0, during);
                assertEquals(dropped, AdminLoadIT.value(during, "jvirtd_event_queue_drops_total{server=\"libvirtd\"}"),
                        "only the stalled listener dropped events\n" + during);
                assertTrue(AdminLoadIT.value(during, "jvirtd_client_event_queue_events" + client) > 0, during);
                assertTrue(seconds(during, "jvirtd_client_event_lag_seconds" + client) > 0, during);
                assertTrue(seconds(during, "jvirtd_event_lag_seconds_max{server=\"libvirtd\"}") > 0, during);

                // Reading again: every event not dropped, in the order produced, up to the newest.
                Map<String, Integer> place = new HashMap<>();
                for (int i = 0; i < produced.size(); i++) {
                    place.put(produced.get(i), i);
                }
                String newest = produced.get(produced.size() - 1);
                int received = 0;
                int last = -1;
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                for (String e = null; !newest.equals(e); ) {
                    e = nextEvent(stalled, deadline);
                    Integer at = place.get(e);
                    assertTrue(at != null && at > last, e + " (place " + at + ") after place " + last);
                    last = at;
                    received++;
                }
                assertEquals(produced.size(), received + dropped, received + " received + " + dropped + " dropped");
                // The reply to one more call comes after every event queued before it.
                produce(producer, new ArrayList<>(), 0);
                String after = AdminLoadIT.scrape(metricsPort);
                assertEquals(0, AdminLoadIT.value(after, "jvirtd_client_event_queue_events" + client), after);
                assertEquals(dropped, AdminLoadIT.value(after, "jvirtd_client_event_drops_total" + client), after);
            } finally {
                for (Reader r : readers) {
                    r.client.close();
                }
            }
        }
    }

    /** Registers for every domain's lifecycle events (the callback style virsh uses). */
    private static void listen(RawClient c) throws IOException {
        c.handshake("test:///default");
        c.callOk(PROC_CALLBACK_REGISTER_ANY, new RawClient.Xdr().i32(0).i32(0).bytes());
    }

    /** Defines and undefines {@code pairs} domains, appending the events they cause. */
    private static void produce(RawClient c, List<String> produced, int pairs) throws IOException {
        if (pairs == 0) {
            c.libVersion();
            return;
        }
        for (int i = 0; i < pairs; i++) {
            String name = "backlog-" + (produced.size() / 2);
            RawClient.XdrReader dom = c.callOk(PROC_DOMAIN_DEFINE_XML, new RawClient.Xdr().string(
                    "<domain type='test'><name>" + name + "</name><memory>8192</memory><vcpu>1</vcpu>"
                            + "<os><type>hvm</type></os></domain>").bytes());
            assertEquals(name, dom.string());
            byte[] uuid = new byte[16];
            for (int k = 0; k < 4; k++) {
                int w = dom.i32();
                uuid[4 * k] = (byte) (w >>> 24);
                uuid[4 * k + 1] = (byte) (w >>> 16);
                uuid[4 * k + 2] = (byte) (w >>> 8);
                uuid[4 * k + 3] = (byte) w;
            }
            int id = dom.i32();
            c.callOk(PROC_DOMAIN_UNDEFINE, new RawClient.Xdr().string(name).raw(uuid).i32(id).bytes());
            produced.add("defined " + name);
            produced.add("undefined " + name);
        }
    }

    /** The next lifecycle event on {@code c} as "defined NAME" / "undefined NAME". */
    private static String nextEvent(RawClient c, long deadlineNanos) throws IOException {
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                fail("no event on " + c + " within " + DEADLINE);
            }
            RawClient.Frame f = c.read(Duration.ofNanos(left));
            if (f.proc() != PROC_CALLBACK_LIFECYCLE || f.type() != RawClient.MESSAGE) {
                fail("unexpected " + f);
            }
            RawClient.XdrReader r = f.reader();
            r.i32(); // callback id
            String name = r.string();
            r.skip(16 + 4); // uuid, id
            int event = r.i32();
            return switch (event) {
                case 0 -> "defined " + name;
                case 1 -> "undefined " + name;
                default -> "event " + event + " " + name;
            };
        }
    }

    /** The one client whose drops the metrics show, or -1 if none has; fails if several have. */
    private static long onlyClientWithDrops(String metrics) {
        Matcher m = DROPS.matcher(metrics);
        long found = -1;
        while (m.find()) {
            if (Double.parseDouble(m.group(2)) > 0) {
                if (found >= 0) {
                    fail("more than one listener dropped events\n" + metrics);
                }
                found = Long.parseLong(m.group(1));
            }
        }
        return found;
    }

    private static double seconds(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " missing in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    /** A listener that reads all the time, on a thread of its own. */
    private static final class Reader extends Thread {
        final RawClient client;
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final ConcurrentLinkedQueue<Throwable> failure = new ConcurrentLinkedQueue<>();

        Reader(RawClient client) {
            super("reader " + client);
            this.client = client;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    events.add(nextEvent(client, System.nanoTime() + Duration.ofDays(1).toNanos()));
                }
            } catch (Throwable t) {
                failure.add(t);
            }
        }

        /** The events once there are {@code n}; fails at the deadline or if reading failed. */
        List<String> awaitCount(int n) throws InterruptedException {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (events.size() < n) {
                if (!isAlive() || System.nanoTime() > deadline) {
                    fail(getName() + " has " + events.size() + " of " + n + " events: " + failure);
                }
                join(10); // wakes when the reader dies, else re-checks the count
            }
            synchronized (events) {
                return new ArrayList<>(events);
            }
        }
    }
}
