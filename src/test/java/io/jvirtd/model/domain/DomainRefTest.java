package io.jvirtd.model.domain;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainRefTest {

    private static final String UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f";

    @Test
    void equalityComparesUuidContentNameAndId() {
        byte[] u = Uuids.parse(UUID).orElseThrow();
        DomainRef a = new DomainRef("test", u, 1);
        DomainRef b = new DomainRef("test", Uuids.parse(UUID).orElseThrow(), 1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new DomainRef("test", u, -1));
        assertEquals(UUID, a.uuidString());
        assertTrue(a.isActive());
        assertFalse(new DomainRef("test", u, DomainRef.NO_ID).isActive());
    }

    @Test
    void uuidIsCopiedInAndOut() {
        byte[] u = Uuids.parse(UUID).orElseThrow();
        DomainRef a = new DomainRef("test", u, 1);
        u[0] = 0;
        a.uuid()[1] = 0;
        assertEquals(UUID, a.uuidString());
        assertThrows(IllegalArgumentException.class, () -> new DomainRef("x", new byte[3], 1));
    }

    @Test
    void uuidTextFormsAsLibvirt() {
        assertArrayEquals(Uuids.parse(UUID).orElseThrow(),
                Uuids.parse(" 6695eb01f6a4830479aa97f2502e193f ").orElseThrow());
        assertEquals(Optional.empty(), Uuids.parse("6695eb01-f6a4-8304-79aa-97f2502e193"));
        assertEquals(Optional.empty(), Uuids.parse("zz95eb01-f6a4-8304-79aa-97f2502e193f"));
        byte[] r = Uuids.random();
        assertEquals(4, (r[6] >> 4) & 0xf);
        assertEquals(2, (r[8] >> 6) & 3);
    }

    @Test
    void stateNumbersAreLibvirts() {
        assertEquals(1, DomainState.RUNNING.number());
        assertEquals(5, DomainState.SHUTOFF.number());
        assertEquals(DomainState.PMSUSPENDED, DomainState.byNumber(7));
        assertEquals(null, DomainState.byNumber(8));
    }
}
