package io.jvirtd.model;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The code and domain tables match libvirt 9.0's virterror.h and virerror.c. */
class VirErrorTablesTest {

    @Test
    void everyErrorNumberOfLibvirt9IsThereOnce() {
        // VIR_ERR_NUMBER_LAST is 111 in 9.0: codes 0..110, no gaps.
        assertEquals(111, VirErrorNumber.values().length);
        Set<Integer> seen = new HashSet<>();
        for (VirErrorNumber n : VirErrorNumber.values()) {
            assertTrue(seen.add(n.number()), n.name());
            assertSame(n, VirErrorNumber.byNumber(n.number()));
        }
        assertNull(VirErrorNumber.byNumber(111));
    }

    @Test
    void everyTemplateWithInfoHasExactlyOnePlaceholder() {
        for (VirErrorNumber n : VirErrorNumber.values()) {
            if (n == VirErrorNumber.OK) {
                continue;
            }
            String t = n.messageWithInfo();
            assertEquals(t.indexOf("%s"), t.lastIndexOf("%s"), n.name());
            assertTrue(t.contains("%s"), n.name());
            assertTrue(!n.message().contains("%"), n.name());
        }
    }

    @Test
    void wellKnownNumbers() {
        assertEquals(42, VirErrorNumber.NO_DOMAIN.number());
        assertEquals(39, VirErrorNumber.RPC.number());
        assertEquals(55, VirErrorNumber.OPERATION_INVALID.number());
        assertEquals(41, VirErrorNumber.WAR_NO_NETWORK.number());
        assertEquals(110, VirErrorNumber.MULTIPLE_DOMAINS.number());
        assertEquals("Failed to find the network: %s", VirErrorNumber.WAR_NO_NETWORK.messageWithInfo());
    }

    @Test
    void everyDomainOfLibvirt9IsThere() {
        assertEquals(73, VirErrorDomain.values().length);
        for (int i = 0; i <= 72; i++) {
            assertEquals(i, VirErrorDomain.byNumber(i).number());
        }
        assertEquals(12, VirErrorDomain.TEST.number());
        assertEquals(13, VirErrorDomain.REMOTE.number());
        assertEquals(35, VirErrorDomain.DOMAIN_SNAPSHOT.number());
        assertEquals(69, VirErrorDomain.DOMAIN_CHECKPOINT.number());
        assertNull(VirErrorDomain.byNumber(73));
    }
}
