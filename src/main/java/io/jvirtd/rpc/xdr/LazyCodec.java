package io.jvirtd.rpc.xdr;

/**
 * A record type's codec, built on first use rather than when the holder is made: a program
 * table binds hundreds of procedures at start-up and building every codec then was most of the
 * daemon's start-up time (docs/performance.md), while a given daemon calls few of them.
 *
 * <p>Any thread. Single-check idiom: {@link XdrCodec#of} returns one shared codec per type, so
 * two threads building at once store the same one; the field is volatile, a plain load once set.
 */
public final class LazyCodec {

    private final Class<?> type;
    private volatile XdrCodec<Object> codec;

    public LazyCodec(Class<?> type) {
        this.type = type;
    }

    /** The codec, built on the first call. */
    @SuppressWarnings("unchecked")
    public XdrCodec<Object> get() {
        XdrCodec<Object> c = codec;
        if (c == null) {
            c = (XdrCodec<Object>) XdrCodec.of(type);
            codec = c;
        }
        return c;
    }
}
