package io.jvirtd.rpc.xdr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes XDR (big-endian, 4-byte units, zero padding) into a growable byte array.
 *
 * <p>Meant to be reused: the message layer reserves the length word, encodes header and body,
 * then patches the length with {@link #putInt(int, int)} and hands {@link #array()} up to
 * {@link #position()} to the socket; {@link #reset()} keeps the buffer for the next message.
 * Padding is always written as zeros, so stale bytes of a reused buffer never leak.
 *
 * <p>Single-threaded: one writer belongs to the thread encoding one message.
 */
public final class XdrWriter {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(
            int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(
            long[].class, ByteOrder.BIG_ENDIAN);
    /** Largest array the JVM reliably allocates. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private byte[] buf;
    private int pos;

    public XdrWriter(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        this.buf = new byte[initialCapacity];
    }

    /** Index of the next byte to write; bytes before it are the output. */
    public int position() {
        return pos;
    }

    /**
     * Moves the write position, e.g. forward past a length word to patch later. Bytes skipped
     * over hold whatever the buffer held before; write them before sending.
     */
    public void setPosition(int position) {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        ensure(position - pos);
        pos = position;
    }

    /** Overwrites the word at {@code at}, which must lie in what was already written. */
    public void putInt(int at, int value) {
        if (at < 0 || at > pos - 4) {
            throw new IndexOutOfBoundsException("word at " + at + " outside written " + pos);
        }
        INT.set(buf, at, value);
    }

    public void writeInt(int v) {
        ensure(4);
        INT.set(buf, pos, v);
        pos += 4;
    }

    public void writeHyper(long v) {
        ensure(8);
        LONG.set(buf, pos, v);
        pos += 8;
    }

    /** IEEE-754 bits as they are: NaN payloads survive a round trip. */
    public void writeDouble(double v) {
        writeHyper(Double.doubleToRawLongBits(v));
    }

    public void writeBool(boolean v) {
        writeInt(v ? 1 : 0);
    }

    /**
     * XDR {@code string}: UTF-8 byte count, bytes, padding. Returns the byte count so callers
     * can check it against the declared maximum. ASCII, the common case, is written straight
     * from the chars without a temporary array.
     */
    public int writeString(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                writeOpaque(utf8);
                return utf8.length;
            }
        }
        ensure(4 + (int) XdrReader.padded(n));
        INT.set(buf, pos, n);
        pos += 4;
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
        pad(n);
        return n;
    }

    /** XDR {@code opaque<>}: byte count, bytes, padding. */
    public void writeOpaque(byte[] b) {
        writeInt(b.length);
        writeBytes(b, b.length);
    }

    /** XDR {@code opaque[n]}: exactly n bytes and padding, no count. */
    public void writeFixedOpaque(byte[] b, int n) {
        if (b.length != n) {
            throw new XdrException("fixed opaque needs " + n + " bytes, got " + b.length);
        }
        writeBytes(b, n);
    }

    /**
     * rpcgen {@code char x<>}: the count, then {@code count} words: the chars (each widened
     * as below), then NULs, so a C string's terminator costs no copy.
     */
    public void writeCharArray(byte[] chars, int count) {
        writeInt(count);
        writeFixedCharArray(chars, count);
    }

    /**
     * rpcgen {@code char x[n]}: n words, the first {@code chars.length} from the array, the
     * rest NUL. Chars are sign-extended as xdr_char does with the signed C char of x86.
     */
    public void writeFixedCharArray(byte[] chars, int n) {
        if (chars.length > n) {
            throw new XdrException("char array of " + chars.length + " does not fit in " + n);
        }
        ensure(4 * n);
        for (int i = 0; i < n; i++) {
            INT.set(buf, pos, i < chars.length ? (int) chars[i] : 0);
            pos += 4;
        }
    }

    /** The backing array; valid up to {@link #position()}, replaced when the writer grows. */
    public byte[] array() {
        return buf;
    }

    /** A copy of what was written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** Forgets the output but keeps the buffer for the next message. */
    public void reset() {
        pos = 0;
    }

    private void writeBytes(byte[] b, int n) {
        ensure((int) XdrReader.padded(n));
        System.arraycopy(b, 0, buf, pos, n);
        pos += n;
        pad(n);
    }

    private void pad(int n) {
        for (int i = n; (i & 3) != 0; i++) {
            buf[pos++] = 0;
        }
    }

    private void ensure(int bytes) {
        if (bytes <= buf.length - pos) {
            return;
        }
        long needed = (long) pos + bytes;
        if (needed > MAX_CAPACITY) {
            throw new XdrException("XDR output of " + needed + " bytes is too large");
        }
        // Doubling, as libvirt's encoder does, keeps the number of copies logarithmic.
        long grown = Math.max(needed, Math.max(16L, 2L * buf.length));
        buf = Arrays.copyOf(buf, (int) Math.min(grown, MAX_CAPACITY));
    }
}
