package io.jvirtd.rpc.tls;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.security.auth.x500.X500Principal;

/**
 * libvirt's certificate checks (src/rpc/virnettlscontext.c), with its messages: validity
 * times, basic constraints, key usage, key purpose, a certificate against the CA list and
 * the CRLs, the distinguished name against {@code tls_allowed_dn_list}. Used for the start-up
 * sanity check of the daemon's own certificate and for every client certificate. A failed
 * check throws {@link Failed} with libvirt's text; a problem libvirt only warns about goes to
 * the {@code warn} consumer. Stateless.
 */
final class CertificateChecks {

    static final String OID_BASIC_CONSTRAINTS = "2.5.29.19";
    static final String OID_KEY_USAGE = "2.5.29.15";
    static final String OID_EXT_KEY_USAGE = "2.5.29.37";
    static final String KP_SERVER = "1.3.6.1.5.5.7.3.1";
    static final String KP_CLIENT = "1.3.6.1.5.5.7.3.2";
    static final String KP_ANY = "2.5.29.37.0";
    private static final int KU_DIGITAL_SIGNATURE = 0;
    private static final int KU_KEY_ENCIPHERMENT = 2;
    private static final int KU_KEY_CERT_SIGN = 5;
    /** Keywords gnutls prints that the JDK's RFC 2253 form does not know. */
    private static final Map<String, String> EXTRA_KEYWORDS = Map.of(
            "1.2.840.113549.1.9.1", "EMAIL",
            "2.5.4.5", "serialNumber",
            "2.5.4.12", "title",
            "2.5.4.42", "GN",
            "2.5.4.4", "SN",
            "2.5.4.46", "dnQualifier",
            "2.5.4.65", "pseudonym");

    /** Whose certificate a check is about; it picks libvirt's wording. */
    enum Role { SERVER, CLIENT, CA }

    /** A check failed; the message is libvirt's. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    private CertificateChecks() {
    }

    /** virNetTLSContextCheckCert: times, basic constraints, key usage, key purpose (not for a CA). */
    static void checkCert(X509Certificate c, String name, Role role, Date now, Consumer<String> warn) throws Failed {
        checkTimes(c, name, role, now);
        checkBasicConstraints(c, name, role);
        checkKeyUsage(c, name, role == Role.CA, warn);
        if (role != Role.CA) {
            checkKeyPurpose(c, name, role == Role.SERVER, warn);
        }
    }

    static void checkTimes(X509Certificate c, String name, Role role, Date now) throws Failed {
        String who = role == Role.CA ? "CA" : role == Role.SERVER ? "server" : "client";
        if (c.getNotAfter().before(now)) {
            throw new Failed("The " + who + " certificate " + name + " has expired");
        }
        if (c.getNotBefore().after(now)) {
            throw new Failed("The " + who + " certificate " + name + " is not yet active");
        }
    }

    static void checkBasicConstraints(X509Certificate c, String name, Role role) throws Failed {
        boolean present = c.getExtensionValue(OID_BASIC_CONSTRAINTS) != null;
        boolean isCa = c.getBasicConstraints() >= 0;
        if (isCa && role != Role.CA) {
            throw new Failed("The certificate " + name + " basic constraints show a CA, but we need one for a "
                    + (role == Role.SERVER ? "server" : "client"));
        }
        if (role == Role.CA && !isCa) {
            throw new Failed(present ? "The certificate " + name + " basic constraints do not show a CA"
                    : "The certificate " + name + " is missing basic constraints for a CA");
        }
    }

    static void checkKeyUsage(X509Certificate c, String name, boolean isCa, Consumer<String> warn) throws Failed {
        boolean[] usage = c.getKeyUsage();
        boolean critical = isCritical(c, OID_KEY_USAGE);
        if (usage == null) {
            return; // libvirt: no key usage means every usage the role needs
        }
        if (isCa) {
            need(usage, KU_KEY_CERT_SIGN, critical, "Certificate " + name + " usage does not permit certificate signing",
                    warn);
        } else {
            need(usage, KU_DIGITAL_SIGNATURE, critical, "Certificate " + name + " usage does not permit digital signature",
                    warn);
            need(usage, KU_KEY_ENCIPHERMENT, critical, "Certificate " + name + " usage does not permit key encipherment",
                    warn);
        }
    }

    private static void need(boolean[] usage, int bit, boolean critical, String message, Consumer<String> warn)
            throws Failed {
        if (bit < usage.length && usage[bit]) {
            return;
        }
        if (critical) {
            throw new Failed(message);
        }
        warn.accept(message);
    }

