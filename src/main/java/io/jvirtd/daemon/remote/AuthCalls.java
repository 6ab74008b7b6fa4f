package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.lang.System.Logger.Level;

/**
 * The SASL and polkit steps of the handshake. jvirtd implements neither (its sockets all use
 * auth "none"), so a client that tries one gets libvirtd 9.0's answer for a socket without it
 * (remoteDispatchAuthSasl* and remoteDispatchAuthPolkit in remote_daemon_dispatch.c), and its
 * connection stays usable. Stateless; worker threads.
 */
final class AuthCalls {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon.remote");

    private AuthCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bindAnytime(AUTH_SASL_INIT, Void.class, AuthSaslInitRet.class,
                (s, a) -> { throw saslFailed(s, "client tried invalid SASL init request"); });
        t.bindAnytime(AUTH_SASL_START, AuthSaslStartArgs.class, AuthSaslStartRet.class,
                (s, a) -> { throw saslFailed(s, "client tried invalid SASL start request"); });
        // libvirt logs the step with the start's words
        t.bindAnytime(AUTH_SASL_STEP, AuthSaslStepArgs.class, AuthSaslStepRet.class,
                (s, a) -> { throw saslFailed(s, "client tried invalid SASL start request"); });
        t.bindAnytime(AUTH_POLKIT, Void.class, AuthPolkitRet.class, (s, a) -> {
            log(s, "client tried invalid PolicyKit init request");
            throw nothingReported();
        });
    }

    /** libvirtd resets the error and reports VIR_ERR_AUTH_FAILED "authentication failed". */
    private static VirException saslFailed(RemoteSession s, String why) {
        log(s, why);
        return VirException.of(VirErrorNumber.AUTH_FAILED, VirErrorDomain.RPC, "authentication failed");
    }

    /**
     * A call that failed without an error of its own (libvirtd's polkit refusal, a driver that
     * returned no result), for which virNetMessageSaveError sends its fallback (a worker thread that failed an earlier call sends that call's stale error
     * instead; jvirtd leaks nothing between calls and always answers as a clean worker).
     */
    static VirException nothingReported() {
        return new VirException(VirErrorNumber.INTERNAL_ERROR.number(), VirErrorDomain.RPC.number(),
                "Library function returned error but did not set virError", VirException.LEVEL_ERROR,
                null, null, null, 0, 0);
    }

    private static void log(RemoteSession s, String why) {
        LOG.log(Level.ERROR, "client " + s.client().id() + ": " + why);
    }
}
