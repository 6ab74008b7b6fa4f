package io.jvirtd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.tls.TlsConfigException;
import io.jvirtd.rpc.tls.TlsContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the TLS credentials come from: libvirt's rules (remote_daemon.c, virNetTLSContextLocateCredentials). */
class TlsSetupTest {

    @TempDir
    Path home;

    @Test
    void rootUsesTheGlobalPkiPaths() throws Exception {
        TlsContext.Config c = TlsSetup.locate(new DaemonConfig(), true, home);
        assertEquals(Path.of("/etc/pki/CA/cacert.pem"), c.caFile());
        assertEquals(Path.of("/etc/pki/CA/cacrl.pem"), c.crlFile());
        assertEquals(Path.of("/etc/pki/libvirt/servercert.pem"), c.certFile());
        assertEquals(Path.of("/etc/pki/libvirt/private/serverkey.pem"), c.keyFile());
        assertTrue(c.sanityCheck() && c.requireValidCert());
        assertNull(c.allowedDnList());
    }

    @Test
    void otherUsersPreferTheirOwnPkiFolderFileByFile() throws Exception {
        Path pki = Files.createDirectories(home.resolve(".pki/libvirt"));
        Files.writeString(pki.resolve("cacert.pem"), "x");
        Files.writeString(pki.resolve("servercert.pem"), "x"); // no serverkey.pem: the pair stays global
        TlsContext.Config c = TlsSetup.locate(new DaemonConfig(), false, home);
        assertEquals(pki.resolve("cacert.pem"), c.caFile());
        assertEquals(Path.of("/etc/pki/CA/cacrl.pem"), c.crlFile());
        assertEquals(Path.of("/etc/pki/libvirt/servercert.pem"), c.certFile());
        Files.writeString(pki.resolve("serverkey.pem"), "x");
        c = TlsSetup.locate(new DaemonConfig(), false, home);
        assertEquals(pki.resolve("servercert.pem"), c.certFile());
        assertEquals(pki.resolve("serverkey.pem"), c.keyFile());
    }

    @Test
    void configuredFilesComeAsASetOfThree() throws Exception {
        DaemonConfig d = new DaemonConfig();
        d.certFile = "/x/cert.pem";
        assertEquals("No CA certificate path set to match server key/cert",
                assertThrows(TlsConfigException.class, () -> TlsSetup.locate(d, true, home)).getMessage());
        d.caFile = "/x/ca.pem";
        assertEquals("No server key path set to match server cert",
                assertThrows(TlsConfigException.class, () -> TlsSetup.locate(d, true, home)).getMessage());
        d.keyFile = "/x/key.pem";
        d.tlsNoSanityCertificate = true;
        d.tlsNoVerifyCertificate = true;
        d.tlsAllowedDnList = List.of("CN=*");
        TlsContext.Config c = TlsSetup.locate(d, true, home);
        assertEquals(Path.of("/x/ca.pem"), c.caFile());
        assertNull(c.crlFile(), "crl_file only when set");
        assertEquals(List.of("CN=*"), c.allowedDnList());
        assertTrue(!c.sanityCheck() && !c.requireValidCert());
    }

    @Test
    void withoutAskingForTlsMissingCertificatesMeanNoTlsListener() throws Exception {
        DaemonConfig d = new DaemonConfig();
        d.caFile = home.resolve("ca.pem").toString();
        d.certFile = home.resolve("cert.pem").toString();
        d.keyFile = home.resolve("key.pem").toString();
        d.tlsRequested = false;
        assertNull(TlsSetup.serverContext(d, TlsSetup.newTaskExecutor()));
        d.tlsRequested = true;
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> TlsSetup.serverContext(d, TlsSetup.newTaskExecutor()));
        assertTrue(e.getMessage().contains(home.resolve("ca.pem").toString()), e.getMessage());
    }
}
