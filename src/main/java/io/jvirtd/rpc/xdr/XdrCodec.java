package io.jvirtd.rpc.xdr;

/**
 * Encodes and decodes one Java type as XDR. Records are XDR structs (component declaration
 * order is wire order), sealed interfaces marked {@link XdrUnion} are unions, and
 * {@code Void.class} is XDR {@code void}.
 *
 * <p>Record component types: {@code int/Integer} (int, unsigned int, enum), {@code long/Long}
 * (hyper, unsigned hyper), {@code boolean/Boolean}, {@code double/Double},
 * {@code short/byte/char} and their boxes (rpcgen's short, char and unsigned short, widened to
 * a word), {@code String} (string, or char array with {@link XdrChars}), {@code byte[]}
 * (opaque; fixed with {@link XdrFixed}; char array with {@link XdrChars}), {@code List<E>}
 * (variable array, {@link XdrMax} required), records and {@link XdrUnion} interfaces.
 * {@link XdrOptional} turns any non-primitive component into an XDR pointer.
 *
 * <p>{@link #of(Class)} builds a codec once per class, eagerly and completely, so that a bad
 * declaration fails with an {@link IllegalArgumentException} naming the record and component
 * when the program tables are built at start-up, not when a message arrives.
 *
 * <p>Immutable and thread-safe: one codec serves every thread.
 */
public abstract class XdrCodec<T> {
    /** REMOTE_STRING_MAX: bound of strings and opaques that declare none. */
    public static final int DEFAULT_MAX = 4194304;

    XdrCodec() {
        // Only this package makes codecs: their bounds checks are the wire's safety.
    }

    /** The codec for a record, an {@link XdrUnion} interface, or {@code Void.class}. */
    public static <T> XdrCodec<T> of(Class<T> type) {
        @SuppressWarnings("unchecked")
        XdrCodec<T> codec = (XdrCodec<T>) Codecs.forType(type);
        return codec;
    }

    /** Reads one value; {@code null} for void. Throws {@link XdrException} on bad input. */
    public abstract T decode(XdrReader in);

    /** Writes one value. Throws {@link XdrException} for a value XDR cannot carry. */
    public abstract void encode(XdrWriter out, T value);

    /**
     * The fewest bytes any value of this type encodes to. Bounds variable-array counts by
     * the bytes left before the array is allocated (0 disables that check).
     */
    abstract int minWireSize();
}
