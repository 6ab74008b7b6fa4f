package io.jvirtd.protocol.remote;

import io.jvirtd.rpc.xdr.XdrCodec;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What every procedure of the remote program carries: for a call, its argument and return
 * records ({@code Void.class} where remote_protocol.x has no struct); for an event, its message
 * record. The table itself is generated from the .x file ({@link RemoteSignatureTable}, by
 * docs/dev/gen_remote_types.py); every procedure of {@link RemoteProcedure} is in it.
 *
 * <p>Codecs are built on first use (XdrCodec caches them): building all 689 types takes about a
 * second on a small machine, too much for start-up, so the daemon builds the codecs of the
 * procedures it binds when it binds them, and RemoteSignaturesTest builds every one, so a bad
 * declaration still fails the build. Immutable; any thread.
 */
public final class RemoteSignatures {
    /** What a procedure's call carries and what its successful reply carries. */
    public record Signature(Class<?> args, Class<?> ret) {
        public XdrCodec<?> argsCodec() {
            return XdrCodec.of(args);
        }

        public XdrCodec<?> retCodec() {
            return XdrCodec.of(ret);
        }
    }

    /** What an event procedure's MESSAGE carries. */
    public record EventSignature(Class<?> msg) {
        public XdrCodec<?> msgCodec() {
            return XdrCodec.of(msg);
        }
    }

    private static final Map<RemoteProcedure, Signature> CALLS;
    private static final Map<RemoteProcedure, EventSignature> EVENTS;

    static {
        Map<RemoteProcedure, Signature> calls = new EnumMap<>(RemoteProcedure.class);
        RemoteSignatureTable.calls(calls);
        Map<RemoteProcedure, Class<?>> events = new EnumMap<>(RemoteProcedure.class);
        RemoteSignatureTable.events(events);
        Map<RemoteProcedure, EventSignature> ev = new EnumMap<>(RemoteProcedure.class);
        for (RemoteProcedure p : RemoteProcedure.values()) {
            Signature s = calls.get(p);
            Class<?> msg = events.get(p);
            if (p.kind() == RemoteProcedure.Kind.CALL ? s == null || msg != null
                    : msg == null || s != null) {
                throw new IllegalStateException("remote procedure " + p + " (" + p.kind()
                        + ") has no matching declaration in RemoteSignatureTable");
            }
            if (s == null) {
                ev.put(p, new EventSignature(msg));
            }
        }
        CALLS = Collections.unmodifiableMap(calls);
        EVENTS = Collections.unmodifiableMap(ev);
    }

    private RemoteSignatures() {
    }

    /** The signature of the call {@code p}; null for an event procedure. */
    public static Signature of(RemoteProcedure p) {
        return CALLS.get(p);
    }

    /** The message record of the event {@code p}; null for a call. */
    public static EventSignature eventOf(RemoteProcedure p) {
        return EVENTS.get(p);
    }

    /** Every call procedure and its signature. */
    public static Map<RemoteProcedure, Signature> all() {
        return CALLS;
    }

    /** Every event procedure and its message record. */
    public static Map<RemoteProcedure, EventSignature> events() {
        return EVENTS;
    }
}
