package io.jvirtd.rpc.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Loading the daemon's credentials and libvirt's start-up sanity check, with the messages
 * libvirtd 9.0 printed for the same files (checked by hand against a private libvirtd).
 */
@RequiresTools({Tool.CERTTOOL, Tool.OPENSSL})
class TlsContextTest {

    private static TestPki pki;

    @BeforeAll
    static void pki() {
        pki = TestPki.get();
    }

    private static TlsContext.Config config(Path ca, Path crl, Path cert, Path key, boolean sanity) {
        return new TlsContext.Config(ca, crl, cert, key, null, sanity, true);
    }

    /**
     * The context serves: a client of this PKI ("good") completes a handshake with it, receives
     * the certificate the config names and is accepted by the client check.
     */
    private static void assertServes(TlsContext ctx, Path cert, javax.net.ssl.SSLContext client) throws Exception {
        InMemoryTls.Ends ends = InMemoryTls.handshake(ctx, client);
        assertTrue(ends.server().isEstablished() && ends.client().isEstablished(), "handshake completed");
        assertEquals(PemFiles.certificates(cert, "c").get(0), ends.serverCertificate(), "the configured certificate");
        assertTrue(ends.server().verdict().accepted(), ends.server().verdict().toString());
        assertEquals(TestPki.GOOD_DN, ends.server().verdict().peerDn());
    }

    private static void assertServes(TlsContext.Config c) throws Exception {
        assertServes(TlsContext.forServer(c, Runnable::run, w -> { }), c.certFile(), pki.clientContext("good"));
    }

    private static String failure(TlsContext.Config c) {
        return assertThrows(TlsConfigException.class, () -> TlsContext.forServer(c, Runnable::run, w -> { }))
                .getMessage();
    }

    @Test
    void keysInEveryFormatTheDocsProduceAreRead() throws Exception {
        assertTrue(Files.readString(pki.serverKey()).contains("BEGIN RSA PRIVATE KEY"), "certtool writes PKCS#1");
        assertTrue(Files.readString(pki.serverKeyPkcs8()).contains("BEGIN PRIVATE KEY"), "openssl writes PKCS#8");
        assertTrue(Files.readString(pki.ecServerKey()).contains("BEGIN EC PRIVATE KEY"), "SEC1");
        PrivateKey pkcs1 = PemFiles.privateKey(pki.serverKey());
        PrivateKey pkcs8 = PemFiles.privateKey(pki.serverKeyPkcs8());
        assertEquals(pkcs1, pkcs8, "the same key either way");
        PrivateKey ec = PemFiles.privateKey(pki.ecServerKey());
        assertEquals("EC", ec.getAlgorithm());
        assertTrue(TlsContext.keyMatches(ec, PemFiles.certificates(pki.ecServerCert(), "c").get(0).getPublicKey()));
        assertServes(config(pki.caCert(), null, pki.serverCert(), pki.serverKeyPkcs8(), true));
        // certtool leaves key encipherment out of an EC certificate, so libvirtd's sanity check
        // refuses it (checked against libvirtd 9.0: same message); without the check it serves.
        assertEquals("Certificate " + pki.ecServerCert() + " usage does not permit key encipherment",
                failure(config(pki.caCert(), null, pki.ecServerCert(), pki.ecServerKey(), true)));
        assertServes(config(pki.caCert(), null, pki.ecServerCert(), pki.ecServerKey(), false));
    }

    @Test
    void expiredServerCertificateFailsTheSanityCheck() {
        assertEquals("The server certificate " + pki.expiredServerCert() + " has expired",
                failure(config(pki.caCert(), null, pki.expiredServerCert(), pki.serverKey(), true)));
    }

    /** It starts and serves the expired certificate (a checking client would then refuse it, as with libvirtd). */
    @Test
    void noSanityCheckStartsWithAnExpiredCertificate() throws Exception {
        TlsContext.Config c = config(pki.caCert(), null, pki.expiredServerCert(), pki.serverKey(), false);
        assertServes(TlsContext.forServer(c, Runnable::run, w -> { }), pki.expiredServerCert(),
                InMemoryTls.clientTrustingAnything(pki, "good"));
    }

    @Test
    void criticalKeyUsageWithoutEnciphermentFailsTheSanityCheck() {
        assertEquals("Certificate " + pki.noEnciphermentServerCert() + " usage does not permit key encipherment",
                failure(config(pki.caCert(), null, pki.noEnciphermentServerCert(), pki.serverKey(), true)));
    }

    @Test
    void caFileWithoutCaConstraintFailsTheSanityCheck() {
        assertEquals("The certificate " + pki.notCaCert() + " basic constraints do not show a CA",
                failure(config(pki.notCaCert(), null, pki.serverCert(), pki.serverKey(), true)));
    }

    @Test
    void serverCertificateOfAnotherCaFailsTheSanityCheck() {
        assertEquals("Our own certificate " + pki.serverCert() + " failed validation against " + pki.otherCaCert()
                + ": The certificate hasn't got a known issuer.",
                failure(config(pki.otherCaCert(), null, pki.serverCert(), pki.serverKey(), true)));
    }

