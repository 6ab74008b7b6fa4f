package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address as libvirt's {@code virSocketAddr} holds it (src/util/virsocketaddr.c):
 * parsed the way glibc's {@code getaddrinfo(AI_NUMERICHOST)} accepts numeric hosts (IPv4 in
 * inet_aton's shorthand forms, IPv6 with an optional embedded IPv4 tail and a {@code %scope}),
 * printed as {@code inet_ntop} prints, with the prefix and netmask arithmetic libvirt uses.
 * Immutable.
 */
public final class NetAddr {

    private final byte[] bytes;

    private NetAddr(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Family constants as the address family filter of {@link #parse}. */
    public static final int UNSPEC = 0;
    public static final int INET = 4;
    public static final int INET6 = 6;

    public static NetAddr of(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes");
        }
        return new NetAddr(bytes.clone());
    }

    /** The address bytes (4 or 16). */
    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean isV4() {
        return bytes.length == 4;
    }

    public boolean isV6() {
        return bytes.length == 16;
    }

    public int family() {
        return isV4() ? INET : INET6;
    }

    /**
     * virSocketAddrParse: the address, or a SYSTEM_ERROR "Cannot parse socket address 'V': WHY"
     * with getaddrinfo's reason, as libvirt reports it.
     */
    public static NetAddr parseOrThrow(String text, int family) {
        NetAddr a = parse(text, UNSPEC);
        if (a == null) {
            throw VirException.of(VirErrorNumber.SYSTEM_ERROR, VirErrorDomain.NONE,
                    "Cannot parse socket address '" + text + "': Name or service not known");
        }
        if (family != UNSPEC && a.family() != family) {
            throw VirException.of(VirErrorNumber.SYSTEM_ERROR, VirErrorDomain.NONE,
                    "Cannot parse socket address '" + text + "': Address family for hostname not supported");
        }
        return a;
    }

    /** The address, or null when getaddrinfo would refuse it (for {@code family}). */
    public static NetAddr parse(String text, int family) {
        if (text == null) {
            return null;
        }
        byte[] b = parseV4(text);
        if (b == null) {
            b = parseV6(text);
        }
        if (b == null) {
            return null;
        }
        if (family == INET && b.length != 4 || family == INET6 && b.length != 16) {
            return null;
        }
        return new NetAddr(b);
    }

    /** glibc's inet_aton_exact: one to four parts in C's base-0 notation, no trailing junk. */
    private static byte[] parseV4(String s) {
        if (s.isEmpty()) {
            return null;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = cNumber(parts[i]);
            if (v[i] < 0) {
                return null;
            }
        }
        long value;
        int n = parts.length;
        for (int i = 0; i < n - 1; i++) {
            if (v[i] > 0xff) {
                return null;
            }
        }
        long last = v[n - 1];
        long lastMax = switch (n) {
            case 1 -> 0xffffffffL;
            case 2 -> 0xffffffL;
            case 3 -> 0xffffL;
            default -> 0xffL;
        };
        if (last > lastMax) {
            return null;
        }
        value = last;
        for (int i = 0; i < n - 1; i++) {
            value |= v[i] << (24 - 8 * i);
        }
        return new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
    }

    /** A C integer literal (0x hex, 0 octal, decimal), or -1. */
    private static long cNumber(String p) {
        if (p.isEmpty()) {
            return -1;
        }
        int base = 10;
        String digits = p;
        if (p.length() > 1 && p.charAt(0) == '0' && (p.charAt(1) == 'x' || p.charAt(1) == 'X')) {
            base = 16;
            digits = p.substring(2);
            if (digits.isEmpty()) {
                return 0; // inet_aton takes "0x" as zero
            }
        } else if (p.length() > 1 && p.charAt(0) == '0') {
            base = 8;
            digits = p.substring(1);
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), base);
            if (d < 0 || digits.charAt(i) > 'z') {
                return -1;
            }
            v = v * base + d;
            if (v > 0xffffffffL) {
                return -1;
            }
        }
        return v;
    }

    /** inet_pton(AF_INET6) after dropping a {@code %scope}. */
    private static byte[] parseV6(String s) {
        int pct = s.indexOf('%');
        if (pct >= 0) {
            if (pct == s.length() - 1) {
                return null;
            }
            s = s.substring(0, pct);
        }
        if (s.indexOf(':') < 0) {
            return null;
        }
        byte[] out = new byte[16];
        int gap = -1;
        int pos = 0;
        int i = 0;
        int n = s.length();
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return out;
            }
        } else if (s.startsWith(":")) {
            return null;
        }
        while (i < n) {
            int start = i;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 0x80) {
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                byte[] v4 = parseDottedQuad(s.substring(start));
                if (v4 == null || pos + 4 > 16) {
                    return null;
                }
                System.arraycopy(v4, 0, out, pos, 4);
                pos += 4;
                i = n;
                break;
            }
            if (i - start == 0 || i - start > 4) {
                return null;
            }
            if (pos + 2 > 16) {
                return null;
            }
            int g = Integer.parseInt(s.substring(start, i), 16);
            out[pos++] = (byte) (g >> 8);
            out[pos++] = (byte) g;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = pos;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null;
            }
        }
        if (gap >= 0) {
            if (pos == 16) {
                return null;
            }
            int tail = pos - gap;
            byte[] res = new byte[16];
            System.arraycopy(out, 0, res, 0, gap);
            System.arraycopy(out, gap, res, 16 - tail, tail);
            return res;
        }
        return pos == 16 ? out : null;
    }

    /** inet_pton4: exactly four decimal parts of at most 255, no leading zeros. */
    private static byte[] parseDottedQuad(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (p[i].isEmpty() || p[i].length() > 3 || (p[i].length() > 1 && p[i].charAt(0) == '0')) {
                return null;
            }
            for (char c : p[i].toCharArray()) {
                if (c < '0' || c > '9') {
                    return null;
                }
            }
            int v = Integer.parseInt(p[i]);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    /** inet_ntop's text. */
    @Override
    public String toString() {
        if (isV4()) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
                sb.append(bytes[12] & 0xff).append('.').append(bytes[13] & 0xff).append('.')
                        .append(bytes[14] & 0xff).append('.').append(bytes[15] & 0xff);
                return sb.toString();
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetAddr a && Arrays.equals(a.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** virSocketAddrIsWildcard. */
    public boolean isWildcard() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** virSocketAddrPrefixToNetmask, or null when the prefix is too long for the family. */
    public static NetAddr prefixToNetmask(int prefix, int family) {
        int len = family == INET ? 4 : 16;
        if (prefix < 0 || prefix > len * 8) {
            return null;
        }
        byte[] m = new byte[len];
        for (int i = 0; i < len; i++) {
            int bits = Math.max(0, Math.min(8, prefix - 8 * i));
            m[i] = (byte) (bits == 0 ? 0 : (0xff << (8 - bits)));
        }
        return new NetAddr(m);
    }

    /** virSocketAddrGetNumNetmaskBits: the contiguous prefix length, or -1. */
    public int netmaskBits() {
        int c = 0;
        int total = bytes.length * 8;
        int j = 0;
        while (j < total && bit(j)) {
            c++;
            j++;
        }
        while (j < total) {
            if (bit(j)) {
                return -1;
            }
            j++;
        }
        return c;
    }

    private boolean bit(int j) {
        return (bytes[j >> 3] & (1 << (7 - (j & 7)))) != 0;
    }

    /** This address masked by {@code netmask} (same family), or null. */
    public NetAddr mask(NetAddr netmask) {
        if (netmask == null || netmask.bytes.length != bytes.length) {
            return null;
        }
        byte[] r = new byte[bytes.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) (bytes[i] & netmask.bytes[i]);
        }
        return new NetAddr(r);
    }

    /** virSocketAddrMaskByPrefix, or null for a bad prefix. */
    public NetAddr maskByPrefix(int prefix) {
        return mask(prefixToNetmask(prefix, family()));
    }

    /** The broadcast address of this network (IPv4). */
    public NetAddr broadcast(NetAddr netmask) {
        byte[] r = new byte[bytes.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) (bytes[i] | ~netmask.bytes[i]);
        }
        return new NetAddr(r);
    }

    /**
     * virSocketAddrGetIPPrefix: the explicit prefix, else the netmask's bits, else the natural
     * class prefix (IPv4) or 64 (IPv6); 0 when nothing is known.
     */
    public static int ipPrefix(NetAddr address, NetAddr netmask, int prefix) {
        if (prefix > 0) {
            return prefix;
        }
        if (netmask != null) {
            return netmask.netmaskBits();
        }
        if (address != null && address.isV4()) {
            if (address.isWildcard()) {
                return 0;
            }
            int octet = address.bytes[0] & 0xff;
            if ((octet & 0x80) == 0) {
                return 8;
            } else if ((octet & 0xC0) == 0x80) {
                return 16;
            } else if ((octet & 0xE0) == 0xC0) {
                return 24;
            }
            return -1;
        }
        if (address != null && address.isV6()) {
            return address.isWildcard() ? 0 : 64;
        }
        return 0;
    }

    /** This address plus {@code offset} in its last 32 bits (IPv4) or last byte (IPv6), as the test driver does. */
    public NetAddr plus(long offset) {
        byte[] r = bytes.clone();
        if (isV6()) {
            r[15] = (byte) (r[15] + offset);
        } else {
            long v = ((r[0] & 0xffL) << 24) | ((r[1] & 0xffL) << 16) | ((r[2] & 0xffL) << 8) | (r[3] & 0xffL);
            v = (v + offset) & 0xffffffffL;
            r = new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
        }
        return new NetAddr(r);
    }

    /**
     * virSocketAddrGetRange: checks a range against its network with libvirt's INTERNAL_ERROR
     * texts (domain NONE, as virsocketaddr.c reports them) and returns its size.
     */
    static int checkRange(NetAddr start, NetAddr end, NetAddr network, int prefix) {
        String s = start.toString();
        String e = end.toString();
        if (start.family() != end.family()) {
            throw rangeErr("mismatch of address family in range " + s + " - " + e);
        }
        if (network != null) {
            String n = network.toString();
            if (start.family() != network.family()) {
                throw rangeErr("mismatch of address family in range " + s + " - " + e + " for network " + n);
            }
            NetAddr netmask = prefix < 0 ? null : prefixToNetmask(prefix, network.family());
            if (netmask == null) {
                throw rangeErr("bad prefix " + prefix + " for network " + n + " when  checking range "
                        + s + " - " + e);
            }
            NetAddr net = network.mask(netmask);
            if (!net.equals(start.mask(netmask)) || !net.equals(end.mask(netmask))) {
                throw rangeErr("range " + s + " - " + e + " is not entirely within network " + n + "/" + prefix);
            }
            if (start.isV4()) {
                NetAddr bcast = network.broadcast(netmask);
                if (start.equals(net)) {
                    throw rangeErr("start of range " + s + " - " + e + " in network " + n + "/" + prefix
                            + " is the network address");
                }
                if (end.equals(bcast)) {
                    throw rangeErr("end of range " + s + " - " + e + " in network " + n + "/" + prefix
                            + " is the broadcast address");
                }
            }
        }
        byte[] a = start.bytes;
        byte[] b = end.bytes;
        if (start.isV4()) {
            if (a[0] != b[0] || a[1] != b[1]) {
                throw rangeErr("range " + s + " - " + e + " is too large (> 65535)");
            }
            int r = ((b[2] & 0xff) - (a[2] & 0xff)) * 256 + ((b[3] & 0xff) - (a[3] & 0xff));
            if (r < 0) {
                throw rangeErr("range " + s + " - " + e + " is reversed ");
            }
            return r + 1;
        }
        for (int i = 0; i < 14; i++) {
            if (a[i] != b[i]) {
                throw rangeErr("range " + s + " - " + e + " is too large (> 65535)");
            }
        }
        int r = (((b[14] & 0xff) << 8) | (b[15] & 0xff)) - (((a[14] & 0xff) << 8) | (a[15] & 0xff));
        if (r < 0) {
            throw rangeErr("range " + s + " - " + e + " start larger than end");
        }
        return r + 1;
    }

    private static VirException rangeErr(String detail) {
        return VirException.internalError(VirErrorDomain.NONE, detail);
    }
}
