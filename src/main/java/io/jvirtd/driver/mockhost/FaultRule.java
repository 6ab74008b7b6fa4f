package io.jvirtd.driver.mockhost;

import io.jvirtd.model.spi.FaultInjector;

import java.util.SplittableRandom;

/**
 * One {@code <rule>} of a fault plan: which calls it matches (procedure, object, transport,
 * read-only flag; an absent condition matches all), when it fires among them (always, with a
 * probability, every Nth, the first N), and what it does ({@link FaultAction}).
 *
 * <p>Threads: workers call {@link #fire} concurrently; the match count and the rule's random
 * source are guarded by the rule's monitor, held only to count and draw. Each rule draws from
 * its own {@code SplittableRandom(seed + index)}, so what one rule does does not depend on the
 * calls other rules see, and a client that makes the same calls in the same order sees the same
 * faults again. (SplitMix64 rather than java.util.Random, whose first draws from a small seed
 * are poor: with seed 42, 74 of its first 1,000 draws fall below 0.1.)
 */
final class FaultRule {

    enum Trigger { ALWAYS, PROBABILITY, EVERY, FIRST }

    /** Matching conditions; null ones match every call. */
    record Match(Glob procedure, Glob object, String transport, Boolean readOnly) {

        boolean matches(FaultInjector.Call call) {
            if (procedure != null && !procedure.matches(call.api()) && !procedure.matches(call.procedure())
                    && !procedure.matches("REMOTE_PROC_" + call.procedure())) {
                return false;
            }
            if (object != null && !object.matches(call.objectName()) && !object.matches(call.objectUuid())) {
                return false;
            }
            if (transport != null && !transport.equals(call.transport())) {
                return false;
            }
            return readOnly == null || readOnly == call.readOnly();
        }
    }

    private final String name;
    private final Match match;
    private final Trigger trigger;
    /** The probability, or N of EVERY and FIRST. */
    private final double value;
    private final FaultAction action;
    private final SplittableRandom random;
    /** Calls matched so far. Guarded by this. */
    private long matched;

    FaultRule(String name, Match match, Trigger trigger, double value, FaultAction action, long seed) {
        this.name = name;
        this.match = match;
        this.trigger = trigger;
        this.value = value;
        this.action = action;
        this.random = new SplittableRandom(seed);
    }

    String name() {
        return name;
    }

    FaultAction action() {
        return action;
    }

    boolean matches(FaultInjector.Call call) {
        return match.matches(call);
    }

    /**
     * Counts a matched call and says whether the rule fires for it: -1 when it does not, else the
     * delay it draws (0 for a rule that is not a delay).
     */
    synchronized long fire() {
        matched++;
        boolean fires;
        switch (trigger) {
            case PROBABILITY:
                fires = random.nextDouble() < value;
                break;
            case EVERY:
                fires = matched % (long) value == 0;
                break;
            case FIRST:
                fires = matched <= (long) value;
                break;
            default:
                fires = true;
        }
        if (!fires) {
            return -1;
        }
        return action.kind() == FaultAction.Kind.DELAY ? action.delay().sample(random) : 0;
    }
}
