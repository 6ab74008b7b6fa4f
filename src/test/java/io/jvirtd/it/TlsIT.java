package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jvirtd.rpc.tls.TestPki;
import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stock virsh over {@code test+tls://} with a PKI made as libvirt's docs make one.
 *
 * <p>The expected client-side messages are what virsh printed against libvirtd 9.0 configured
 * the same way (same PKI, CRL and tls_allowed_dn_list). Run this class against the real daemon
 * with {@code -Djvirtd.it.command=src/test/resources/it/libvirtd-wrapper.sh} (absolute path) to
 * see the same outcomes: a refused client gets no confirmation byte and virsh says "Unable to
 * read TLS confirmation: Input/output error"; an expired client certificate is refused by
 * virsh's own sanity check before it connects (with {@code no_sanity=1} the daemon refuses it).
 */
@RequiresTools({Tool.VIRSH, Tool.CERTTOOL, Tool.OPENSSL})
class TlsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String REFUSED = "Unable to read TLS confirmation: Input/output error";

    private static TestPki pki;
    private static DaemonProcess daemon;
    private static int tlsPort;

    @BeforeAll
    static void startDaemon() throws IOException {
        pki = TestPki.get();
        tlsPort = DaemonProcess.freePort();
        daemon = tlsDaemon(tlsPort).start();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** A daemon with TLS on {@code port}, the test PKI, its CRL and the DN list. */
    static DaemonProcess.Builder tlsDaemon(int port) {
        return DaemonProcess.builder()
                .conf("listen_tls", "1")
                .conf("tls_port", "\"" + port + "\"")
                .conf("key_file", quote(pki.serverKey()))
                .conf("cert_file", quote(pki.serverCert()))
                .conf("ca_file", quote(pki.caCert()))
                .conf("crl_file", quote(pki.crl()))
                .conf("auth_tls", "\"none\"")
                .conf("tls_allowed_dn_list", "[\"" + TestPki.ALLOWED_DN + "\"]");
    }

    private static String quote(Path p) {
        return "\"" + p + "\"";
    }

    private static String uri(int port, String client, String extra) {
        return "test+tls://127.0.0.1:" + port + "/default?pkipath=" + pki.pkiDir(client) + extra;
    }

    private static Exec.Result virsh(DaemonProcess d, String uri, String... cmd) throws IOException {
        String[] argv = new String[cmd.length + 3];
        argv[0] = InteropEnvironment.virsh().toString();
        argv[1] = "-c";
        argv[2] = uri;
        System.arraycopy(cmd, 0, argv, 3, cmd.length);
        Exec.Result r = Exec.run(TIMEOUT, null, argv);
        assertFalse(r.timedOut(), "virsh hung\n" + r.describe() + "\n=== daemon\n" + d.describe());
        return r;
    }

    private static String why(Exec.Result r, DaemonProcess d) {
        return r.describe() + "\n=== daemon\n" + d.describe();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "&tls_priority=NORMAL:-VERS-TLS1.3"})
    void clientOfTheCaConnectsWithTls13And12(String priority) throws IOException {
        Exec.Result r = virsh(daemon, uri(tlsPort, "good", priority), "hostname");
        assertEquals(0, r.exitCode(), why(r, daemon));
        assertEquals(InteropEnvironment.kernelHostName(), r.stdout().strip().split("\\.")[0], why(r, daemon));
        Exec.Result list = virsh(daemon, uri(tlsPort, "good", priority), "nodeinfo");
        assertEquals(0, list.exitCode(), why(list, daemon));
        assertTrue(list.stdout().contains("CPU model"), why(list, daemon));
    }

    @ParameterizedTest
    @ValueSource(strings = {"otherca", "outsider", "revoked"})
    void refusedCertificateGetsLibvirtsError(String client) throws IOException {
        for (String priority : new String[] {"", "&tls_priority=NORMAL:-VERS-TLS1.3"}) {
            Exec.Result r = virsh(daemon, uri(tlsPort, client, priority), "hostname");
            assertEquals(1, r.exitCode(), why(r, daemon));
            assertTrue(r.stderr().contains("error: failed to connect to the hypervisor"), why(r, daemon));
            assertTrue(r.stderr().contains(REFUSED), why(r, daemon));
        }
    }

    @Test
    void expiredCertificateIsRefusedByVirshItselfAndOtherwiseByTheDaemon() throws IOException {
        Exec.Result r = virsh(daemon, uri(tlsPort, "expired", ""), "hostname");
        assertEquals(1, r.exitCode(), why(r, daemon));
        assertTrue(r.stderr().contains("The client certificate " + pki.pkiDir("expired").resolve("clientcert.pem")
                + " has expired"), why(r, daemon));
        Exec.Result r2 = virsh(daemon, uri(tlsPort, "expired", "&no_sanity=1"), "hostname");
        assertEquals(1, r2.exitCode(), why(r2, daemon));
        assertTrue(r2.stderr().contains(REFUSED), why(r2, daemon));
    }

    /**
     * libvirtd binds every socket before the loop accepts on any: a client that finds one
     * socket accepting finds them all, TLS included (the credentials are loaded before it).
     */
    @Test
    void tlsAcceptsTheMomentAnyListenerDoes() throws IOException {
        int port = DaemonProcess.freePort();
        try (DaemonProcess d = tlsDaemon(port).launch()) {
            awaitFirstAccepting(d);
            Exec.Result r = virsh(d, uri(port, "good", ""), "hostname");
            assertEquals(0, r.exitCode(), why(r, d));
            assertEquals(InteropEnvironment.kernelHostName(), r.stdout().strip().split("\\.")[0], why(r, d));
            d.awaitReady(TIMEOUT);
        }
    }

    /** Returns as soon as the unix socket or the TCP port accepts a connection (bounded poll). */
    private static void awaitFirstAccepting(DaemonProcess d) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(d.isAlive(), d.describe());
            if (accepts(UnixDomainSocketAddress.of(d.rwSocket()), StandardProtocolFamily.UNIX)
                    || accepts(d.tcpAddress(), StandardProtocolFamily.INET)) {
                return;
            }
            LockSupport.parkNanos(1_000_000); // polling the sockets, bounded: 1 ms between tries
        }
        fail("no listener accepted within 60 s\n" + d.describe());
    }

    private static boolean accepts(SocketAddress addr, StandardProtocolFamily family) {
        try (SocketChannel ch = SocketChannel.open(family)) {
            return ch.connect(addr);
        } catch (IOException refusedOrAbsent) {
            return false;
        }
    }

    @Test
    void noVerifyCertificateAdmitsEveryone() throws IOException {
        int port = DaemonProcess.freePort();
        try (DaemonProcess lax = tlsDaemon(port).conf("tls_no_verify_certificate", "1").start()) {
            for (String c : new String[] {"good", "otherca", "outsider", "revoked"}) {
                Exec.Result r = virsh(lax, uri(port, c, ""), "hostname");
                assertEquals(0, r.exitCode(), c + "\n" + why(r, lax));
            }
        }
    }

    @Test
    void expiredServerCertificateStopsStartUpNamingTheFile() throws IOException {
        int port = DaemonProcess.freePort();
        try (DaemonProcess bad = tlsDaemon(port).conf("cert_file", quote(pki.expiredServerCert())).launch()) {
            int code = bad.awaitExit(Duration.ofSeconds(60));
            assertNotEquals(0, code, bad.describe()); // jvirtd 1; libvirtd 6 (VIR_DAEMON_ERR_NETWORK)
            assertTrue(bad.stderr().contains("The server certificate " + pki.expiredServerCert() + " has expired"),
                    bad.describe());
            assertFalse(bad.stderr().contains("daemon is ready"), bad.describe());
        }
    }

    @Test
    void keyOfAnotherCertificateStopsStartUp() throws IOException {
        int port = DaemonProcess.freePort();
        try (DaemonProcess bad = tlsDaemon(port).conf("key_file", quote(pki.clientKey("good"))).launch()) {
            assertNotEquals(0, bad.awaitExit(Duration.ofSeconds(60)), bad.describe());
            assertTrue(bad.stderr().contains("Unable to set x509 key and certificate: " + pki.clientKey("good") + ", "
                    + pki.serverCert() + ": The certificate and the given key do not match."), bad.describe());
        }
    }

    @Test
    void noSanityCertificateServesWithAnExpiredServerCertificate() throws IOException {
        int port = DaemonProcess.freePort();
        try (DaemonProcess d = tlsDaemon(port).conf("cert_file", quote(pki.expiredServerCert()))
                .conf("tls_no_sanity_certificate", "1").start()) {
            // the daemon serves; virsh checks the server certificate itself and refuses the expired one
            Exec.Result r = virsh(d, uri(port, "good", ""), "hostname");
            assertEquals(1, r.exitCode(), why(r, d));
            assertTrue(r.stderr().contains("error: authentication failed: Failed to verify peer's certificate"),
                    why(r, d));
            Exec.Result r2 = virsh(d, uri(port, "good", "&no_verify=1"), "hostname");
            assertEquals(0, r2.exitCode(), why(r2, d));
        }
    }
}
