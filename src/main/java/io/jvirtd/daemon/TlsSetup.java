package io.jvirtd.daemon;

import io.jvirtd.rpc.tls.TlsConfigException;
import io.jvirtd.rpc.tls.TlsContext;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the TLS listener's credentials come from, by libvirt's rules (remote_daemon.c and
 * virNetTLSContextLocateCredentials), and the small executor TLS handshakes use off the loop.
 *
 * <ul>
 * <li>If {@code key_file}, {@code cert_file} or {@code ca_file} is set, all three must be,
 *     and {@code crl_file} is used only when set.</li>
 * <li>Otherwise the default paths: as root {@code /etc/pki/CA/cacert.pem},
 *     {@code /etc/pki/CA/cacrl.pem}, {@code /etc/pki/libvirt/servercert.pem},
 *     {@code /etc/pki/libvirt/private/serverkey.pem}; as another user the same names under
 *     {@code $HOME/.pki/libvirt/} where they exist (key and certificate as a pair), falling
 *     back to the global ones. A missing CRL is skipped.</li>
 * </ul>
 *
 * <p>jvirtd's one difference (docs/architecture.md §8, "runs out of the box"): with
 * {@code --listen} and neither {@code listen_tls} nor a credential path in the config file, a
 * missing server certificate means "no TLS listener" (logged) instead of libvirtd's start-up
 * failure. As soon as the config asks for TLS, a missing or bad file stops start-up with a
 * message naming it. Used by the process leader only.
 */
final class TlsSetup {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon");
    static final Path PKI = Path.of("/etc/pki");

    private TlsSetup() {
    }

    /**
     * The TLS listener's context, or null when there is to be no TLS listener.
     *
     * @throws TlsConfigException the configuration asks for TLS and it cannot be set up
     */
    static TlsContext serverContext(DaemonConfig config, ExecutorService tasks) throws TlsConfigException {
        return serverContext(config, tasks, config.tlsRequested);
    }

    /**
     * As {@link #serverContext(DaemonConfig, ExecutorService)}; {@code required} (the config asks
     * for TLS, or systemd passed a jvirtd-tls.socket) makes a missing certificate fatal too.
     */
    static TlsContext serverContext(DaemonConfig config, ExecutorService tasks, boolean required)
            throws TlsConfigException {
        TlsContext.Config files = locate(config, isRoot(), Path.of(System.getProperty("user.home")));
        if (!required && !Files.exists(files.certFile())) {
            LOG.log(Level.INFO, "no server certificate at {0}: no TLS listener (set listen_tls = 0 to silence this)",
                    files.certFile());
            return null;
        }
        return TlsContext.forServer(files, tasks, w -> LOG.log(Level.WARNING, w));
    }

    /** libvirt's choice of files for the server, as {@code privileged} or not. */
    static TlsContext.Config locate(DaemonConfig c, boolean privileged, Path home) throws TlsConfigException {
        boolean verify = !c.tlsNoVerifyCertificate;
        boolean sanity = !c.tlsNoSanityCertificate;
        if (c.caFile != null || c.certFile != null || c.keyFile != null) {
            if (c.caFile == null) {
                throw new TlsConfigException("No CA certificate path set to match server key/cert");
            }
            if (c.certFile == null) {
                throw new TlsConfigException("No server certificate path set to match server key");
            }
            if (c.keyFile == null) {
                throw new TlsConfigException("No server key path set to match server cert");
            }
            return new TlsContext.Config(Path.of(c.caFile), c.crlFile == null ? null : Path.of(c.crlFile),
                    Path.of(c.certFile), Path.of(c.keyFile), c.tlsAllowedDnList, sanity, verify);
        }
        Path ca = PKI.resolve("CA/cacert.pem");
        Path crl = PKI.resolve("CA/cacrl.pem");
        Path cert = PKI.resolve("libvirt/servercert.pem");
        Path key = PKI.resolve("libvirt/private/serverkey.pem");
        if (!privileged) {
            Path user = home.resolve(".pki/libvirt");
            if (Files.exists(user.resolve("cacert.pem"))) {
                ca = user.resolve("cacert.pem");
            }
            if (Files.exists(user.resolve("cacrl.pem"))) {
                crl = user.resolve("cacrl.pem");
            }
            if (Files.exists(user.resolve("serverkey.pem")) && Files.exists(user.resolve("servercert.pem"))) {
                key = user.resolve("serverkey.pem");
                cert = user.resolve("servercert.pem");
            }
        }
        return new TlsContext.Config(ca, crl, cert, key, c.tlsAllowedDnList, sanity, verify);
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * The executor for TLS handshake tasks and client-certificate checks: a few daemon threads
     * (CPU-bound work, at most one task per connecting client), idle ones time out. Never the
     * worker pool, so clients can still connect while every worker sits in a long driver call.
     */
    static ExecutorService newTaskExecutor() {
        int n = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        AtomicInteger seq = new AtomicInteger();
        ThreadPoolExecutor e = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "jvirtd-tls-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        e.allowCoreThreadTimeOut(true);
        return e;
    }
}
