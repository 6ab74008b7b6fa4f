package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import java.util.BitSet;

/**
 * libvirt's bitmap strings ("0-3,^2,8"): {@code virBitmapParse} and {@code virBitmapFormat}
 * (src/util/virbitmap.c). Stateless; safe from any thread.
 */
public final class CpuSet {

    /** VIR_DOMAIN_CPUMASK_LEN: the largest cpu number + 1 a domain cpuset may name. */
    public static final int CPUMASK_LEN = 32768;

    private CpuSet() {
    }

    /**
     * Parses a bitmap string limited to {@link #CPUMASK_LEN} bits.
     *
     * @param what unused; kept for call-site readability
     * @throws VirException INVALID_ARG "Failed to parse bitmap 'S'" (domain NONE, as virbitmap.c)
     */
    public static BitSet parse(String s, String what) {
        BitSet set = parseOrNull(s, CPUMASK_LEN);
        if (set == null) {
            throw VirException.invalidArg(VirErrorDomain.NONE, "Failed to parse bitmap '" + s + "'");
        }
        return set;
    }

    /** Parses with a bit limit; null when malformed or out of range. */
    public static BitSet parseOrNull(String s, int limit) {
        if (s == null) {
            return null;
        }
        BitSet set = new BitSet();
        int[] pos = {0};
        skip(s, pos);
        if (pos[0] >= s.length()) {
            return null;
        }
        while (pos[0] < s.length()) {
            boolean neg = false;
            if (s.charAt(pos[0]) == '^') {
                pos[0]++;
                neg = true;
            }
            if (pos[0] >= s.length() || !isDigit(s.charAt(pos[0]))) {
                return null;
            }
            long start = number(s, pos);
            if (start < 0 || start > Integer.MAX_VALUE) {
                return null;
            }
            skip(s, pos);
            if (pos[0] >= s.length() || s.charAt(pos[0]) == ',') {
                if (start >= limit) {
                    return null;
                }
                set.set((int) start, !neg);
            } else if (s.charAt(pos[0]) == '-') {
                if (neg) {
                    return null;
                }
                pos[0]++;
                skip(s, pos);
                boolean minus = pos[0] < s.length() && (s.charAt(pos[0]) == '-' || s.charAt(pos[0]) == '+');
                if (minus || pos[0] >= s.length() || !isDigit(s.charAt(pos[0]))) {
                    return null;
                }
                long last = number(s, pos);
                if (last < start || last > Integer.MAX_VALUE || last >= limit) {
                    return null;
                }
                set.set((int) start, (int) last + 1);
                skip(s, pos);
            }
            if (pos[0] < s.length() && s.charAt(pos[0]) == ',') {
                pos[0]++;
                skip(s, pos);
            } else if (pos[0] >= s.length()) {
                break;
            } else {
                return null;
            }
        }
        return set;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static long number(String s, int[] pos) {
        long v = 0;
        while (pos[0] < s.length() && isDigit(s.charAt(pos[0]))) {
            v = v * 10 + (s.charAt(pos[0]) - '0');
            if (v > Integer.MAX_VALUE) {
                v = Long.MAX_VALUE / 2;
            }
            pos[0]++;
        }
        return v;
    }

    private static void skip(String s, int[] pos) {
        while (pos[0] < s.length() && DomainDef.isSpace(s.charAt(pos[0]))) {
            pos[0]++;
        }
    }

    /** virBitmapFormat: ascending ranges "a-b,c"; "" for an empty set. */
    public static String format(BitSet set) {
        StringBuilder sb = new StringBuilder();
        int i = set.nextSetBit(0);
        while (i >= 0) {
            int end = set.nextClearBit(i) - 1;
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(i);
            if (end > i) {
                sb.append('-').append(end);
            }
            i = set.nextSetBit(end + 1);
        }
        return sb.toString();
    }

    /** Parses and formats again (the canonical form libvirt prints). */
    public static String normalize(String s) {
        return format(parse(s, "cpuset"));
    }
}
