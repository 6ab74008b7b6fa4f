package io.jvirtd.rpc.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the PEM files of an x509 setup as libvirt's docs create them with certtool or openssl:
 * certificates and certificate lists, CRLs, and unencrypted private keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, certtool's default) and
 * SEC1 ({@code BEGIN EC PRIVATE KEY}). Text around the PEM blocks (certtool writes a
 * description first) is ignored, as gnutls ignores it. The JDK reads PKCS#8 only; the two
 * older forms are wrapped into PKCS#8 by {@link Der}, so no extra library is needed.
 *
 * <p>Failures are {@link TlsConfigException}s whose message names the file. Stateless.
 */
public final class PemFiles {

    /** Larger than any sane certificate bundle; bounds what a misconfigured path makes us read. */
    private static final long MAX_FILE = 1 << 20;
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA", "XDH"};

    private PemFiles() {
    }

    /** One PEM block: its label ({@code CERTIFICATE}, {@code RSA PRIVATE KEY} …) and DER bytes. */
    record Block(String label, byte[] der, boolean encryptedHeaders) {
    }

    /** Every certificate in the file, in file order; at least one. */
    public static List<X509Certificate> certificates(Path file, String what) throws TlsConfigException {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file, what)) {
                if (b.label().equals("CERTIFICATE") || b.label().equals("X509 CERTIFICATE")) {
                    certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new TlsConfigException("Unable to import " + what + " " + file + ": " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new TlsConfigException("Unable to import " + what + " " + file + ": no PEM certificate in it");
        }
        return certs;
    }

    /** Every CRL in the file; at least one. */
    public static List<X509CRL> crls(Path file) throws TlsConfigException {
        List<X509CRL> crls = new ArrayList<>();
        String what = "certificate revocation list";
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file, "CA revocation list")) {
                if (b.label().equals("X509 CRL")) {
                    crls.add((X509CRL) cf.generateCRL(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("Unable to set x509 " + what + ": " + file + ": " + e.getMessage(), e);
        }
        if (crls.isEmpty()) {
            throw new TlsConfigException("Unable to set x509 " + what + ": " + file + ": no PEM CRL in it");
        }
        return crls;
    }

    /** The first private key in the file. */
    public static PrivateKey privateKey(Path file) throws TlsConfigException {
        for (Block b : blocks(file, "private key")) {
            byte[] pkcs8;
            try {
                switch (b.label()) {
                    case "PRIVATE KEY":
                        pkcs8 = b.der();
                        break;
                    case "RSA PRIVATE KEY":
                        pkcs8 = Der.pkcs8FromPkcs1(b.der());
                        break;
                    case "EC PRIVATE KEY":
                        pkcs8 = Der.pkcs8FromSec1(b.der());
                        break;
                    case "ENCRYPTED PRIVATE KEY":
                        throw new TlsConfigException("Unable to read private key " + file
                                + ": it is encrypted; the daemon cannot ask for a passphrase (as libvirtd)");
                    default:
                        continue;
                }
            } catch (IllegalArgumentException e) {
                throw new TlsConfigException("Unable to read private key " + file + ": " + e.getMessage(), e);
            }
            if (b.encryptedHeaders()) {
                throw new TlsConfigException("Unable to read private key " + file
                        + ": it is encrypted; the daemon cannot ask for a passphrase (as libvirtd)");
            }
            return decodePkcs8(pkcs8, file);
        }
        throw new TlsConfigException("Unable to read private key " + file + ": no PEM private key in it");
    }

    private static PrivateKey decodePkcs8(byte[] pkcs8, Path file) throws TlsConfigException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
        for (String alg : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm; try the next
            }
        }
        throw new TlsConfigException("Unable to read private key " + file + ": unsupported key type");
    }

    /** The PEM blocks of a file, in order. */
    static List<Block> blocks(Path file, String what) throws TlsConfigException {
        String text;
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new TlsConfigException("Unable to read " + what + " " + file + ": larger than "
                        + MAX_FILE + " bytes");
            }
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException("Cannot read " + what + " '" + file + "': No such file or directory", e);
        } catch (IOException e) {
            throw new TlsConfigException("Cannot read " + what + " '" + file + "': " + e.getMessage(), e);
        }
        return parse(text, file, what);
    }

    static List<Block> parse(String text, Path file, String what) throws TlsConfigException {
        List<Block> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", pos);
            if (begin < 0) {
                return out;
            }
            int labelEnd = text.indexOf("-----", begin + 11);
            if (labelEnd < 0) {
                throw new TlsConfigException("Unable to read " + what + " " + file + ": malformed PEM header");
            }
            String label = text.substring(begin + 11, labelEnd);
            String endMarker = "-----END " + label + "-----";
            int end = text.indexOf(endMarker, labelEnd);
            if (end < 0) {
                throw new TlsConfigException("Unable to read " + what + " " + file + ": no '" + endMarker + "'");
            }
            String body = text.substring(labelEnd + 5, end);
            boolean encrypted = false;
            StringBuilder b64 = new StringBuilder(body.length());
            for (String line : body.split("\r?\n")) {
                if (line.contains(":")) { // RFC 1421 headers (traditional encrypted keys)
                    encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
                    continue;
                }
                b64.append(line.strip());
            }
            try {
                out.add(new Block(label, Base64.getDecoder().decode(b64.toString()), encrypted));
            } catch (IllegalArgumentException e) {
                throw new TlsConfigException("Unable to read " + what + " " + file + ": bad base64 in '"
                        + label + "' block", e);
            }
            pos = end + endMarker.length();
        }
    }
}
