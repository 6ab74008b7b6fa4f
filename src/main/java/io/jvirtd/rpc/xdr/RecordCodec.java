package io.jvirtd.rpc.xdr;

import static java.lang.invoke.MethodType.methodType;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * An XDR struct as a record: components in declaration order are the fields in wire order.
 *
 * <p>Built once per record: one method handle that reads every component in order and calls
 * the canonical constructor, and one that reads every accessor and writes it. Primitive
 * components stay unboxed all the way and no argument array is made, so a decode allocates
 * the record and its strings/lists and nothing else. Because records are always rebuilt
 * through the canonical constructor, checks in a compact constructor run on decode too.
 *
 * <p>Each component's handle is wrapped so that an {@link XdrException} leaving it gains the
 * component's name, which costs nothing until something fails.
 *
 * <p>Immutable; any thread.
 */
final class RecordCodec<T> extends XdrCodec<T> {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    /** Readers and writers of the components that stay unboxed. */
    private static final Map<Class<?>, MethodHandle[]> PRIMITIVES;
    private static final MethodHandle DECODE;
    private static final MethodHandle ENCODE;
    private static final MethodHandle IN_COMPONENT;

    static {
        try {
            Class<XdrReader> r = XdrReader.class;
            Class<XdrWriter> w = XdrWriter.class;
            PRIMITIVES = Map.of(
                    int.class, new MethodHandle[] {
                        LOOKUP.findVirtual(r, "readInt", methodType(int.class)),
                        LOOKUP.findVirtual(w, "writeInt", methodType(void.class, int.class))},
                    long.class, new MethodHandle[] {
                        LOOKUP.findVirtual(r, "readHyper", methodType(long.class)),
                        LOOKUP.findVirtual(w, "writeHyper", methodType(void.class, long.class))},
                    double.class, new MethodHandle[] {
                        LOOKUP.findVirtual(r, "readDouble", methodType(double.class)),
                        LOOKUP.findVirtual(w, "writeDouble", methodType(void.class, double.class))},
                    boolean.class, new MethodHandle[] {
                        LOOKUP.findVirtual(r, "readBool", methodType(boolean.class)),
                        LOOKUP.findVirtual(w, "writeBool", methodType(void.class, boolean.class))},
                    short.class, narrow(short.class),
                    byte.class, narrow(byte.class),
                    char.class, narrow(char.class));
            DECODE = LOOKUP.findVirtual(XdrCodec.class, "decode",
                    methodType(Object.class, XdrReader.class));
            ENCODE = LOOKUP.findVirtual(XdrCodec.class, "encode",
                    methodType(void.class, XdrWriter.class, Object.class));
            IN_COMPONENT = LOOKUP.findVirtual(XdrException.class, "inComponent",
                    methodType(XdrException.class, String.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Class<T> type;
    /** (XdrReader)Object: reads the components in order, then constructs. */
    private final MethodHandle decoder;
    /** (XdrWriter, Object)void: writes the components in order. */
    private final MethodHandle encoder;
    /** The only instance of a record without components (a void union arm). */
    private final T empty;
    private final int minWireSize;

    RecordCodec(Class<T> type) {
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        MethodHandles.Lookup lookup = privateLookup(type);
        Class<?>[] types = new Class<?>[components.length];
        MethodHandle[] readers = new MethodHandle[components.length];
        MethodHandle[] writers = new MethodHandle[components.length];
        int size = 0;
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            MethodHandle accessor = unreflect(lookup, c);
            MethodHandle[] primitive = hasXdrAnnotation(c) ? null : PRIMITIVES.get(c.getType());
            if (primitive != null) {
                readers[i] = primitive[0];
                writers[i] = MethodHandles.filterArguments(primitive[1], 1, accessor);
                size += c.getType() == long.class || c.getType() == double.class ? 8 : 4;
            } else {
                XdrCodec<?> codec = Codecs.forComponent(c);
                // (XdrReader)Object -> (XdrReader)C
                readers[i] = DECODE.bindTo(codec).asType(methodType(c.getType(), XdrReader.class));
                // (XdrWriter, Object)void -> (XdrWriter, C)void -> (XdrWriter, T)void
                writers[i] = MethodHandles.filterArguments(
                        ENCODE.bindTo(codec).asType(methodType(void.class, XdrWriter.class,
                                c.getType())), 1, accessor);
                size += codec.minWireSize();
            }
            readers[i] = named(readers[i], c);
            writers[i] = named(writers[i], c);
        }
        MethodHandle constructor = constructor(lookup, type, types);
        this.decoder = chainReaders(constructor, readers);
        this.encoder = chainWriters(type, writers);
        this.minWireSize = size;
        this.empty = components.length == 0 ? newEmpty() : null;
    }

    @Override
    public T decode(XdrReader in) {
        if (empty != null) {
            return empty;
        }
        try {
            return type.cast(decoder.invokeExact(in));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("decoding " + type.getName(), t);
        }
    }

    @Override
    public void encode(XdrWriter out, T value) {
        if (value == null) {
            throw new XdrException("null " + type.getSimpleName()
                    + " where XDR has no null; declare the component @XdrOptional");
        }
        try {
            encoder.invokeExact(out, (Object) value);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("encoding " + type.getName(), t);
        }
    }

    @Override
    int minWireSize() {
        return minWireSize;
    }

    /**
     * Folds the readers into the constructor from the last component to the first, so the
     * outermost fold runs first and the wire is read in declaration order:
     * {@code (C0..Cn-1)T -> (C0..Cn-1, XdrReader)T -> ... -> (XdrReader)T}. Each fold at
     * position i calls reader i on the trailing XdrReader and feeds its result to slot i.
     */
    private static MethodHandle chainReaders(MethodHandle constructor, MethodHandle[] readers) {
        int n = readers.length;
        MethodHandle h = MethodHandles.dropArguments(constructor, n, XdrReader.class);
        for (int i = n - 1; i >= 0; i--) {
            h = MethodHandles.foldArguments(h, i, readers[i]);
        }
        return h.asType(methodType(Object.class, XdrReader.class));
    }

    /** Runs the (XdrWriter, T)void writers one after another: fold(rest, first). */
    private static MethodHandle chainWriters(Class<?> type, MethodHandle[] writers) {
        MethodHandle h = MethodHandles.empty(methodType(void.class, XdrWriter.class, type));
        for (int i = writers.length - 1; i >= 0; i--) {
            h = MethodHandles.foldArguments(h, writers[i]);
        }
        return h.asType(methodType(void.class, XdrWriter.class, Object.class));
    }

    /** Wraps h so that an XdrException leaving it names this component. */
    private MethodHandle named(MethodHandle h, RecordComponent c) {
        MethodType t = h.type();
        // (XdrException)XdrException: e -> e.inComponent("Record", "component")
        MethodHandle rename = MethodHandles.insertArguments(IN_COMPONENT, 1,
                type.getSimpleName(), c.getName());
        // (XdrException)R: throws the renamed exception
        MethodHandle rethrow = MethodHandles.filterArguments(
                MethodHandles.throwException(t.returnType(), XdrException.class), 0, rename);
        // (XdrException, args of h)R, as catchException wants
        MethodHandle handler = MethodHandles.dropArguments(rethrow, 1, t.parameterList());
        return MethodHandles.catchException(h, XdrException.class, handler);
    }

    private static boolean hasXdrAnnotation(RecordComponent c) {
        return c.isAnnotationPresent(XdrOptional.class) || c.isAnnotationPresent(XdrMax.class)
                || c.isAnnotationPresent(XdrFixed.class) || c.isAnnotationPresent(XdrChars.class);
    }

    private static MethodHandles.Lookup privateLookup(Class<?> type) {
        try {
            // Records may be private to their test or program class; the codec is in the
            // same (unnamed) module, so it may look inside them.
            return MethodHandles.privateLookupIn(type, LOOKUP);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("cannot access record " + type.getName(), e);
        }
    }

    private static MethodHandle unreflect(MethodHandles.Lookup lookup, RecordComponent c) {
        try {
            return lookup.unreflect(c.getAccessor());
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("cannot access " + c, e);
        }
    }

    private static MethodHandle constructor(MethodHandles.Lookup lookup, Class<?> type,
                                            Class<?>[] types) {
        try {
            return lookup.findConstructor(type, methodType(void.class, types));
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("no canonical constructor in " + type.getName(), e);
        }
    }

    private T newEmpty() {
        try {
            return type.cast(decoder.invokeExact(new XdrReader(new byte[0], 0, 0)));
        } catch (Throwable t) {
            throw new IllegalArgumentException("cannot construct " + type.getName(), t);
        }
    }

    /** rpcgen's short, char and unsigned short: one 4-byte word, truncated on decode. */
    private static MethodHandle[] narrow(Class<?> t) throws ReflectiveOperationException {
        MethodHandle read = LOOKUP.findVirtual(XdrReader.class, "readInt", methodType(int.class));
        MethodHandle write = LOOKUP.findVirtual(XdrWriter.class, "writeInt",
                methodType(void.class, int.class));
        return new MethodHandle[] {
            MethodHandles.explicitCastArguments(read, methodType(t, XdrReader.class)),
            // short and byte sign-extend like C's signed types; char zero-extends.
            MethodHandles.explicitCastArguments(write, methodType(void.class, XdrWriter.class, t))
        };
    }
}
