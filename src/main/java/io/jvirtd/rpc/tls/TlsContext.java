package io.jvirtd.rpc.tls;

import java.lang.System.Logger.Level;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server side of libvirt's x509 setup (virNetTLSContext): the daemon's key and certificate,
 * the CA list and CRLs clients are checked against, {@code tls_allowed_dn_list}, and the
 * decision on each client after its handshake.
 *
 * <p>As libvirtd (gnutls with GNUTLS_CERT_REQUEST), the handshake asks for a client
 * certificate but does not fail without one; once it is done, {@link #verifyPeer} applies
 * libvirt's checks — chain against the CA list and CRLs, validity times, the DN list, basic
 * constraints, key usage and purpose — and the owner either confirms the client or closes
 * the connection. With {@code tls_no_verify_certificate} failures are logged and ignored.
 *
 * <p>Start-up ({@link #forServer}) runs libvirt's sanity check of the daemon's own
 * certificate and the CA certificates unless disabled, then loads the credentials; every
 * problem is a {@link TlsConfigException} naming the file. TLS 1.2 and 1.3 with the JDK's
 * default cipher suites.
 *
 * <p>Immutable after construction and thread-safe: one context serves every TLS listener
 * and client; {@link #verifyPeer} runs off the loop, on the TLS task executor.
 */
public final class TlsContext {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.rpc.tls");
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Seconds; anything above TLS 1.3's 7-day ticket lifetime stops the JDK issuing tickets. */
    static final int NO_TICKETS_SESSION_TIMEOUT = 7 * 24 * 3600 + 1;
    /** How libvirt names the peer's certificate in its messages. */
    private static final String PEER = "[session]";

    /**
     * The x509 settings of libvirtd.conf.
     *
     * @param caFile           [ca_file] the CA certificates clients must chain to
     * @param crlFile          [crl_file] revoked certificates; null or a missing file for none
     * @param certFile         [cert_file] the daemon's certificate (chain)
     * @param keyFile          [key_file] its private key
     * @param allowedDnList    [tls_allowed_dn_list] glob patterns a client DN must match; null allows any
     * @param sanityCheck      not [tls_no_sanity_certificate]
     * @param requireValidCert not [tls_no_verify_certificate]
     */
    public record Config(Path caFile, Path crlFile, Path certFile, Path keyFile, List<String> allowedDnList,
                         boolean sanityCheck, boolean requireValidCert) {
        public Config {
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            allowedDnList = allowedDnList == null ? null : List.copyOf(allowedDnList);
        }
    }

    private final Config config;
    private final SSLContext sslContext;
    private final List<X509Certificate> cas;
    private final List<X509CRL> crls;
    private final Executor tasks;

    private TlsContext(Config config, SSLContext sslContext, List<X509Certificate> cas, List<X509CRL> crls,
                       Executor tasks) {
        this.config = config;
        this.sslContext = sslContext;
        this.cas = cas;
        this.crls = crls;
        this.tasks = tasks;
    }

    /**
     * Loads and checks the server credentials (libvirt's virNetTLSContextNewServer).
     *
     * @param tasks runs handshake tasks and client checks off the loop
     * @param warn  receives what libvirt only warns about (a non-critical usage mismatch …)
     */
    public static TlsContext forServer(Config config, Executor tasks, Consumer<String> warn)
            throws TlsConfigException {
        if (config.sanityCheck()) {
            sanityCheck(config, warn);
        }
        List<X509Certificate> cas = PemFiles.certificates(config.caFile(), "CA certificate list");
        List<X509CRL> crls = List.of();
        if (config.crlFile() != null && Files.exists(config.crlFile())) {
            crls = CertificateChecks.verifiedCrls(PemFiles.crls(config.crlFile()), cas, warn);
        }
        requireReadable(config.certFile(), "certificate");
        requireReadable(config.keyFile(), "private key");
        List<X509Certificate> chain = PemFiles.certificates(config.certFile(), "server certificate");
        PrivateKey key = PemFiles.privateKey(config.keyFile());
        if (!keyMatches(key, chain.get(0).getPublicKey())) {
            throw new TlsConfigException("Unable to set x509 key and certificate: " + config.keyFile() + ", "
                    + config.certFile() + ": The certificate and the given key do not match.");
        }
        return new TlsContext(config, sslContext(key, chain, cas), List.copyOf(cas), List.copyOf(crls), tasks);
    }

    /** virNetTLSContextSanityCheckCredentials for a server. */
    private static void sanityCheck(Config config, Consumer<String> warn) throws TlsConfigException {
        Date now = new Date();
        X509Certificate cert = null;
        if (Files.isReadable(config.certFile())) {
            cert = PemFiles.certificates(config.certFile(), "server certificate").get(0);
        }
        List<X509Certificate> cas = List.of();
        if (Files.isReadable(config.caFile())) {
            cas = PemFiles.certificates(config.caFile(), "CA certificate list");
        }
        try {
            if (cert != null) {
                CertificateChecks.checkCert(cert, config.certFile().toString(), CertificateChecks.Role.SERVER, now,
                        warn);
            }
            for (X509Certificate ca : cas) {
                CertificateChecks.checkCert(ca, config.caFile().toString(), CertificateChecks.Role.CA, now, warn);
            }
        } catch (CertificateChecks.Failed e) {
            throw new TlsConfigException(e.getMessage());
        }
        if (cert != null && !cas.isEmpty()) {
            String problem = CertificateChecks.chainProblem(List.of(cert), cas, List.of(), now);
            if (problem != null) {
                throw new TlsConfigException("Our own certificate " + config.certFile() + " failed validation against "
                        + config.caFile() + ": " + problem);
            }
        }
    }

    private static void requireReadable(Path file, String what) throws TlsConfigException {
        if (!Files.exists(file)) {
            throw new TlsConfigException("Cannot read " + what + " '" + file + "': No such file or directory");
        }
        if (!Files.isReadable(file)) {
            throw new TlsConfigException("Cannot read " + what + " '" + file + "': Permission denied");
        }
    }

    /** True when {@code key} is the private half of {@code pub}. */
    static boolean keyMatches(PrivateKey key, PublicKey pub) {
        if (key instanceof RSAPrivateKey && pub instanceof RSAPublicKey) {
            RSAPublicKey rsa = (RSAPublicKey) pub;
            boolean modulus = ((RSAPrivateKey) key).getModulus().equals(rsa.getModulus());
            return modulus && (!(key instanceof RSAPrivateCrtKey)
                    || ((RSAPrivateCrtKey) key).getPublicExponent().equals(rsa.getPublicExponent()));
        }
        String alg;
        switch (key.getAlgorithm()) {
            case "EC":
                alg = "SHA256withECDSA";
                break;
            case "DSA":
                alg = "SHA256withDSA";
                break;
            case "EdDSA":
            case "Ed25519":
            case "Ed448":
                alg = "EdDSA";
                break;
            default:
                return false;
        }
        try {
            byte[] probe = "jvirtd key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static SSLContext sslContext(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> cas)
            throws TlsConfigException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("server", key, pw, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, pw);
            SSLContext ctx = newContextWithoutTickets();
            ctx.init(kmf.getKeyManagers(), new TrustManager[] {new RequestOnlyTrustManager(cas)}, new SecureRandom());
            // No TLS 1.3 tickets either (see newContextWithoutTickets): the JDK sends none when
            // the server session timeout exceeds the 7-day ticket lifetime (NewSessionTicket's
            // MAX_TICKET_LIFETIME).
            ctx.getServerSessionContext().setSessionTimeout(NO_TICKETS_SESSION_TIMEOUT);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsConfigException("Unable to set x509 key and certificate: " + e.getMessage(), e);
        }
    }

    /**
     * An SSLContext that never offers session tickets, as libvirtd (gnutls without tickets).
     * libvirt's client reads the confirmation byte as the first thing after the handshake: a
     * TLS 1.3 ticket arriving first makes it give up ("Unable to read TLS confirmation: Resource
     * temporarily unavailable"), and a TLS 1.2 server that acknowledges the client's ticket
     * extension must send one (gnutls: "An unexpected TLS packet was received"). The JDK reads
     * jdk.tls.server.enableSessionTicketExtension when it creates a context's session cache, so
     * the property is set just around that.
     */
    private static SSLContext newContextWithoutTickets() throws GeneralSecurityException {
        String key = "jdk.tls.server.enableSessionTicketExtension";
        synchronized (TlsContext.class) {
            String old = System.getProperty(key);
            System.setProperty(key, "false");
            try {
                return SSLContext.getInstance("TLS");
            } finally {
                if (old == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, old);
                }
            }
        }
    }

    /** The settings this context was built from. */
    public Config config() {
        return config;
    }

    /**
     * A server session for one accepted connection.
     *
     * @param loop     the connection's event loop (run-on-loop)
     * @param inLoop   true on that loop's thread
     * @param onResume called on the loop when a delegated task or the client check finished
     */
    public TlsSession newServerSession(Executor loop, BooleanSupplier inLoop, Runnable onResume) throws SSLException {
        SSLEngine engine = sslContext.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setWantClientAuth(true); // gnutls GNUTLS_CERT_REQUEST: ask, decide after the handshake
        engine.setSSLParameters(p);
        return new TlsSession(engine, tasks, loop, inLoop, onResume, this::verifyPeer);
    }

    /**
     * libvirt's virNetTLSContextCheckCertificate on the server: accepts or rejects a client
     * after its handshake. Runs off the loop.
     */
    public TlsSession.Verdict verifyPeer(Certificate[] peer) {
        String dn = null;
        String problem;
        if (peer == null || peer.length == 0 || !(peer[0] instanceof X509Certificate)) {
            problem = "Unable to verify TLS peer: No certificate was found.";
        } else {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : peer) {
                if (c instanceof X509Certificate) {
                    chain.add((X509Certificate) c);
                }
            }
            dn = CertificateChecks.gnutlsDn(chain.get(0).getSubjectX500Principal());
            problem = checkPeerChain(chain, dn);
        }
        if (problem == null) {
            LOG.log(Level.DEBUG, "TLS client accepted, DN {0}", dn);
            return TlsSession.Verdict.accept(dn);
        }
        if (!config.requireValidCert()) {
            LOG.log(Level.INFO, "Ignoring bad certificate at user request: {0}", problem);
            return TlsSession.Verdict.accept(dn);
        }
        LOG.log(Level.WARNING, "Certificate check failed {0}; refusing the client (DN {1})", problem, dn);
        return TlsSession.Verdict.reject(dn, problem);
    }

    /** virNetTLSContextValidCertificate: null when the client passes, else libvirt's message. */
    private String checkPeerChain(List<X509Certificate> chain, String dn) {
        Date now = new Date();
        String untrusted = CertificateChecks.chainProblem(chain, cas, crls, now);
        if (untrusted != null) {
            return "Certificate failed validation: " + untrusted;
        }
        try {
            for (int i = 0; i < chain.size(); i++) {
                CertificateChecks.checkTimes(chain.get(i), PEER,
                        i > 0 ? CertificateChecks.Role.CA : CertificateChecks.Role.CLIENT, now);
            }
            if (config.allowedDnList() != null && !dnAllowed(dn)) {
                return "Client's Distinguished Name is not on the list of allowed clients (tls_allowed_dn_list).  "
                        + "Use 'virt-pki-query-dn clientcert.pem' to view the Distinguished Name field in the client "
                        + "certificate, or run this daemon with --verbose option.";
            }
            X509Certificate leaf = chain.get(0);
            Consumer<String> warn = w -> LOG.log(Level.WARNING, w);
            CertificateChecks.checkBasicConstraints(leaf, PEER, CertificateChecks.Role.CLIENT);
            CertificateChecks.checkKeyUsage(leaf, PEER, false, warn);
            CertificateChecks.checkKeyPurpose(leaf, PEER, false, warn);
        } catch (CertificateChecks.Failed e) {
            return e.getMessage();
        }
        return null;
    }

    /** True when {@code dn} matches one of tls_allowed_dn_list's patterns. */
    boolean dnAllowed(String dn) {
        for (String pattern : config.allowedDnList()) {
            if (CertificateChecks.globMatch(pattern, dn)) {
                return true;
            }
        }
        LOG.log(Level.DEBUG, "Failed ACL check for client DN ''{0}''", dn);
        return false;
    }

    /**
     * Asks for a client certificate naming the CAs we trust (as gnutls does) but accepts any:
     * the decision is {@link #verifyPeer}'s, after the handshake, as in libvirt. Thread-safe.
     */
    private static final class RequestOnlyTrustManager extends X509ExtendedTrustManager {
        private final X509Certificate[] issuers;

        RequestOnlyTrustManager(List<X509Certificate> cas) {
            this.issuers = cas.toArray(new X509Certificate[0]);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // decided after the handshake
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // decided after the handshake
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // decided after the handshake
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a server does not check servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a server does not check servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server does not check servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return issuers.clone();
        }
    }
}
