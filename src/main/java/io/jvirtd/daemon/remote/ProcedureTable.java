package io.jvirtd.daemon.remote;

import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.protocol.remote.RemoteSignatures;
import io.jvirtd.rpc.xdr.LazyCodec;
import io.jvirtd.rpc.xdr.XdrCodec;

/**
 * The remote program's dispatch table: procedure number → argument and return codecs and the
 * code that serves the call. Filled once at start-up (each line is checked against the
 * protocol's declared signature); read-only afterwards, so any thread may look up.
 *
 * <p>A binding builds its two codecs on its procedure's first call, not at start-up: building
 * all of them was two thirds of the daemon's start-up (docs/performance.md), and most procedures
 * are never called by a given daemon. Every declared codec is still checked to build, by
 * RemoteSignaturesTest ({@link LazyCodec}).
 */
final class ProcedureTable {

    /** Serves one call with decoded arguments; returns the reply body (null for void). */
    @FunctionalInterface
    interface Call<A, R> {
        R invoke(RemoteSession session, A args);
    }

    /** When a call may run: most need CONNECT_OPEN to have succeeded first. */
    enum Needs { NOTHING, CONNECTION }

    /** One bound procedure. Immutable but for its codecs, which are built once, on first use. */
    static final class Binding {
        private final RemoteProcedure procedure;
        private final Call<Object, Object> call;
        private final Needs needs;
        private final LazyCodec args;
        private final LazyCodec ret;

        Binding(RemoteProcedure procedure, Class<?> argsType, Class<?> retType, Call<Object, Object> call,
                Needs needs) {
            this.procedure = procedure;
            this.call = call;
            this.needs = needs;
            this.args = new LazyCodec(argsType);
            this.ret = new LazyCodec(retType);
        }

        RemoteProcedure procedure() { return procedure; }
        Call<Object, Object> call() { return call; }
        Needs needs() { return needs; }

        XdrCodec<Object> args() { return args.get(); }
        XdrCodec<Object> ret() { return ret.get(); }
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
        bindings[p.number()] = new Binding(p, args, ret, (Call<Object, Object>) call, needs);
    }

    /** The binding for a procedure number, or null when jvirtd does not serve it. */
    Binding get(int number) {
        return number > 0 && number < bindings.length ? bindings[number] : null;
    }
}
