package io.jvirtd.driver.mockhost;

import io.jvirtd.model.spi.FaultCount;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often each rule of each fault plan fired, for the metrics endpoint: one counter per plan
 * file, rule and fault, kept by the driver for the daemon's life (a node file's plan is parsed
 * again for every connection; its counters add up). Thread-safe, lock-free.
 */
final class FaultStats {

    private record Key(String plan, String rule, String fault) { }

    private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();

    /** Makes the counter exist at 0, so a rule that never fired still shows in the metrics. */
    void declare(String plan, String rule, String fault) {
        counts.computeIfAbsent(new Key(plan, rule, fault), k -> new LongAdder());
    }

    void count(String plan, String rule, String fault) {
        counts.computeIfAbsent(new Key(plan, rule, fault), k -> new LongAdder()).increment();
    }

    /** A snapshot, sorted by plan, rule and fault. */
    List<FaultCount> snapshot() {
        List<FaultCount> out = new ArrayList<>();
        counts.forEach((k, v) -> out.add(new FaultCount(k.plan(), k.rule(), k.fault(), v.sum())));
        out.sort((a, b) -> {
            int c = a.plan().compareTo(b.plan());
            c = c != 0 ? c : a.rule().compareTo(b.rule());
            return c != 0 ? c : a.fault().compareTo(b.fault());
        });
        return out;
    }
}
