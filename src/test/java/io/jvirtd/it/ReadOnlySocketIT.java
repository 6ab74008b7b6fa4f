package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The read-only socket with the stock virsh: listing works, changing anything is refused with
 * libvirt's "operation forbidden" (the outputs are libvirtd 9.0's for the same commands). With
 * {@code -r} virsh refuses in its own library before asking; without it the daemon refuses,
 * because every connection on libvirt-sock-ro is read-only whatever the client asked for.
 */
@RequiresTools(Tool.VIRSH)
class ReadOnlySocketIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A private host: "busy" runs, "idle" is defined and shut off. */
    private static final String NODE = "<node>\n"
            + "  <cpu><mhz>6000</mhz><model>i686</model><active>2</active><total>2</total><nodes>1</nodes>"
            + "<sockets>1</sockets><cores>2</cores><threads>1</threads></cpu>\n"
            + "  <memory>8192000</memory>\n"
            + "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
            + "    <name>idle</name><memory>8192</memory><os><type>hvm</type></os>\n"
            + "    <test:runstate>5</test:runstate>\n"
            + "  </domain>\n"
            + "  <domain type='test'><name>busy</name><memory>8192</memory><os><type>hvm</type></os></domain>\n"
            + "</node>\n";

    private static DaemonProcess daemon;
    private static Path node;
    private static Path domainXml;

    @BeforeAll
    static void startDaemon() throws IOException {
        daemon = DaemonProcess.builder().conf("unix_sock_group", "\"nogroup\"")
                .conf("unix_sock_rw_perms", "\"0770\"").conf("unix_sock_ro_perms", "\"0775\"")
                .conf("unix_sock_admin_perms", "\"0700\"").start();
        node = daemon.dir().resolve("node.xml");
        Files.writeString(node, NODE);
        domainXml = daemon.dir().resolve("dom.xml");
        Files.writeString(domainXml, "<domain type='test'><name>rotest</name><memory>8192</memory>"
                + "<os><type>hvm</type></os></domain>\n");
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static Exec.Result virsh(boolean dashR, String... cmd) throws IOException {
        String uri = "test+unix://" + node + "?socket=" + daemon.roSocket();
        String[] argv = new String[cmd.length + (dashR ? 4 : 3)];
        int i = 0;
        argv[i++] = InteropEnvironment.virsh().toString();
        if (dashR) {
            argv[i++] = "-r";
        }
        argv[i++] = "-c";
        argv[i++] = uri;
        System.arraycopy(cmd, 0, argv, i, cmd.length);
        Exec.Result r = Exec.run(TIMEOUT, null, argv);
        assertFalse(r.timedOut(), r.describe());
        return r;
    }

    private static String why(Exec.Result r) {
        return r.describe() + "\n=== daemon\n" + daemon.describe();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void listWorks(boolean dashR) throws IOException {
        Exec.Result r = virsh(dashR, "list", "--all");
        assertEquals(0, r.exitCode(), why(r));
        assertTrue(r.stdout().contains("busy") && r.stdout().contains("running"), why(r));
        assertTrue(r.stdout().contains("idle") && r.stdout().contains("shut off"), why(r));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void defineStartDestroyAndUndefineAreForbidden(boolean dashR) throws IOException {
        assertForbidden(virsh(dashR, "define", domainXml.toString()),
                "error: Failed to define domain from " + domainXml, "virDomainDefineXML");
        assertForbidden(virsh(dashR, "start", "idle"), "error: Failed to start domain 'idle'", "virDomainCreate");
        assertForbidden(virsh(dashR, "destroy", "busy"), "error: Failed to destroy domain 'busy'", "virDomainDestroy");
        assertForbidden(virsh(dashR, "undefine", "idle"), "error: Failed to undefine domain 'idle'",
                "virDomainUndefineFlags");
        Exec.Result after = virsh(dashR, "list", "--all");
        assertTrue(after.stdout().contains("busy") && after.stdout().contains("running"), "nothing changed\n"
                + why(after));
    }

    private static void assertForbidden(Exec.Result r, String first, String api) {
        assertEquals(1, r.exitCode(), why(r));
        assertEquals(first + "\nerror: operation forbidden: read only access prevents " + api, r.stderr().strip(),
                why(r));
    }

    @Test
    void socketsCarryTheConfiguredModesAndGroup() throws IOException {
        assertEquals("rwxrwx---", mode(daemon.rwSocket()));
        assertEquals("rwxrwxr-x", mode(daemon.roSocket()));
        assertEquals("rwx------", mode(daemon.sockDir().resolve("libvirt-admin-sock")));
        for (Path p : new Path[] {daemon.rwSocket(), daemon.roSocket(), daemon.sockDir().resolve("libvirt-admin-sock")}) {
            assertEquals("nogroup", Files.getFileAttributeView(p, PosixFileAttributeView.class).readAttributes()
                    .group().getName(), p.toString());
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
