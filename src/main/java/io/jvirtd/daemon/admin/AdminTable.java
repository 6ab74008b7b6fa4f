package io.jvirtd.daemon.admin;

import io.jvirtd.protocol.admin.AdminProcedure;
import io.jvirtd.rpc.xdr.LazyCodec;
import io.jvirtd.rpc.xdr.XdrCodec;

/**
 * The admin program's dispatch table: procedure number → codecs and the code serving the call.
 * Filled once at construction (each line is checked against the protocol's declared types);
 * read-only afterwards, so any thread may look up. A binding builds its codecs on first use,
 * as the remote program's does (start-up time, see ProcedureTable); AdminTableTest checks that
 * every declared codec builds.
 */
final class AdminTable {

    /** Serves one call with decoded arguments; returns the reply body (null for void). */
    @FunctionalInterface
    interface Call<A, R> {
        R invoke(AdminSession session, A args);
    }

    /** One bound procedure; its codecs are built on first use ({@link LazyCodec}). */
    static final class Binding {
        private final AdminProcedure procedure;
        private final Call<Object, Object> call;
        private final LazyCodec args;
        private final LazyCodec ret;

        Binding(AdminProcedure procedure, Call<Object, Object> call) {
            this.procedure = procedure;
            this.call = call;
            this.args = new LazyCodec(procedure.args());
            this.ret = new LazyCodec(procedure.ret());
        }

        AdminProcedure procedure() { return procedure; }
        Call<Object, Object> call() { return call; }
        XdrCodec<Object> args() { return args.get(); }
        XdrCodec<Object> ret() { return ret.get(); }
    }

    private final Binding[] bindings = new Binding[AdminProcedure.values().length + 1];

    @SuppressWarnings("unchecked")
    <A, R> void bind(AdminProcedure p, Class<A> args, Class<R> ret, Call<A, R> call) {
        if (p.args() != args || p.ret() != ret) {
            throw new IllegalStateException(p + " is bound as " + args.getSimpleName() + " -> "
                    + ret.getSimpleName() + " but the protocol declares " + p.args().getSimpleName() + " -> "
                    + p.ret().getSimpleName());
        }
        if (bindings[p.number()] != null) {
            throw new IllegalStateException(p + " is bound twice");
        }
        bindings[p.number()] = new Binding(p, (Call<Object, Object>) call);
    }

    /** The binding of a procedure number, or null. */
    Binding get(int number) {
        return number > 0 && number < bindings.length ? bindings[number] : null;
    }

    /** Fails start-up when a procedure of the program has no line. */
    void requireComplete() {
        for (AdminProcedure p : AdminProcedure.values()) {
            if (bindings[p.number()] == null) {
                throw new IllegalStateException("admin procedure " + p + " is not bound");
            }
        }
    }
}
