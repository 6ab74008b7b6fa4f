package io.jvirtd.rpc.xdr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads XDR (RFC 4506: big-endian, 4-byte units, padding to a multiple of 4) from a slice of
 * a byte array, without copying the slice.
 *
 * <p>This is the wire edge, so every variable-length read checks its count against the
 * declared maximum and against the bytes left <em>before</em> allocating anything: a peer
 * that declares a 2 GiB string in a 40-byte packet gets an {@link XdrException}, never an
 * allocation. Padding bytes are skipped, not checked (libtirpc does not check them either).
 *
 * <p>Single-threaded: one reader belongs to the thread decoding one message.
 */
public final class XdrReader {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(
            int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(
            long[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] buf;
    private final int limit;
    private int pos;

    /** Reads {@code buf[offset .. offset+length)}. */
    public XdrReader(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** Index in the backing array of the next byte to read. */
    public int position() {
        return pos;
    }

    /** Bytes left in the slice. */
    public int remaining() {
        return limit - pos;
    }

    /** XDR {@code int}, {@code unsigned int} (as its bit pattern), {@code enum}. */
    public int readInt() {
        need(4, "int");
        int v = (int) INT.get(buf, pos);
        pos += 4;
        return v;
    }

    /** XDR {@code hyper} and {@code unsigned hyper} (as its bit pattern). */
    public long readHyper() {
        need(8, "hyper");
        long v = (long) LONG.get(buf, pos);
        pos += 8;
        return v;
    }

    public double readDouble() {
        return Double.longBitsToDouble(readHyper());
    }

    /** XDR {@code bool}; like libtirpc's xdr_bool, any non-zero word is true. */
    public boolean readBool() {
        return readInt() != 0;
    }

    /** XDR {@code string<max>}, decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String readString(int max) {
        int n = readCount(max, 1, "string");
        need(padded(n), "string padding");
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += (int) padded(n);
        return s;
    }

    /** XDR {@code opaque<max>}. */
    public byte[] readOpaque(int max) {
        return readFixedOpaque(readCount(max, 1, "opaque"));
    }

    /** XDR {@code opaque[n]}: n bytes and their padding, no count. */
    public byte[] readFixedOpaque(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative fixed opaque size " + n);
        }
        need(padded(n), "fixed opaque");
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += (int) padded(n);
        return b;
    }

    /** rpcgen {@code char x<max>}: a count, then each char widened to a 4-byte word. */
    public byte[] readCharArray(int max) {
        return readFixedCharArray(readCount(max, 4, "char array"));
    }

    /** rpcgen {@code char x[n]}: n chars, each a 4-byte word, no count. */
    public byte[] readFixedCharArray(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative fixed char array size " + n);
        }
        need(4L * n, "fixed char array");
        byte[] chars = new byte[n];
        for (int i = 0; i < n; i++) {
            // xdr_char keeps the low 8 bits of the word; the sign extension is noise.
            chars[i] = (byte) (int) INT.get(buf, pos);
            pos += 4;
        }
        return chars;
    }

    /**
     * Reads the count word of a variable-length item and checks it before anything is
     * allocated: at most {@code max}, and at least {@code minElementSize * count} bytes must
     * remain (0 skips that check, for elements that can encode to nothing). Returns the count.
     */
    public int readCount(int max, int minElementSize, String what) {
        int n = readInt();
        // The count is unsigned on the wire: a negative int is a count over 2^31.
        if (n < 0 || n > max) {
            throw new XdrException(what + " length " + Integer.toUnsignedString(n)
                    + " exceeds maximum " + max);
        }
        if ((long) n * minElementSize > remaining()) {
            throw new XdrException(what + " length " + n + " needs "
                    + (long) n * minElementSize + " bytes but only " + remaining() + " remain");
        }
        return n;
    }

    private void need(long bytes, String what) {
        if (bytes > limit - pos) {
            throw new XdrException("truncated input: " + what + " needs " + bytes
                    + " bytes at offset " + pos + " but only " + (limit - pos) + " remain");
        }
    }

    /** n rounded up to a multiple of 4, in long so that n near 2^31 cannot wrap. */
    static long padded(int n) {
        return ((long) n + 3) & ~3L;
    }
}
