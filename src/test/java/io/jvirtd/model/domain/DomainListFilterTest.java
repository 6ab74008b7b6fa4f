package io.jvirtd.model.domain;

import static io.jvirtd.model.domain.DomainListFilter.*;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** virDomainObjMatchFilter's pairs of opposite flags, as both drivers now use it. */
class DomainListFilterTest {

    private static final Facts RUNNING_PERSISTENT = new Facts(true, true, DomainState.RUNNING, false, false, 0, 0);
    private static final Facts SHUTOFF_TRANSIENT_SAVED = new Facts(false, false, DomainState.SHUTOFF, true, true, 2, 1);
    private static final Facts CRASHED = new Facts(false, true, DomainState.CRASHED, false, false, 0, 0);

    @Test
    void noFlagsAndBothHalvesOfAPairLetEverythingThrough() {
        for (Facts f : new Facts[] {RUNNING_PERSISTENT, SHUTOFF_TRANSIENT_SAVED, CRASHED}) {
            assertTrue(matches(f, 0));
            assertTrue(matches(f, MANAGEDSAVE | NO_MANAGEDSAVE), "both halves of a pair filter nothing");
            assertTrue(matches(f, HAS_SNAPSHOT | NO_SNAPSHOT | HAS_CHECKPOINT | NO_CHECKPOINT));
            assertTrue(matches(f, ACTIVE | INACTIVE | PERSISTENT | TRANSIENT));
        }
    }

    @Test
    void eachHalfFiltersOnItsFact() {
        assertTrue(matches(RUNNING_PERSISTENT, ACTIVE | PERSISTENT | RUNNING | NO_MANAGEDSAVE | NO_AUTOSTART));
        assertFalse(matches(RUNNING_PERSISTENT, INACTIVE));
        assertFalse(matches(RUNNING_PERSISTENT, HAS_SNAPSHOT));
        assertTrue(matches(SHUTOFF_TRANSIENT_SAVED, TRANSIENT | SHUTOFF | MANAGEDSAVE | AUTOSTART | HAS_SNAPSHOT
                | HAS_CHECKPOINT));
        assertFalse(matches(SHUTOFF_TRANSIENT_SAVED, NO_CHECKPOINT));
        assertTrue(matches(CRASHED, OTHER), "a state other than running, paused and shut off is OTHER");
        assertFalse(matches(CRASHED, RUNNING | PAUSED | SHUTOFF));
    }
}
