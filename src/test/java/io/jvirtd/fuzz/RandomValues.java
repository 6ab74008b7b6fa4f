package io.jvirtd.fuzz;

import io.jvirtd.rpc.xdr.XdrArm;
import io.jvirtd.rpc.xdr.XdrChars;
import io.jvirtd.rpc.xdr.XdrFixed;
import io.jvirtd.rpc.xdr.XdrMax;
import io.jvirtd.rpc.xdr.XdrOptional;
import io.jvirtd.rpc.xdr.XdrUnion;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random, mostly well-formed values of the protocol's record types, read from the same
 * declarations the codec reads (component types, {@code @XdrMax}, {@code @XdrFixed},
 * {@code @XdrChars}, {@code @XdrOptional}, {@code @XdrUnion} arms). Sizes are kept small so
 * encodings stay short; "interesting" integers (0, -1, extremes, small counts) come up often.
 * Not thread-safe (one Random).
 */
public final class RandomValues {

    private static final int[] INTERESTING_INTS = {0, 1, -1, 2, 16, 255, 0x7fffffff, 0x80000000, 4194304};
    private static final String[] INTERESTING_STRINGS = {"", "test", "fv0", "default", "<domain/>", "test:///default",
        "a\u00e9\u4e2d", "../../etc/passwd", "%s%s%n"};

    private final Random random;

    public RandomValues(Random random) {
        this.random = random;
    }

    /** A random value of {@code type}: a record, an {@code @XdrUnion} interface, or null for Void. */
    public Object of(Class<?> type) {
        return value(type, null, null, 0);
    }

    /**
     * The plainest value of {@code type}: numbers and flags 0, strings "x" (as long as their
     * bound allows), empty arrays, absent optionals, a union's first arm. What a well-behaved
     * client sends with flags 0, so only the server's access checks decide the answer.
     */
    public static Object zero(Class<?> type) {
        return new RandomValues(null).plain(type, null, null);
    }

