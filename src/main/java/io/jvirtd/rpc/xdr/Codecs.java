package io.jvirtd.rpc.xdr;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * Chooses the codec of every declared type (the mapping listed on {@link XdrCodec}) and caches
 * one per class.
 *
 * <p>Thread-safe: the cache is a {@link ClassValue}; a codec under construction is tracked
 * per thread to reject recursive declarations instead of overflowing the stack.
 */
final class Codecs {
    private static final ClassValue<XdrCodec<?>> CACHE = new ClassValue<>() {
        @Override
        protected XdrCodec<?> computeValue(Class<?> type) {
            return build(type);
        }
    };

    private static final ThreadLocal<ArrayDeque<Class<?>>> BUILDING =
            ThreadLocal.withInitial(ArrayDeque::new);

    private static final Map<Class<?>, XdrCodec<?>> BOXED = Map.of(
            Integer.class, LeafCodecs.INT, Long.class, LeafCodecs.HYPER,
            Double.class, LeafCodecs.DOUBLE, Boolean.class, LeafCodecs.BOOL,
            Short.class, LeafCodecs.SHORT, Byte.class, LeafCodecs.BYTE,
            Character.class, LeafCodecs.CHAR);

    private Codecs() {
    }

    static XdrCodec<?> forType(Class<?> type) {
        return CACHE.get(type);
    }

    private static XdrCodec<?> build(Class<?> type) {
        if (type == Void.class) {
            return LeafCodecs.VOID;
        }
        ArrayDeque<Class<?>> building = BUILDING.get();
        if (building.contains(type)) {
            throw new IllegalArgumentException("recursive XDR declaration: " + type.getName()
                    + " contains itself (through " + building + ")");
        }
        building.push(type);
        try {
            if (type.isRecord()) {
                return new RecordCodec<>(type);
            }
            if (type.isInterface() && type.isAnnotationPresent(XdrUnion.class)) {
                return new UnionCodec<>(type);
            }
            throw new IllegalArgumentException(type.getName()
                    + " is neither a record, an @XdrUnion sealed interface, nor Void");
        } finally {
            building.pop();
        }
    }

    /**
     * The codec of a record component that is not a primitive. Throws
     * IllegalArgumentException naming the component for anything the wire cannot carry.
     */
    static XdrCodec<?> forComponent(RecordComponent c) {
        try {
            XdrCodec<?> codec = forValue(c.getGenericType(), c);
            return c.isAnnotationPresent(XdrOptional.class) ? new LeafCodecs.OptionalCodec<>(codec)
                    : codec;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad XDR declaration of "
                    + c.getDeclaringRecord().getName() + "." + c.getName() + ": " + e.getMessage(), e);
        }
    }

    private static XdrCodec<?> forValue(Type type, RecordComponent c) {
        XdrMax max = c.getAnnotation(XdrMax.class);
        XdrFixed fixed = c.getAnnotation(XdrFixed.class);
        boolean chars = c.isAnnotationPresent(XdrChars.class);
        if (max != null && fixed != null) {
            throw new IllegalArgumentException("@XdrMax and @XdrFixed exclude each other");
        }
        if (max != null && max.value() < 0 || fixed != null && fixed.value() < 0) {
            throw new IllegalArgumentException("negative bound");
        }
        if (type == String.class) {
            if (chars) {
                return fixed != null ? new LeafCodecs.CharStringCodec(fixed.value(), true)
                        : new LeafCodecs.CharStringCodec(required(max, "@XdrChars String"), false);
            }
            refuse(fixed, "XDR has no fixed-length string; use @XdrChars or byte[]");
            return new LeafCodecs.StringCodec(max != null ? max.value() : XdrCodec.DEFAULT_MAX);
        }
        if (type == byte[].class) {
            if (chars) {
                return fixed != null ? new LeafCodecs.CharBytesCodec(fixed.value(), true)
                        : new LeafCodecs.CharBytesCodec(required(max, "@XdrChars byte[]"), false);
            }
            return fixed != null ? new LeafCodecs.FixedOpaqueCodec(fixed.value())
                    : new LeafCodecs.OpaqueCodec(max != null ? max.value() : XdrCodec.DEFAULT_MAX);
        }
        refuse(chars ? c : null, "@XdrChars needs a String or byte[]");
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            refuse(fixed, "fixed-length arrays are not supported; use @XdrMax");
            Type element = p.getActualTypeArguments()[0];
            if (!(element instanceof Class<?> e)) {
                throw new IllegalArgumentException("List element " + element
                        + " must be a plain class");
            }
            return new LeafCodecs.ListCodec<>(required(max, "List"), elementCodec(e));
        }
        refuse(max, "@XdrMax applies to String, byte[] and List only");
        refuse(fixed, "@XdrFixed applies to byte[] and @XdrChars only");
        if (type instanceof Class<?> k) {
            if (k.isPrimitive()) {
                throw new IllegalArgumentException("primitive " + k + " cannot be @XdrOptional");
            }
            XdrCodec<?> boxed = BOXED.get(k);
            return boxed != null ? boxed : forType(k);
        }
        throw new IllegalArgumentException("unsupported type " + type);
    }

    /** List elements carry no annotations: strings and opaques get the default bound. */
    private static XdrCodec<?> elementCodec(Class<?> e) {
        if (e == String.class) {
            return new LeafCodecs.StringCodec(XdrCodec.DEFAULT_MAX);
        }
        if (e == byte[].class) {
            return new LeafCodecs.OpaqueCodec(XdrCodec.DEFAULT_MAX);
        }
        XdrCodec<?> boxed = BOXED.get(e);
        if (boxed != null) {
            return boxed;
        }
        if (e == Void.class || e == List.class) {
            throw new IllegalArgumentException("List of " + e.getSimpleName() + " is not XDR");
        }
        return forType(e);
    }

    private static int required(XdrMax max, String what) {
        if (max == null) {
            throw new IllegalArgumentException(what + " needs @XdrMax (the .x file's <N>)");
        }
        return max.value();
    }

    private static void refuse(Object present, String why) {
        if (present != null) {
            throw new IllegalArgumentException(why);
        }
    }
}
