package io.jvirtd.rpc.xdr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Codecs for everything that is not a record or a union: boxed primitives, strings, opaques,
 * char arrays, variable arrays and optional pointers. Record components of primitive type do
 * not come here; {@link RecordCodec} reads and writes those unboxed.
 *
 * <p>Immutable; any thread.
 */
final class LeafCodecs {
    private LeafCodecs() {
    }

    static final XdrCodec<Void> VOID = new XdrCodec<>() {
        @Override public Void decode(XdrReader in) { return null; }
        @Override public void encode(XdrWriter out, Void value) { }
        @Override int minWireSize() { return 0; }
    };

    static final XdrCodec<Integer> INT = new XdrCodec<>() {
        @Override public Integer decode(XdrReader in) { return in.readInt(); }
        @Override public void encode(XdrWriter out, Integer v) { out.writeInt(nonNull(v)); }
        @Override int minWireSize() { return 4; }
    };

    static final XdrCodec<Long> HYPER = new XdrCodec<>() {
        @Override public Long decode(XdrReader in) { return in.readHyper(); }
        @Override public void encode(XdrWriter out, Long v) { out.writeHyper(nonNull(v)); }
        @Override int minWireSize() { return 8; }
    };

    static final XdrCodec<Double> DOUBLE = new XdrCodec<>() {
        @Override public Double decode(XdrReader in) { return in.readDouble(); }
        @Override public void encode(XdrWriter out, Double v) { out.writeDouble(nonNull(v)); }
        @Override int minWireSize() { return 8; }
    };

    static final XdrCodec<Boolean> BOOL = new XdrCodec<>() {
        @Override public Boolean decode(XdrReader in) { return in.readBool(); }
        @Override public void encode(XdrWriter out, Boolean v) { out.writeBool(nonNull(v)); }
        @Override int minWireSize() { return 4; }
    };

    // rpcgen widens short and char to a 4-byte word; decoding truncates like xdr_short does.
    static final XdrCodec<Short> SHORT = new XdrCodec<>() {
        @Override public Short decode(XdrReader in) { return (short) in.readInt(); }
        @Override public void encode(XdrWriter out, Short v) { out.writeInt(nonNull(v)); }
        @Override int minWireSize() { return 4; }
    };

    static final XdrCodec<Byte> BYTE = new XdrCodec<>() {
        @Override public Byte decode(XdrReader in) { return (byte) in.readInt(); }
        @Override public void encode(XdrWriter out, Byte v) { out.writeInt(nonNull(v)); }
        @Override int minWireSize() { return 4; }
    };

    /** Java char is unsigned: it carries {@code unsigned short}. */
    static final XdrCodec<Character> CHAR = new XdrCodec<>() {
        @Override public Character decode(XdrReader in) { return (char) in.readInt(); }
        @Override public void encode(XdrWriter out, Character v) { out.writeInt(nonNull(v)); }
        @Override int minWireSize() { return 4; }
    };

    static <V> V nonNull(V v) {
        if (v == null) {
            throw new XdrException("null value for a component that is not @XdrOptional");
        }
        return v;
    }

    static void checkMax(int length, int max, String what) {
        if (length > max) {
            throw new XdrException(what + " length " + length + " exceeds maximum " + max);
        }
    }

    /** XDR {@code string<max>}. */
    static final class StringCodec extends XdrCodec<String> {
        private final int max;

        StringCodec(int max) { this.max = max; }

        @Override public String decode(XdrReader in) { return in.readString(max); }

        @Override public void encode(XdrWriter out, String v) {
            checkMax(out.writeString(nonNull(v)), max, "string");
        }

        @Override int minWireSize() { return 4; }
    }

    /** XDR {@code opaque<max>}. */
    static final class OpaqueCodec extends XdrCodec<byte[]> {
        private final int max;

        OpaqueCodec(int max) { this.max = max; }

        @Override public byte[] decode(XdrReader in) { return in.readOpaque(max); }

        @Override public void encode(XdrWriter out, byte[] v) {
            checkMax(nonNull(v).length, max, "opaque");
            out.writeOpaque(v);
        }

        @Override int minWireSize() { return 4; }
    }

    /** XDR {@code opaque[n]}, e.g. a UUID. */
    static final class FixedOpaqueCodec extends XdrCodec<byte[]> {
        private final int size;