    private Object plain(Class<?> type, Type generic, RecordComponent rc) {
        if (type == Void.class || rc != null && rc.isAnnotationPresent(XdrOptional.class)) {
            return null;
        }
        if (type == int.class || type == Integer.class) {
            return 0;
        }
        if (type == long.class || type == Long.class) {
            return 0L;
        }
        if (type == boolean.class || type == Boolean.class) {
            return false;
        }
        if (type == double.class || type == Double.class) {
            return 0.0;
        }
        if (type == short.class || type == Short.class) {
            return (short) 0;
        }
        if (type == byte.class || type == Byte.class) {
            return (byte) 0;
        }
        if (type == char.class || type == Character.class) {
            return (char) 0;
        }
        if (type == String.class) {
            XdrFixed fixed = rc == null ? null : rc.getAnnotation(XdrFixed.class);
            XdrMax max = rc == null ? null : rc.getAnnotation(XdrMax.class);
            boolean chars = rc != null && rc.isAnnotationPresent(XdrChars.class);
            int limit = fixed != null ? fixed.value() : max != null ? max.value() - (chars ? 1 : 0) : 64;
            return limit >= 1 ? "x" : "";
        }
        if (type == byte[].class) {
            XdrFixed fixed = rc.getAnnotation(XdrFixed.class);
            return new byte[fixed != null ? fixed.value() : 0];
        }
        if (type == List.class) {
            return List.of();
        }
        Class<?> recordType = type;
        if (type.isInterface() && type.isAnnotationPresent(XdrUnion.class)) {
            recordType = type.getPermittedSubclasses()[0];
        }
        RecordComponent[] rcs = recordType.getRecordComponents();
        Class<?>[] types = new Class<?>[rcs.length];
        Object[] args = new Object[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            types[i] = rcs[i].getType();
            args[i] = plain(rcs[i].getType(), rcs[i].getGenericType(), rcs[i]);
        }
        try {
            Constructor<?> c = recordType.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + recordType, e);
        }
    }

    private Object value(Class<?> type, Type generic, RecordComponent rc, int depth) {
        if (type == Void.class) {
            return null;
        }
        if (rc != null && rc.isAnnotationPresent(XdrOptional.class) && random.nextInt(4) == 0) {
            return null;
        }
        if (type == int.class || type == Integer.class) {
            return randomInt();
        }
        if (type == long.class || type == Long.class) {
            return random.nextInt(3) == 0 ? (long) randomInt() : random.nextLong();
        }
        if (type == boolean.class || type == Boolean.class) {
            return random.nextBoolean();
        }
        if (type == double.class || type == Double.class) {
            return random.nextDouble();
        }
        if (type == short.class || type == Short.class) {
            return (short) random.nextInt();
        }
        if (type == byte.class || type == Byte.class) {
            return (byte) random.nextInt();
        }
        if (type == char.class || type == Character.class) {
            return (char) random.nextInt(128);
        }
        if (type == String.class) {
            return string(rc);
        }
        if (type == byte[].class) {
            return bytes(rc);
        }
        if (type == List.class) {
            Type elem = ((ParameterizedType) generic).getActualTypeArguments()[0];
            Class<?> elemClass = elem instanceof Class ? (Class<?>) elem : (Class<?>) ((ParameterizedType) elem).getRawType();
            int max = rc.getAnnotation(XdrMax.class).value();
            int n = depth > 3 ? 0 : Math.min(max, random.nextInt(4));
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(value(elemClass, elem, null, depth + 1));
            }
            return list;
        }
        if (type.isRecord()) {
            return record(type, depth);
        }
        if (type.isInterface() && type.isAnnotationPresent(XdrUnion.class)) {
            Class<?>[] arms = type.getPermittedSubclasses();
            Class<?> arm = arms[random.nextInt(arms.length)];
            if (!arm.isAnnotationPresent(XdrArm.class)) {
                throw new IllegalStateException(arm + " has no @XdrArm");
            }
            return record(arm, depth);
        }
        throw new IllegalArgumentException("no generator for " + type);
    }

    private Object record(Class<?> type, int depth) {
        RecordComponent[] rcs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rcs.length];
        Object[] args = new Object[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            types[i] = rcs[i].getType();
            args[i] = value(rcs[i].getType(), rcs[i].getGenericType(), rcs[i], depth + 1);
        }
        try {
            Constructor<?> c = type.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type, e);
        }
    }

    private int randomInt() {
        return random.nextInt(3) == 0 ? INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)] : random.nextInt(64);
    }

    private String string(RecordComponent rc) {
        XdrFixed fixed = rc == null ? null : rc.getAnnotation(XdrFixed.class);
        XdrMax max = rc == null ? null : rc.getAnnotation(XdrMax.class);
        boolean chars = rc != null && rc.isAnnotationPresent(XdrChars.class);
        int limit = fixed != null ? fixed.value() : max != null ? max.value() - (chars ? 1 : 0) : 64;
        String s;
        if (random.nextInt(3) == 0) {
            s = INTERESTING_STRINGS[random.nextInt(INTERESTING_STRINGS.length)];
        } else {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(Math.max(1, Math.min(limit, 24)) + 1);
            for (int i = 0; i < n; i++) {
                b.append((char) ('a' + random.nextInt(26)));
            }
            s = b.toString();
        }
        if (chars || fixed != null) {
            s = s.replaceAll("[^\\x01-\\x7f]", "x"); // char arrays carry bytes, no NULs
        }
        return s.length() > Math.max(0, limit) ? s.substring(0, Math.max(0, limit)) : s;
    }

    private byte[] bytes(RecordComponent rc) {
        XdrFixed fixed = rc.getAnnotation(XdrFixed.class);
        XdrMax max = rc.getAnnotation(XdrMax.class);
        int n = fixed != null ? fixed.value() : Math.min(max != null ? max.value() : 64, random.nextInt(40));
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