    @Test
    void keyOfAnotherCertificateIsRefusedEvenWithoutSanityCheck() {
        String expected = "Unable to set x509 key and certificate: " + pki.clientKey("good") + ", "
                + pki.serverCert() + ": The certificate and the given key do not match.";
        assertEquals(expected, failure(config(pki.caCert(), null, pki.serverCert(), pki.clientKey("good"), true)));
        assertEquals(expected, failure(config(pki.caCert(), null, pki.serverCert(), pki.clientKey("good"), false)));
    }

    @Test
    void missingFilesAreNamed(@TempDir Path tmp) {
        Path nope = tmp.resolve("nope.pem");
        assertEquals("Cannot read CA certificate list '" + nope + "': No such file or directory",
                failure(config(nope, null, pki.serverCert(), pki.serverKey(), true)));
        assertEquals("Cannot read private key '" + nope + "': No such file or directory",
                failure(config(pki.caCert(), null, pki.serverCert(), nope, true)));
        assertEquals("Cannot read certificate '" + nope + "': No such file or directory",
                failure(config(pki.caCert(), null, nope, pki.serverKey(), true)));
    }

    @Test
    void missingCrlFileIsSkippedAsLibvirtDoes(@TempDir Path tmp) throws Exception {
        assertServes(config(pki.caCert(), tmp.resolve("nope.pem"), pki.serverCert(), pki.serverKey(), true));
    }

    @Test
    void encryptedKeyIsRefusedClearly(@TempDir Path tmp) throws Exception {
        Path enc = tmp.resolve("enc.pem");
        Files.writeString(enc, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
        String m = assertThrows(TlsConfigException.class, () -> PemFiles.privateKey(enc)).getMessage();
        assertTrue(m.contains(enc.toString()) && m.contains("encrypted"), m);
    }

    @Test
    void garbageFilesFailWithTheirName(@TempDir Path tmp) throws Exception {
        Path junk = tmp.resolve("junk.pem");
        Files.writeString(junk, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertTrue(failure(config(junk, null, pki.serverCert(), pki.serverKey(), false)).contains(junk.toString()));
        Files.writeString(junk, "-----BEGIN RSA PRIVATE KEY-----\nMIIBAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertTrue(failure(config(pki.caCert(), null, pki.serverCert(), junk, false)).contains(junk.toString()));
        Files.writeString(junk, "nothing here");
        assertTrue(failure(config(pki.caCert(), null, junk, pki.serverKey(), false)).contains(junk.toString()));
    }

    @Test
    void distinguishedNameIsPrintedAsGnutlsDoes() throws Exception {
        for (String c : TestPki.CLIENTS) {
            String dn = CertificateChecks.gnutlsDn(PemFiles.certificates(pki.clientCert(c), "c").get(0)
                    .getSubjectX500Principal());
            assertEquals(virtPkiQueryDn(pki.clientCert(c)), dn, c);
        }
        assertEquals(TestPki.GOOD_DN, CertificateChecks.gnutlsDn(
                PemFiles.certificates(pki.clientCert("good"), "c").get(0).getSubjectX500Principal()));
    }

    /** What libvirt's own tool prints, when it is installed; else what it printed when we checked. */
    private static String virtPkiQueryDn(Path cert) throws Exception {
        Path tool = Path.of("/usr/bin/virt-pki-query-dn");
        if (!Files.isExecutable(tool)) {
            return cert.toString().contains("outsider") ? "C=GB,ST=London,L=London,O=jvirtd tests,CN=intruder"
                    : TestPki.GOOD_DN;
        }
        Process p = new ProcessBuilder(tool.toString(), cert.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "C=GB,ST=London,L=London,O=Red Hat,CN=*|C=GB,ST=London,L=London,O=Red Hat,CN=client1|true",
        "C=GB,ST=London,L=London,O=Red Hat,CN=*|C=GB,ST=London,L=London,O=Red Hat,CN=|true",
        "C=GB,ST=London,L=London,O=Red Hat,CN=*|C=GB,ST=London,L=London,O=Evil,CN=client1|false",
        "*|anything at all|true",
        "*|''|true",
        "CN=client?|CN=client1|true",
        "CN=client?|CN=client12|false",
        "*CN=client1|C=GB,CN=client1|true",
        "*CN=client1|C=GB,CN=client1,OU=x|false",
        "a*b*c|aXXbYYc|true",
        "a*b*c|aXXbYY|false",
        "C=GB,*,CN=admin|C=GB,O=x,CN=admin|true",
        "cn=client1|CN=client1|false",
    })
    void dnPatternsMatchLikeGlib(String pattern, String dn, boolean matches) {
        assertEquals(matches, CertificateChecks.globMatch(pattern, dn), pattern + " vs " + dn);
    }

    @Test
    void caCertificatesAreCheckedToo() throws Exception {
        List<String> warnings = new ArrayList<>();
        TlsContext ctx = TlsContext.forServer(config(pki.caCert(), pki.crl(), pki.serverCert(), pki.serverKey(), true),
                Runnable::run, warnings::add);
        assertEquals(List.of(), warnings, "a clean setup warns about nothing");
        assertServes(ctx, pki.serverCert(), pki.clientContext("good"));
        assertFalse(Files.readString(pki.crl()).isEmpty());
    }
}
