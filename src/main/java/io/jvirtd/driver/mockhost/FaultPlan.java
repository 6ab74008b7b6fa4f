package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.FaultInjector;
import io.jvirtd.model.spi.InjectedFault;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * A parsed fault plan (docs/fault-injection.md) and what it has done so far: its call rules,
 * tried in file order for each call (every delay that fires adds up; the first error, drop,
 * hang or partial that fires ends the search), and its weather, run by {@link Weather} on the
 * host the plan belongs to. Each injected fault is logged (category {@code test.faults}) and
 * counted in the driver's {@link FaultStats}.
 *
 * <p>A read-only connection never gets a fault that changes state: a partial-effect rule is
 * skipped for it (it does not count as matched).
 *
 * <p>Threads: {@link #decide} runs on workers, concurrently; the rules guard their own state.
 */
final class FaultPlan implements FaultInjector {

    static final System.Logger LOG = System.getLogger("io.jvirtd.driver.mockhost.faults");

    private final String file;
    private final long seed;
    private final List<FaultRule> rules;
    private final List<WeatherRule> weather;
    private final FaultStats stats;

    FaultPlan(String file, long seed, List<FaultRule> rules, List<WeatherRule> weather, FaultStats stats) {
        this.file = file;
        this.seed = seed;
        this.rules = List.copyOf(rules);
        this.weather = List.copyOf(weather);
        this.stats = stats;
        for (FaultRule r : this.rules) {
            stats.declare(file, r.name(), r.action().kind().xmlName());
        }
        for (WeatherRule w : this.weather) {
            stats.declare(file, w.name(), w.kind().xmlName());
        }
    }

    String file() {
        return file;
    }

    long seed() {
        return seed;
    }

    List<WeatherRule> weather() {
        return weather;
    }

    List<FaultRule> rules() {
        return rules;
    }

    @Override
    public InjectedFault decide(Call call) {
        long delay = 0;
        for (FaultRule r : rules) {
            if (!r.matches(call) || (r.action().kind() == FaultAction.Kind.PARTIAL && call.readOnly())) {
                continue;
            }
            long drawn = r.fire();
            if (drawn < 0) {
                continue;
            }
            FaultAction.Kind kind = r.action().kind();
            stats.count(file, r.name(), kind.xmlName());
            if (kind == FaultAction.Kind.DELAY) {
                log(r, call, "delays it " + drawn + " ms");
                delay += drawn;
                continue;
            }
            VirException error = null;
            if (kind == FaultAction.Kind.ERROR || kind == FaultAction.Kind.PARTIAL) {
                error = r.action().error().build(call, r.name(), kind == FaultAction.Kind.PARTIAL);
            }
            log(r, call, describe(kind, error));
            return new InjectedFault(Math.min(delay, FaultAction.MAX_DELAY_MILLIS), kind.action(), error);
        }
        return delay == 0 ? InjectedFault.NONE
                : new InjectedFault(Math.min(delay, FaultAction.MAX_DELAY_MILLIS), InjectedFault.Action.SERVE, null);
    }

    private static String describe(FaultAction.Kind kind, VirException error) {
        switch (kind) {
            case ERROR: return "fails it: " + error.getMessage();
            case PARTIAL: return "serves it, then fails it: " + error.getMessage();
            case DROP: return "drops the connection";
            default: return "hangs it";
        }
    }

    private void log(FaultRule r, Call call, String what) {
        if (LOG.isLoggable(Level.INFO)) {
            LOG.log(Level.INFO, "{0}: rule ''{1}'' {2} ({3}{4}, {5}{6})", file, r.name(), what,
                    call.api() != null ? call.api() : call.procedure(),
                    call.objectName() != null ? " of '" + call.objectName() + "'" : "",
                    call.transport(), call.readOnly() ? " read-only" : "");
        }
    }
}
