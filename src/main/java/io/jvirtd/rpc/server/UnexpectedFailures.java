package io.jvirtd.rpc.server;

import io.jvirtd.rpc.message.RpcError;

import java.lang.System.Logger.Level;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place that turns a failure nobody expected (a bug: an exception or error a program
 * did not turn into a libvirt error itself) into what the client sees and what the log keeps.
 * The client gets libvirt's VIR_ERR_INTERNAL_ERROR with a message meant for users — which call
 * failed and a reference — never the daemon's class names or exception text, as libvirtd never
 * shows its internals. The log gets the whole stack trace once, with the same reference, so that
 * a user's "error 3fa9c01e" finds its log line.
 *
 * <p>Threads: any worker; stateless.
 */
public final class UnexpectedFailures {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.rpc.server");

    private UnexpectedFailures() {
    }

    /**
     * Logs {@code failure} of {@code procedure} (a name such as virDomainGetInfo; null when the
     * program has none) for {@code client}, and returns the error reply the client gets.
     */
    public static RpcError answer(ServerClient client, String procedure, Throwable failure) {
        String ref = log(client, procedure, failure, "");
        return RpcError.internal("unexpected failure in " + procedure + " (see the daemon log, error " + ref + ")");
    }

    /** Logs {@code failure} of a call whose reply had already gone out: nothing is sent. */
    static void afterReply(ServerClient client, String procedure, Throwable failure) {
        log(client, procedure, failure, " after its reply");
    }

    private static String log(ServerClient client, String procedure, Throwable failure, String when) {
        String hex = Integer.toHexString(ThreadLocalRandom.current().nextInt());
        String ref = "0".repeat(8 - hex.length()) + hex;
        LOG.log(Level.ERROR, "error " + ref + ": client " + client.id() + ": " + procedure + " failed" + when, failure);
        return ref;
    }
}
