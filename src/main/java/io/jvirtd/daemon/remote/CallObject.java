package io.jvirtd.daemon.remote;

import io.jvirtd.model.domain.Uuids;
import io.jvirtd.protocol.remote.RemoteTypes;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;

/**
 * The object a call is about (its name and UUID), read from the call's decoded arguments, so a
 * fault plan can match on it: the first argument that is an object handle ({@code NonnullDomain},
 * {@code NonnullNetwork}, ...; a snapshot or checkpoint stands for its domain, a volume for
 * itself), else the lookup arguments {@code name} and {@code uuid}. Immutable; any thread.
 *
 * @param name the object's name, or null
 * @param uuid its UUID as text, or null
 */
record CallObject(String name, String uuid) {

    static final CallObject NONE = new CallObject(null, null);

    /** How to read the object of each argument type: found once per type, by its components. */
    private static final ClassValue<MethodHandle> READERS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return readerOf(type);
        }
    };

    /** The object of {@code args} (a decoded argument record, or null). */
    static CallObject of(Object args) {
        if (args == null || !args.getClass().isRecord()) {
            return NONE;
        }
        MethodHandle reader = READERS.get(args.getClass());
        if (reader == null) {
            return NONE;
        }
        try {
            return handle(reader.invoke(args));
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the object of " + args.getClass().getSimpleName(), e);
        }
    }

    /** For a record with an object handle or a name/uuid: the accessor that returns it; else null. */
    private static MethodHandle readerOf(Class<?> type) {
        if (!type.isRecord()) {
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        for (RecordComponent c : components) {
            if (isHandle(c.getType())) {
                return accessor(c);
            }
        }
        for (RecordComponent c : components) {
            if ((c.getName().equals("name") && c.getType() == String.class)
                    || (c.getName().equals("uuid") && c.getType() == byte[].class)) {
                return accessor(c);
            }
        }
        return null;
    }

    private static boolean isHandle(Class<?> t) {
        return t == RemoteTypes.NonnullDomain.class || t == RemoteTypes.NonnullNetwork.class
                || t == RemoteTypes.NonnullStoragePool.class || t == RemoteTypes.NonnullStorageVol.class
                || t == RemoteTypes.NonnullInterface.class || t == RemoteTypes.NonnullNodeDevice.class
                || t == RemoteTypes.NonnullDomainSnapshot.class || t == RemoteTypes.NonnullDomainCheckpoint.class
                || t == RemoteTypes.NonnullNetworkPort.class;
    }

    private static MethodHandle accessor(RecordComponent c) {
        try {
            return MethodHandles.publicLookup().unreflect(c.getAccessor());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("protocol record not public: " + c, e);
        }
    }

    /** The name and UUID of what an accessor returned. */
    private static CallObject handle(Object o) {
        if (o instanceof RemoteTypes.NonnullDomain d) {
            return new CallObject(d.name(), uuid(d.uuid()));
        } else if (o instanceof RemoteTypes.NonnullNetwork n) {
            return new CallObject(n.name(), uuid(n.uuid()));
        } else if (o instanceof RemoteTypes.NonnullStoragePool p) {
            return new CallObject(p.name(), uuid(p.uuid()));
        } else if (o instanceof RemoteTypes.NonnullStorageVol v) {
            return new CallObject(v.name(), null);
        } else if (o instanceof RemoteTypes.NonnullInterface i) {
            return new CallObject(i.name(), null);
        } else if (o instanceof RemoteTypes.NonnullNodeDevice n) {
            return new CallObject(n.name(), null);
        } else if (o instanceof RemoteTypes.NonnullDomainSnapshot s) {
            return handle(s.dom());
        } else if (o instanceof RemoteTypes.NonnullDomainCheckpoint c) {
            return handle(c.dom());
        } else if (o instanceof RemoteTypes.NonnullNetworkPort p) {
            return handle(p.net());
        } else if (o instanceof String name) {
            return new CallObject(name, null);
        } else if (o instanceof byte[] uuid) {
            return new CallObject(null, uuid(uuid));
        }
        return NONE;
    }

    private static String uuid(byte[] raw) {
        return raw != null && raw.length == Uuids.LENGTH ? Uuids.format(raw) : null;
    }
}
