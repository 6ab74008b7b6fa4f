package io.jvirtd.daemon.remote;

import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.protocol.remote.RemoteSignatures;
import io.jvirtd.rpc.xdr.XdrCodec;

/**
 * The remote program's dispatch table: procedure number → argument and return codecs and the
 * code that serves the call. Filled once at start-up (each line is checked against the
 * protocol's declared signature); read-only afterwards, so any thread may look up.
 */
final class ProcedureTable {

    /** Serves one call with decoded arguments; returns the reply body (null for void). */
    @FunctionalInterface
    interface Call<A, R> {
        R invoke(RemoteSession session, A args);
    }

    /** When a call may run: most need CONNECT_OPEN to have succeeded first. */
    enum Needs { NOTHING, CONNECTION }

    record Binding(RemoteProcedure procedure, XdrCodec<Object> args, XdrCodec<Object> ret,
                   Call<Object, Object> call, Needs needs) {
    }

    private final Binding[] bindings = new Binding[RemoteProcedure.values().length + 64];

    /** Binds a call that needs an open connection. */
    <A, R> void bind(RemoteProcedure p, Class<A> args, Class<R> ret, Call<A, R> call) {
        put(p, args, ret, call, Needs.CONNECTION);
    }

    /** Binds a call that runs before CONNECT_OPEN too (auth, open, close, keepalive feature). */
    <A, R> void bindAnytime(RemoteProcedure p, Class<A> args, Class<R> ret, Call<A, R> call) {
        put(p, args, ret, call, Needs.NOTHING);
    }

    @SuppressWarnings("unchecked")
    private <A, R> void put(RemoteProcedure p, Class<A> args, Class<R> ret, Call<A, R> call, Needs needs) {
        RemoteSignatures.Signature sig = RemoteSignatures.of(p);
        if (sig == null || sig.args() != args || sig.ret() != ret) {
            throw new IllegalStateException(p + " is bound as " + args.getSimpleName() + " -> "
                    + ret.getSimpleName() + " but the protocol declares " + sig);
        }
        if (bindings[p.number()] != null) {
            throw new IllegalStateException(p + " is bound twice");
        }
        bindings[p.number()] = new Binding(p, (XdrCodec<Object>) XdrCodec.of(args),
                (XdrCodec<Object>) XdrCodec.of(ret), (Call<Object, Object>) call, needs);
    }

    /** The binding for a procedure number, or null when jvirtd does not serve it. */
    Binding get(int number) {
        return number > 0 && number < bindings.length ? bindings[number] : null;
    }
}
