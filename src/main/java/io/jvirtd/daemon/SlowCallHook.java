package io.jvirtd.daemon;

import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerProgram;

/**
 * TEST ONLY ({@code test_slow_call = "PROC:MILLIS"}, off by default): wraps a program so that
 * each call to procedure PROC first waits MILLIS ms on its worker. Interoperability tests use it
 * to hold every ordinary worker busy and check that priority workers still serve high-priority
 * calls and that virt-admin shows the busy pool. Nothing else changes: every other method of
 * {@link ServerProgram} (priorities, STREAM packets, client close) goes to the wrapped program
 * as it is.
 *
 * <p>A config file alone cannot switch it on: a production host may carry a config copied from
 * a test. It is honoured only when the JVM also runs with {@code -Djvirtd.test.hooks=true};
 * otherwise the daemon warns and ignores it. Immutable.
 */
final class SlowCallHook implements ServerProgram {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon");

    private final ServerProgram target;
    private final int procedure;
    private final long millis;

    private SlowCallHook(ServerProgram target, int procedure, long millis) {
        this.target = target;
        this.procedure = procedure;
        this.millis = millis;
    }

    /** The JVM property that allows test hooks. */
    static final String TEST_HOOKS_PROPERTY = "jvirtd.test.hooks";

    /**
     * {@code target} itself when {@code spec} is null or test hooks are not allowed, else the
     * slowed program.
     *
     * @param testHooksAllowed whether the JVM runs with {@code -Djvirtd.test.hooks=true}
     */
    static ServerProgram wrap(ServerProgram target, String spec, boolean testHooksAllowed) {
        if (spec == null) {
            return target;
        }
        if (!testHooksAllowed) {
            LOG.log(System.Logger.Level.WARNING, "test_slow_call is ignored: it is a test hook, honoured only when"
                    + " the JVM runs with -D" + TEST_HOOKS_PROPERTY + "=true");
            return target;
        }
        int colon = spec.indexOf(':');
        int proc = Integer.parseInt(spec.substring(0, colon));
        long ms = Long.parseLong(spec.substring(colon + 1));
        LOG.log(System.Logger.Level.WARNING, "test_slow_call: procedure {0} of program 0x{1} waits {2} ms",
                proc, Integer.toHexString(target.program()), ms);
        return new SlowCallHook(target, proc, ms);
    }

    @Override
    public int program() {
        return target.program();
    }

    @Override
    public int version() {
        return target.version();
    }

    @Override
    public boolean isHighPriority(int proc) {
        return target.isHighPriority(proc);
    }

    @Override
    public String procedureName(int proc) {
        return target.procedureName(proc);
    }

    @Override
    public void dispatch(ServerClient client, Message call) {
        if (call.header().procedure() == procedure) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        target.dispatch(client, call);
    }

    @Override
    public void clientClosed(ServerClient client) {
        target.clientClosed(client);
    }
}
