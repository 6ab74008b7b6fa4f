package io.jvirtd.rpc.tls;

import static org.junit.jupiter.api.Assertions.fail;

import io.jvirtd.testsupport.Tool;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away x509 setup made the way libvirt's docs make one (docs/kbase/tlscerts.rst):
 * {@code certtool} with template files, so the keys are PKCS#1 PEM as users have them;
 * {@code openssl pkcs8} adds a PKCS#8 copy of the server key. Built once per test JVM in a
 * temporary folder (removed at exit) and shared; nothing in it is secret.
 *
 * <p>Contents: a CA (with a CRL revoking client "revoked"), a second unrelated CA, a server
 * certificate for localhost / 127.0.0.1, client certificates "good", "otherca" (signed by the
 * other CA), "expired" (2020), "outsider" (a DN outside {@link #ALLOWED_DN}) and "revoked",
 * server certificates that fail libvirt's sanity check, an EC (SEC1) server key, and one
 * {@code pki-NAME} folder per client in the layout virsh's {@code ?pkipath=} expects.
 *
 * <p>Without certtool or openssl the calling test is skipped, except under CI, where it fails
 * ({@link Tool}); scripts/test installs them. A class whose set-up calls {@link #get()} says
 * {@code @RequiresTools({Tool.CERTTOOL, Tool.OPENSSL})}, so that none of it runs without them.
 */
public final class TestPki {

    /** The DN of every client but "outsider", as gnutls prints it. */
    public static final String GOOD_DN = "C=GB,ST=London,L=London,O=jvirtd tests,CN=client1";
    /** A tls_allowed_dn_list pattern that admits {@link #GOOD_DN} and not the outsider. */
    public static final String ALLOWED_DN = "C=GB,ST=London,L=London,O=jvirtd tests,CN=client*";
    /** The clients, each with a pki folder. */
    public static final List<String> CLIENTS = List.of("good", "otherca", "expired", "outsider", "revoked");

    private static TestPki shared;

    private final Path dir;
    private final Path certtool;
    private final Path openssl;

    private TestPki(Path dir, Path certtool, Path openssl) {
        this.dir = dir;
        this.certtool = certtool;
        this.openssl = openssl;
    }

    /** The shared PKI, generated on first use; skips (or fails under CI) without the tools. */
    public static synchronized TestPki get() {
        if (shared == null) {
            Path certtool = Tool.CERTTOOL.require();
            Path openssl = Tool.OPENSSL.require();
            try {
                Path d = Files.createTempDirectory("jvirtd-pki");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
                TestPki pki = new TestPki(d, certtool, openssl);
                pki.generate();
                shared = pki;
            } catch (IOException e) {
                fail("cannot generate the test PKI: " + e.getMessage());
            }
        }
        return shared;
    }

    public Path dir() { return dir; }
    public Path caCert() { return dir.resolve("cacert.pem"); }
    public Path caKey() { return dir.resolve("cakey.pem"); }
    public Path crl() { return dir.resolve("cacrl.pem"); }
    public Path otherCaCert() { return dir.resolve("othercacert.pem"); }
    public Path serverCert() { return dir.resolve("servercert.pem"); }
    /** PKCS#1 ("BEGIN RSA PRIVATE KEY"), as certtool writes it. */
    public Path serverKey() { return dir.resolve("serverkey.pem"); }
    /** The same key as PKCS#8 ("BEGIN PRIVATE KEY"), as openssl writes it. */
    public Path serverKeyPkcs8() { return dir.resolve("serverkey-pkcs8.pem"); }
    /** An EC server key (SEC1, "BEGIN EC PRIVATE KEY") and its certificate. */
    public Path ecServerKey() { return dir.resolve("ec-serverkey.pem"); }
    public Path ecServerCert() { return dir.resolve("ec-servercert.pem"); }
    /** Server certificates libvirt's sanity check refuses, and a CA file that is no CA. */
    public Path expiredServerCert() { return dir.resolve("s-expiredcert.pem"); }
    public Path noEnciphermentServerCert() { return dir.resolve("s-noenccert.pem"); }
    public Path notCaCert() { return dir.resolve("notcacert.pem"); }
    public Path clientCert(String name) { return dir.resolve("c-" + name + "cert.pem"); }
    public Path clientKey(String name) { return dir.resolve("c-" + name + "key.pem"); }
    /** cacert.pem, clientcert.pem, clientkey.pem for {@code ?pkipath=}. */
    public Path pkiDir(String name) { return dir.resolve("pki-" + name); }

    private void generate() throws IOException {
        key("cakey.pem");
        template("ca.info", "cn = jvirtd test CA", "ca", "cert_signing_key", "crl_signing_key", "expiration_days = 3650");
        certtool("--generate-self-signed", "--load-privkey", "cakey.pem", "--template", "ca.info",
                "--outfile", "cacert.pem");
        key("othercakey.pem");
        template("otherca.info", "cn = some other CA", "ca", "cert_signing_key", "expiration_days = 3650");
        certtool("--generate-self-signed", "--load-privkey", "othercakey.pem", "--template", "otherca.info",
                "--outfile", "othercacert.pem");

        key("serverkey.pem");
        String[] server = {"organization = jvirtd tests", "cn = localhost", "dns_name = localhost",
            "ip_address = 127.0.0.1", "tls_www_server", "encryption_key", "signing_key"};
        signed("servercert.pem", "serverkey.pem", "ca", cat(server, "expiration_days = 3650"));
        signed("s-expiredcert.pem", "serverkey.pem", "ca", cat(server,
                "activation_date = \"2020-01-01 00:00:00\"", "expiration_date = \"2021-01-01 00:00:00\""));
        signed("s-noenccert.pem", "serverkey.pem", "ca", "cn = localhost", "ip_address = 127.0.0.1",
                "tls_www_server", "signing_key", "expiration_days = 3650");
        template("notca.info", "cn = not a CA", "cert_signing_key", "expiration_days = 3650");
        certtool("--generate-self-signed", "--load-privkey", "cakey.pem", "--template", "notca.info",
                "--outfile", "notcacert.pem");
        run(List.of(openssl.toString(), "pkcs8", "-topk8", "-nocrypt", "-in", "serverkey.pem", "-out", "serverkey-pkcs8.pem"));
        certtool("--generate-privkey", "--key-type", "ecdsa", "--outfile", "ec-serverkey.pem");
        signed("ec-servercert.pem", "ec-serverkey.pem", "ca", cat(server, "expiration_days = 3650"));

        String[] client = {"country = GB", "state = London", "locality = London", "organization = jvirtd tests",
            "tls_www_client", "encryption_key", "signing_key"};
        clientCert("good", "ca", cat(client, "cn = client1", "serial = 101", "expiration_days = 3650"));
        clientCert("otherca", "otherca", cat(client, "cn = client1", "serial = 102", "expiration_days = 3650"));
        clientCert("expired", "ca", cat(client, "cn = client1", "serial = 103",
                "activation_date = \"2020-01-01 00:00:00\"", "expiration_date = \"2021-01-01 00:00:00\""));
        clientCert("outsider", "ca", cat(client, "cn = intruder", "serial = 104", "expiration_days = 3650"));
        clientCert("revoked", "ca", cat(client, "cn = client1", "serial = 105", "expiration_days = 3650"));
        template("crl.info", "crl_next_update = 3650", "crl_number = 1");
        certtool("--generate-crl", "--load-ca-privkey", "cakey.pem", "--load-ca-certificate", "cacert.pem",
                "--load-certificate", "c-revokedcert.pem", "--template", "crl.info", "--outfile", "cacrl.pem");

        for (String c : CLIENTS) {
            Path p = Files.createDirectories(pkiDir(c));
            Files.copy(caCert(), p.resolve("cacert.pem"));
            Files.copy(clientCert(c), p.resolve("clientcert.pem"));
            Files.copy(clientKey(c), p.resolve("clientkey.pem"));
        }
        // The other CA's client trusts both CAs, so its own sanity check passes and the server decides.
        Files.writeString(pkiDir("otherca").resolve("cacert.pem"),
                Files.readString(caCert()) + Files.readString(otherCaCert()));
    }

    private void clientCert(String name, String ca, String... lines) throws IOException {
        key("c-" + name + "key.pem");
        signed("c-" + name + "cert.pem", "c-" + name + "key.pem", ca, lines);
    }

    private void signed(String out, String key, String ca, String... lines) throws IOException {
        String info = out + ".info";
        template(info, lines);
        certtool("--generate-certificate", "--load-privkey", key, "--load-ca-certificate", ca + "cert.pem",
                "--load-ca-privkey", ca + "key.pem", "--template", info, "--outfile", out);
    }

    private void key(String out) throws IOException {
        certtool("--generate-privkey", "--bits", "2048", "--outfile", out);
    }

    private void template(String name, String... lines) throws IOException {
        Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private static String[] cat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private void certtool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(certtool.toString());
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private void run(List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed:\n" + out.toString(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * A client-side TLS context presenting client {@code name}'s certificate (null for none)
     * and trusting {@link #caCert()}; for tests that play the client.
     */
    public SSLContext clientContext(String name) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : PemFiles.certificates(caCert(), "CA")) {
                trust.setCertificateEntry("ca" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(clientKeyManagers(name), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | TlsConfigException e) {
            throw new IOException("client context for " + name + ": " + e.getMessage(), e);
        }
    }

    /** Key managers presenting client {@code name}'s certificate (none for null). */
    public KeyManager[] clientKeyManagers(String name) throws GeneralSecurityException, IOException,
            TlsConfigException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (name != null) {
            PrivateKey k = PemFiles.privateKey(clientKey(name));
            List<X509Certificate> chain = PemFiles.certificates(clientCert(name), "client certificate");
            keys.setKeyEntry("client", k, new char[0], chain.toArray(new Certificate[0]));
        }
        kmf.init(keys, new char[0]);
        return kmf.getKeyManagers();
    }

    /** The server-side settings for this PKI (CRL included, DN list as given). */
    public TlsContext.Config serverConfig(List<String> allowedDns) {
        return new TlsContext.Config(caCert(), crl(), serverCert(), serverKey(), allowedDns, true, true);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