    static void checkKeyPurpose(X509Certificate c, String name, boolean isServer, Consumer<String> warn)
            throws Failed {
        List<String> purposes;
        try {
            purposes = c.getExtendedKeyUsage();
        } catch (java.security.cert.CertificateParsingException e) {
            throw new Failed("Unable to query certificate " + name + " key purpose " + e.getMessage());
        }
        boolean allowServer = false;
        boolean allowClient = false;
        if (purposes == null || purposes.isEmpty()) {
            allowServer = allowClient = true;
        } else {
            for (String p : purposes) {
                if (p.equals(KP_SERVER)) {
                    allowServer = true;
                } else if (p.equals(KP_CLIENT)) {
                    allowClient = true;
                } else if (!p.equals(KP_ANY)) {
                    allowServer = allowClient = true; // libvirt's rule: any other purpose allows both
                }
            }
        }
        if (isServer ? allowServer : allowClient) {
            return;
        }
        String message = "Certificate " + name + " purpose does not allow use for with a TLS "
                + (isServer ? "server" : "client");
        if (isCritical(c, OID_EXT_KEY_USAGE)) {
            throw new Failed(message);
        }
        warn.accept(message);
    }

    private static boolean isCritical(X509Certificate c, String oid) {
        Set<String> crit = c.getCriticalExtensionOIDs();
        return crit != null && crit.contains(oid);
    }

    /**
     * Verifies {@code chain} (leaf first, as sent by the peer) against the CA list and CRLs at
     * {@code now}; returns null when it is trusted, else gnutls's reason as libvirt prints it.
     */
    static String chainProblem(List<X509Certificate> chain, List<X509Certificate> cas, List<X509CRL> crls, Date now) {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : cas) {
            anchors.add(new TrustAnchor(ca, null));
        }
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (!cas.contains(c)) { // a peer may send the CA itself; PKIX wants the path without it
                path.add(c);
            }
        }
        if (path.isEmpty()) {
            path.add(chain.get(0));
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPath cp = cf.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false); // CRLs are checked below, as gnutls does, from the file only
            params.setDate(now);
            CertPathValidator.getInstance("PKIX").validate(cp, params);
        } catch (CertPathValidatorException e) {
            return reason(e);
        } catch (InvalidAlgorithmParameterException e) {
            return "Invalid certificate";
        } catch (GeneralSecurityException e) {
            return "Invalid certificate";
        }
        for (int i = 0; i < path.size(); i++) {
            X509Certificate c = path.get(i);
            for (X509CRL crl : crls) {
                if (crl.getIssuerX500Principal().equals(c.getIssuerX500Principal()) && crl.isRevoked(c)) {
                    return "The certificate has been revoked.";
                }
            }
        }
        return null;
    }

    private static String reason(CertPathValidatorException e) {
        CertPathValidatorException.Reason r = e.getReason();
        if (r == PKIXReason.NO_TRUST_ANCHOR) {
            return "The certificate hasn't got a known issuer.";
        }
        if (r == CertPathValidatorException.BasicReason.REVOKED) {
            return "The certificate has been revoked.";
        }
        if (r == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
            return "The certificate uses an insecure algorithm";
        }
        return "The certificate is not trusted.";
    }

    /** The CRLs that one of the CAs signed; others are dropped (a CRL nobody vouches for means nothing). */
    static List<X509CRL> verifiedCrls(List<X509CRL> crls, List<X509Certificate> cas, Consumer<String> warn) {
        List<X509CRL> good = new ArrayList<>();
        for (X509CRL crl : crls) {
            boolean ok = false;
            for (X509Certificate ca : cas) {
                if (ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                    try {
                        crl.verify(ca.getPublicKey());
                        ok = true;
                        break;
                    } catch (GeneralSecurityException e) {
                        // try the next CA of that name
                    }
                }
            }
            if (ok) {
                good.add(crl);
            } else {
                warn.accept("CRL issued by '" + crl.getIssuerX500Principal() + "' is not signed by a CA of ca_file; ignored");
            }
        }
        return good;
    }

    /**
     * The distinguished name as gnutls_x509_crt_get_dn prints it, which is what libvirt matches
     * {@code tls_allowed_dn_list} against and what {@code virt-pki-query-dn} shows: RFC 4514
     * escaping, but the RDNs in certificate order ("C=GB,ST=London,L=London,O=Org,CN=client1"),
     * the reverse of RFC 4514's order.
     */
    static String gnutlsDn(X500Principal p) {
        String rfc = p.getName(X500Principal.RFC2253, EXTRA_KEYWORDS);
        List<String> rdns = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < rfc.length(); i++) {
            char ch = rfc.charAt(i);
            if (ch == '\\' && i + 1 < rfc.length()) {
                cur.append(ch).append(rfc.charAt(++i));
            } else if (ch == ',') {
                rdns.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (cur.length() > 0 || !rdns.isEmpty()) {
            rdns.add(cur.toString());
        }
        StringBuilder out = new StringBuilder(rfc.length());
        for (int i = rdns.size() - 1; i >= 0; i--) {
            out.append(rdns.get(i));
            if (i > 0) {
                out.append(',');
            }
        }
        return out.toString();
    }

    /**
     * GLib's g_pattern_match_simple, which libvirt uses for {@code tls_allowed_dn_list}:
     * {@code *} matches any run of characters (also none), {@code ?} any one character; there
     * is no escape. Iterative, linear in practice (one backtrack point).
     */
    static boolean globMatch(String pattern, String s) {
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = 0;
        while (i < s.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == s.charAt(i))
                    && pattern.charAt(p) != '*') {
                p++;
                i++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starI = i;
            } else if (starP >= 0) {
                p = starP + 1;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
