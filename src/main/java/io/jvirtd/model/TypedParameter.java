package io.jvirtd.model;

import java.util.Objects;

/**
 * libvirt's {@code virTypedParameter}: a named value of one of seven types, used by the
 * tunables APIs (memory parameters, block I/O tune, domain stats ...).
 *
 * <p>The value's Java class follows the type: {@link Integer} for INT and UINT, {@link Long} for
 * LLONG and ULLONG (unsigned ones keep their bit pattern), {@link Double}, {@link Boolean},
 * {@link String}. The compact constructor enforces that, so a mismatch is caught where the
 * parameter is made, not when it is encoded.
 *
 * @param field name, at most 79 bytes ({@code VIR_TYPED_PARAM_FIELD_LENGTH} is 80 with the NUL)
 */
public record TypedParameter(String field, Type type, Object value) {

    /** libvirt's {@code virTypedParameterType}, with its wire numbers. */
    public enum Type {
        INT(1, Integer.class),
        UINT(2, Integer.class),
        LLONG(3, Long.class),
        ULLONG(4, Long.class),
        DOUBLE(5, Double.class),
        BOOLEAN(6, Boolean.class),
        STRING(7, String.class);

        private final int number;
        private final Class<?> javaType;

        Type(int number, Class<?> javaType) {
            this.number = number;
            this.javaType = javaType;
        }

        /** The {@code VIR_TYPED_PARAM_*} value sent on the wire. */
        public int number() {
            return number;
        }

        /** The type with this wire number, or {@code null} if unknown. */
        public static Type byNumber(int number) {
            for (Type t : values()) {
                if (t.number == number) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Field names may be up to this many bytes long, excluding the NUL. */
    public static final int FIELD_MAX_BYTES = 79;

    public TypedParameter {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (!type.javaType.isInstance(value)) {
            throw new IllegalArgumentException("typed parameter " + field + " of type " + type
                    + " needs a " + type.javaType.getSimpleName() + ", got " + value.getClass().getSimpleName());
        }
    }

    public static TypedParameter ofInt(String field, int value) {
        return new TypedParameter(field, Type.INT, value);
    }

    public static TypedParameter ofUInt(String field, int value) {
        return new TypedParameter(field, Type.UINT, value);
    }

    public static TypedParameter ofLLong(String field, long value) {
        return new TypedParameter(field, Type.LLONG, value);
    }

    public static TypedParameter ofULLong(String field, long value) {
        return new TypedParameter(field, Type.ULLONG, value);
    }

    public static TypedParameter ofDouble(String field, double value) {
        return new TypedParameter(field, Type.DOUBLE, value);
    }

    public static TypedParameter ofBoolean(String field, boolean value) {
        return new TypedParameter(field, Type.BOOLEAN, value);
    }

    public static TypedParameter ofString(String field, String value) {
        return new TypedParameter(field, Type.STRING, value);
    }

    /** The value of an INT or UINT parameter. */
    public int intValue() {
        return (Integer) value;
    }

    /** The value of an LLONG or ULLONG parameter. */
    public long longValue() {
        return (Long) value;
    }

    public double doubleValue() {
        return (Double) value;
    }

    public boolean booleanValue() {
        return (Boolean) value;
    }

    public String stringValue() {
        return (String) value;
    }
}
