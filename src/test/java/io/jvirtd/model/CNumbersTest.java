package io.jvirtd.model;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** virStrToLong_uip / _ullp acceptance rules. */
class CNumbersTest {

    @Test
    void acceptsWhatStrtoulAcceptsWhenFullyConsumed() {
        assertEquals(OptionalLong.of(42), CNumbers.parseUIntPositive("42"));
        assertEquals(OptionalLong.of(42), CNumbers.parseUIntPositive("  +42"));
        assertEquals(OptionalLong.of(0xFFFF_FFFFL), CNumbers.parseUIntPositive("4294967295"));
        assertEquals(OptionalLong.of(-1L), CNumbers.parseULongLongPositive("18446744073709551615"));
    }

    @Test
    void refusesSignsTrailingTextAndOverflow() {
        assertEquals(OptionalLong.empty(), CNumbers.parseUIntPositive("-1"));
        assertEquals(OptionalLong.empty(), CNumbers.parseUIntPositive("-0"));
        assertEquals(OptionalLong.empty(), CNumbers.parseUIntPositive("12 "));
        assertEquals(OptionalLong.empty(), CNumbers.parseUIntPositive("abc"));
        assertEquals(OptionalLong.empty(), CNumbers.parseUIntPositive(""));
        assertEquals(OptionalLong.empty(), CNumbers.parseUIntPositive("4294967296"));
        assertEquals(OptionalLong.empty(), CNumbers.parseULongLongPositive("18446744073709551616"));
        assertEquals(OptionalLong.empty(), CNumbers.parseULongLongPositive("0x10"));
    }
}
