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
     * C's {@code %0*lx} of {@code v} ({@code String.format(Locale.ROOT, "%0" + width + "x", v)}): lower-case
     * hex, zero-padded to {@code width} digits, a negative value as its 64-bit pattern. Printed
     * addresses go through it on every parse; Formatter parses its pattern with a regular
     * expression each call, which was a large share of what the JIT compiled for a snapshot
     * (docs/performance.md, issue 14, helper snapcpu).
     */
    public static String hex(long v, int width) {
        String h = Long.toHexString(v);
        return h.length() >= width ? h : "0".repeat(width - h.length()) + h;
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

    /**
     * C's {@code strtol}/{@code strtoul} syntax on the whole string, as virStrToLong_* use it:
     * leading white space, an optional sign, the base prefix rules ({@code 0x} for 16 and 0,
     * {@code 0} for octal with 0), then digits; trailing characters or no digits fail.
     *
     * @return the value with its sign applied, or null
     */
    public static BigInteger strto(String s, int base) {
        return scan(s, base, true);
    }

    /** strtol's number at the start of {@code s}; with {@code whole}, nothing may follow it. */
    private static BigInteger scan(String s, int base, boolean whole) {
        int i = 0;
        int n = s.length();
        while (i < n && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int b = base;
        if ((b == 0 || b == 16) && i + 2 < n && s.charAt(i) == '0'
                && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && Character.digit(s.charAt(i + 2), 16) >= 0) {
            i += 2;
            b = 16;
        } else if (b == 0) {
            b = i < n && s.charAt(i) == '0' ? 8 : 10;
        }
        int start = i;
        while (i < n && s.charAt(i) < 128 && Character.digit(s.charAt(i), b) >= 0) {
            i++;
        }
        if (i == start || (whole && i != n)) {
            return null;
        }
        BigInteger v = new BigInteger(s.substring(start, i), b);
        return neg ? v.negate() : v;
    }

    /** virStrToLong_i: a C int, or null (also for a null string). */
    public static Integer strToInt(String s, int base) {
        BigInteger v = s == null ? null : strto(s, base);
        return v == null || v.bitLength() > 31 ? null : v.intValue();
    }

    /**
     * virStrToLong_i given an end pointer its caller never looks at (libvirtd's {@code -t}): the
     * leading C int, whatever follows it ({@code "3s"} is 3); null without digits or on overflow.
     */
    public static Integer strToIntPrefix(String s, int base) {
        BigInteger v = s == null ? null : scan(s, base, false);
        return v == null || v.bitLength() > 31 ? null : v.intValue();
    }

    /** virStrToLong_ll: a C long long, or null (also for a null string). */
    public static Long strToLongLong(String s, int base) {
        BigInteger v = s == null ? null : strto(s, base);
        return v == null || v.bitLength() > 63 ? null : v.longValue();
    }

    /** virStrToLong_uip: an unsigned int as a long, or null; any '-' is refused, as libvirt does. */
    public static Long strToUIntP(String s, int base) {
        BigInteger v = s == null || s.indexOf('-') >= 0 ? null : strto(s, base);
        return v == null || v.bitLength() > 32 ? null : v.longValue();
    }

    /** virStrToLong_ullp: an unsigned long long as its bit pattern, or null; any '-' is refused. */
    public static Long strToULongLongP(String s, int base) {
        BigInteger v = s == null || s.indexOf('-') >= 0 ? null : strto(s, base);
        return v == null || v.bitLength() > 64 ? null : v.longValue();
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }
}
