package io.jvirtd.rpc.xdr;

import java.util.Arrays;

/**
 * An XDR discriminated union as an {@link XdrUnion} sealed interface whose permitted records
 * are the arms: a 4-byte discriminant, then the arm's fields.
 *
 * <p>Unions in libvirt's protocols have a handful of arms (typed parameters have 7), so both
 * directions scan small arrays instead of hashing: no boxing of the discriminant, and the
 * scan is as fast as a lookup at this size.
 *
 * <p>Immutable; any thread.
 */
final class UnionCodec<T> extends XdrCodec<T> {
    private final Class<T> type;
    private final int[] discriminants;
    private final Class<?>[] arms;
    private final XdrCodec<?>[] codecs;
    private final int minWireSize;

    UnionCodec(Class<T> type) {
        this.type = type;
        Class<?>[] permitted = type.getPermittedSubclasses();
        if (permitted == null || permitted.length == 0) {
            throw new IllegalArgumentException("@XdrUnion " + type.getName()
                    + " must be a sealed interface with record arms");
        }
        this.arms = permitted.clone();
        this.discriminants = new int[arms.length];
        this.codecs = new XdrCodec<?>[arms.length];
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < arms.length; i++) {
            Class<?> arm = arms[i];
            XdrArm tag = arm.getAnnotation(XdrArm.class);
            if (!arm.isRecord() || tag == null) {
                throw new IllegalArgumentException("arm " + arm.getName() + " of @XdrUnion "
                        + type.getName() + " must be a record annotated @XdrArm");
            }
            for (int j = 0; j < i; j++) {
                if (discriminants[j] == tag.value()) {
                    throw new IllegalArgumentException("@XdrUnion " + type.getName()
                            + ": arms " + arms[j].getSimpleName() + " and " + arm.getSimpleName()
                            + " share discriminant " + tag.value());
                }
            }
            discriminants[i] = tag.value();
            codecs[i] = Codecs.forType(arm);
            min = Math.min(min, codecs[i].minWireSize());
        }
        this.minWireSize = 4 + min;
    }

    @Override
    public T decode(XdrReader in) {
        int d = in.readInt();
        for (int i = 0; i < discriminants.length; i++) {
            if (discriminants[i] == d) {
                return type.cast(codecs[i].decode(in));
            }
        }
        throw new XdrException(type.getSimpleName() + " has no arm for discriminant " + d
                + " (known: " + Arrays.toString(discriminants) + ")");
    }

    @Override
    public void encode(XdrWriter out, T value) {
        if (value == null) {
            throw new XdrException("null " + type.getSimpleName()
                    + " where XDR has no null; declare the component @XdrOptional");
        }
        Class<?> arm = value.getClass();
        for (int i = 0; i < arms.length; i++) {
            if (arms[i] == arm) {
                out.writeInt(discriminants[i]);
                encodeArm(codecs[i], out, value);
                return;
            }
        }
        // Unreachable for a sealed interface of records, unless the arm list changed.
        throw new XdrException(arm.getName() + " is not an arm of " + type.getName());
    }

    @SuppressWarnings("unchecked")
    private static <A> void encodeArm(XdrCodec<A> codec, XdrWriter out, Object value) {
        codec.encode(out, (A) value);
    }

    @Override
    int minWireSize() {
        return minWireSize;
    }
}
