package io.jvirtd.model.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** virUUIDParse's liberal scan, and only that. */
class UuidsTest {

    private static final String CANON = "6695eb01-f6a4-8304-79aa-97f2502e193f";

    private static String canon(String text) {
        return Uuids.parse(text).map(Uuids::format).orElse(null);
    }

    @Test
    void acceptsWhatLibvirtAccepts() {
        assertEquals(CANON, canon(CANON));
        assertEquals(CANON, canon("6695EB01F6A4830479AA97F2502E193F"));
        assertEquals(CANON, canon(" \t6695eb01 f6a4--8304 79aa-97f2502e193f\n"));
        assertEquals(CANON, canon("66-95-eb-01-f6-a4-83-04-79-aa-97-f2-50-2e-19-3f"));
    }

    @Test
    void refusesWhatLibvirtRefuses() {
        assertTrue(Uuids.parse("6695eb01-f6a4-8304-79aa-97f2502e193").isEmpty(), "31 digits");
        assertTrue(Uuids.parse("6695eb01-f6a4-8304-79aa-97f2502e193f0").isEmpty(), "33 digits");
        assertTrue(Uuids.parse("6-695eb01f6a4830479aa97f2502e193f").isEmpty(), "a separator inside a pair");
        assertTrue(Uuids.parse("6695eb01f6a4830479aa97f2502e193\u0661").isEmpty(), "non-ASCII digit");
        assertTrue(Uuids.parse("\u00a06695eb01f6a4830479aa97f2502e193f").isEmpty(), "non-ASCII space");
        assertTrue(Uuids.parse(null).isEmpty());
    }
}
