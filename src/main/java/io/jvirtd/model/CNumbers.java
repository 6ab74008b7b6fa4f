package io.jvirtd.model;

import java.math.BigInteger;
import java.util.OptionalLong;

/**
 * libvirt's number parsing ({@code virStrToLong_*} in src/util/virstring.c, on top of C's
 * {@code strtoul}/{@code strtoull} in base 10), so values in XML are accepted and refused exactly
 * as libvirt does: leading white space and a '+' are fine, trailing characters (even a space)
 * are not, and the "p" (positive) variants refuse any '-'. Stateless.
 */
public final class CNumbers {

    private static final BigInteger ULLONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger UINT_MAX = BigInteger.valueOf(0xFFFF_FFFFL);

    private CNumbers() {
    }

    /**
     * {@code virStrToLong_uip(s, NULL, 10, &v)}: an unsigned int (bit pattern in the low 32 bits
     * of the result), or empty if libvirt would fail.
     */
    public static OptionalLong parseUIntPositive(String s) {
        BigInteger v = parseUnsignedDecimal(s);
        if (v == null || v.compareTo(UINT_MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(v.longValue());
    }

    /**
     * {@code virStrToLong_ullp(s, NULL, 10, &v)}: an unsigned long long (as a bit pattern), or
     * empty if libvirt would fail.
     */
    public static OptionalLong parseULongLongPositive(String s) {
        BigInteger v = parseUnsignedDecimal(s);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v.longValue());
    }

    /** strtoull's syntax with the whole string consumed, no '-', and no overflow; else null. */
    private static BigInteger parseUnsignedDecimal(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isCSpace(s.charAt(i))) {
            i++;
        }
        if (i < n && s.charAt(i) == '+') {
            i++;
        }
        int digits = i;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == digits || i != n) {
            return null;
        }
        BigInteger v = new BigInteger(s.substring(digits, n));
        return v.compareTo(ULLONG_MAX) > 0 ? null : v;
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }
}
