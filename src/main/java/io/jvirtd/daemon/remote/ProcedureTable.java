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

    /** Argument checks that come before the read-only check; throws VirException. */
    @FunctionalInterface
    interface Check<A> {
        void check(RemoteSession session, A args);
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

    /** Checks of one procedure's arguments made before its read-only check. Immutable but for the codec. */
    static final class EarlyCheck {
        private final Check<Object> check;
        private final LazyCodec args;

        EarlyCheck(Class<?> argsType, Check<Object> check) {
            this.check = check;
            this.args = new LazyCodec(argsType);
        }

        void check(RemoteSession session, Object decodedArgs) { check.check(session, decodedArgs); }

        XdrCodec<Object> args() { return args.get(); }
    }

    private final Binding[] bindings = new Binding[RemoteProcedure.values().length + 64];
    private final EarlyCheck[] earlyChecks = new EarlyCheck[bindings.length];

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

    /**
     * Registers argument checks that run before the read-only check, for the calls where
     * libvirt refuses bad arguments first: the public API checks them before its
     * virCheckReadOnlyGoto, or libvirtd's dispatcher before it calls the API. The procedure
     * may be bound or not (then the checks run before "not supported").
     */
    @SuppressWarnings("unchecked")
    <A> void checkFirst(RemoteProcedure p, Class<A> args, Check<A> check) {
        RemoteSignatures.Signature sig = RemoteSignatures.of(p);
        if (sig == null || sig.args() != args) {
            throw new IllegalStateException(p + " is checked as " + args.getSimpleName()
                    + " but the protocol declares " + sig);
        }
        if (earlyChecks[p.number()] != null) {
            throw new IllegalStateException(p + " is checked twice");
        }
        earlyChecks[p.number()] = new EarlyCheck(args, (Check<Object>) check);
    }

    /** The early checks of a procedure number, or null. */
    EarlyCheck earlyCheck(int number) {
        return number > 0 && number < earlyChecks.length ? earlyChecks[number] : null;
    }

    /** The binding for a procedure number, or null when jvirtd does not serve it. */
    Binding get(int number) {
        return number > 0 && number < bindings.length ? bindings[number] : null;
    }
}
