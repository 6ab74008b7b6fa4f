package io.jvirtd.model;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** virStrToLong_* acceptance rules (strtol/strtoul syntax, whole string, libvirt's '-' rule). */
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

    @Test
    void strtoFollowsCsBasePrefixesAndSigns() {
        assertEquals(java.math.BigInteger.valueOf(31), CNumbers.strto("0x1f", 0));
        assertEquals(java.math.BigInteger.valueOf(31), CNumbers.strto("0X1F", 16));
        assertEquals(java.math.BigInteger.valueOf(8), CNumbers.strto("010", 0));
        assertEquals(java.math.BigInteger.valueOf(10), CNumbers.strto("010", 10));
        assertEquals(java.math.BigInteger.valueOf(-7), CNumbers.strto(" \t-7", 10));
        assertEquals(null, CNumbers.strto("0x", 0)); // C reads the 0 and stops at the x
        assertEquals(null, CNumbers.strto("7 ", 10));
        assertEquals(null, CNumbers.strto("+", 10));
        assertEquals(null, CNumbers.strto("\u0661", 10)); // a non-ASCII digit is no digit to C
    }

    @Test
    void fixedWidthVariantsRefuseWhatLibvirtRefuses() {
        assertEquals(Integer.MIN_VALUE, CNumbers.strToInt("-2147483648", 10));
        assertEquals(null, CNumbers.strToInt("2147483648", 10));
        assertEquals(0xFFFF_FFFFL, CNumbers.strToUIntP("0xffffffff", 0));
        assertEquals(null, CNumbers.strToUIntP("-0", 10));
        assertEquals(null, CNumbers.strToUIntP("4294967296", 10));
        assertEquals(-1L, CNumbers.strToULongLongP("18446744073709551615", 10));
        assertEquals(null, CNumbers.strToULongLongP("-1", 10));
        assertEquals(Long.MIN_VALUE, CNumbers.strToLongLong("-9223372036854775808", 10));
        assertEquals(null, CNumbers.strToInt(null, 10));
    }
}