        FixedOpaqueCodec(int size) { this.size = size; }

        @Override public byte[] decode(XdrReader in) { return in.readFixedOpaque(size); }

        @Override public void encode(XdrWriter out, byte[] v) {
            out.writeFixedOpaque(nonNull(v), size);
        }

        @Override int minWireSize() { return (int) XdrReader.padded(size); }
    }

    /** {@link XdrChars} String: a C string in {@code char x[n]} or {@code char x<max>}. */
    static final class CharStringCodec extends XdrCodec<String> {
        private final int bound;
        private final boolean fixed;

        CharStringCodec(int bound, boolean fixed) {
            this.bound = bound;
            this.fixed = fixed;
        }

        @Override public String decode(XdrReader in) {
            byte[] chars = fixed ? in.readFixedCharArray(bound) : in.readCharArray(bound);
            int end = chars.length;
            while (end > 0 && chars[end - 1] == 0) {
                end--;
            }
            return new String(chars, 0, end, StandardCharsets.UTF_8);
        }

        @Override public void encode(XdrWriter out, String v) {
            byte[] bytes = nonNull(v).getBytes(StandardCharsets.UTF_8);
            if (fixed) {
                out.writeFixedCharArray(bytes, bound);
            } else {
                // libvirt counts the terminating NUL (strlen + 1): its client strcpy()s this.
                checkMax(bytes.length + 1, bound, "char array");
                out.writeCharArray(bytes, bytes.length + 1);
            }
        }

        @Override int minWireSize() { return fixed ? 4 * bound : 4; }
    }

    /** {@link XdrChars} byte[]: the raw chars, no NUL handling. */
    static final class CharBytesCodec extends XdrCodec<byte[]> {
        private final int bound;
        private final boolean fixed;

        CharBytesCodec(int bound, boolean fixed) {
            this.bound = bound;
            this.fixed = fixed;
        }

        @Override public byte[] decode(XdrReader in) {
            return fixed ? in.readFixedCharArray(bound) : in.readCharArray(bound);
        }

        @Override public void encode(XdrWriter out, byte[] v) {
            if (fixed) {
                out.writeFixedCharArray(nonNull(v), bound);
            } else {
                checkMax(nonNull(v).length, bound, "char array");
                out.writeCharArray(v, v.length);
            }
        }

        @Override int minWireSize() { return fixed ? 4 * bound : 4; }
    }

    /** XDR {@code T x<max>} as an unmodifiable List. */
    static final class ListCodec<E> extends XdrCodec<List<E>> {
        private final int max;
        private final XdrCodec<E> element;

        ListCodec(int max, XdrCodec<E> element) {
            this.max = max;
            this.element = element;
        }

        @Override public List<E> decode(XdrReader in) {
            int n = in.readCount(max, element.minWireSize(), "array");
            if (n == 0) {
                return List.of();
            }
            Object[] items = new Object[n];
            for (int i = 0; i < n; i++) {
                try {
                    items[i] = element.decode(in);
                } catch (XdrException e) {
                    throw e.inElement(i);
                }
            }
            // Wrapping instead of List.of(items) saves copying the array.
            @SuppressWarnings("unchecked")
            List<E> list = (List<E>) Collections.unmodifiableList(Arrays.asList(items));
            return list;
        }

        @Override public void encode(XdrWriter out, List<E> v) {
            int n = nonNull(v).size();
            checkMax(n, max, "array");
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                try {
                    element.encode(out, v.get(i));
                } catch (XdrException e) {
                    throw e.inElement(i);
                }
            }
        }

        @Override int minWireSize() { return 4; }
    }

    /** XDR pointer {@code T *x}: flag word, then the value when present. */
    static final class OptionalCodec<V> extends XdrCodec<V> {
        private final XdrCodec<V> value;

        OptionalCodec(XdrCodec<V> value) { this.value = value; }

        @Override public V decode(XdrReader in) {
            // Like libtirpc's xdr_pointer (via xdr_bool): any non-zero flag means present.
            return in.readBool() ? value.decode(in) : null;
        }

        @Override public void encode(XdrWriter out, V v) {
            out.writeBool(v != null);
            if (v != null) {
                value.encode(out, v);
            }
        }

        @Override int minWireSize() { return 4; }
    }
}
