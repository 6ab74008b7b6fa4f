package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * virsh's {@code --validate} against the daemon: schema-invalid XML is refused with libvirtd
 * 9.0's error (the two lines virsh prints, as libvirtd's run gives them, then one line naming
 * the problem, whose wording is the validator's), valid XML goes through, and without the
 * schemas the call fails with an error naming the missing folder. Passes against libvirtd too
 * ({@code -Djvirtd.it.command=.../libvirtd-wrapper.sh}), except the missing-folder case, which
 * needs jvirtd's schema folder setting.
 */
@RequiresTools(Tool.VIRSH)
class ValidateIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String SCHEMAS = "/usr/share/libvirt/schemas/";
    private static final String INVALID = "error: XML document failed to validate against schema: "
            + "Unable to validate doc against " + SCHEMAS;

    private static DaemonProcess daemon;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startDaemon() throws IOException {
        daemon = DaemonProcess.start();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Exec.Result virsh(DaemonProcess d, String command, String xml) throws IOException {
        Path file = tmp.resolve("in.xml");
        Files.writeString(file, xml);
        Exec.Result r = Exec.run(TIMEOUT, null, InteropEnvironment.virsh().toString(), "-c",
                "test+unix:///default?socket=" + d.rwSocket(), command.replace("FILE", file.toString()));
        assertFalse(r.timedOut(), "virsh hung\n" + r.describe() + "\n=== daemon\n" + d.describe());
        return r;
    }

    /**
     * virsh failed with {@code header} (virsh's own line, or null where it prints none),
     * libvirtd's message line, and one line of detail.
     */
    private static void assertRefused(Exec.Result r, String header, String schema) {
        List<String> lines = r.stderr().strip().lines().toList();
        String why = r.describe() + "\n=== daemon\n" + daemon.describe();
        int first = header == null ? 0 : 1;
        assertEquals(1, r.exitCode(), why);
        assertEquals(first + 2, lines.size(), why);
        if (header != null) {
            assertEquals(header, lines.get(0), why);
        }
        assertEquals(INVALID + schema, lines.get(first), why);
        assertFalse(lines.get(first + 1).isBlank(), why);
    }

    @Test
    void defineRefusesAnUnknownElement() throws IOException {
        Exec.Result r = virsh(daemon, "define --validate FILE", "<domain type='test'><name>v1</name>"
                + "<memory>8192</memory><os><type>hvm</type></os><bogus/></domain>");
        assertRefused(r, "error: Failed to define domain from " + tmp.resolve("in.xml"), "domain.rng");
        assertTrue(r.stderr().contains("bogus"), r.describe());
    }

    @Test
    void defineWithoutValidateIgnoresTheUnknownElement() throws IOException {
        Exec.Result r = virsh(daemon, "define FILE", "<domain type='test'><name>v2</name>"
                + "<memory>8192</memory><os><type>hvm</type></os><bogus/></domain>");
        assertEquals(0, r.exitCode(), r.describe());
    }

    @Test
    void defineAcceptsAValidDocument() throws IOException {
        Exec.Result r = virsh(daemon, "define --validate FILE", "<domain type='test'><name>v3</name>"
                + "<memory>8192</memory><os><type>hvm</type></os></domain>");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals("Domain 'v3' defined from " + tmp.resolve("in.xml"), r.stdout().strip(), r.describe());
    }

    @Test
    void createRefusesABadAttributeValue() throws IOException {
        Exec.Result r = virsh(daemon, "create --validate FILE", "<domain type='nope'><name>v4</name>"
                + "<memory>8192</memory><os><type>hvm</type></os></domain>");
        assertRefused(r, "error: Failed to create domain from " + tmp.resolve("in.xml"), "domain.rng");
    }

    @Test
    void theOtherObjectsValidateToo() throws IOException {
        assertRefused(virsh(daemon, "net-define --validate FILE", "<network><name>n1</name><foo/></network>"),
                "error: Failed to define network from " + tmp.resolve("in.xml"), "network.rng");
        assertRefused(virsh(daemon, "pool-define --validate FILE",
                "<pool type='dir'><name>p1</name><target><path>/tmp/p1</path></target><foo/></pool>"),
                "error: Failed to define pool from " + tmp.resolve("in.xml"), "storagepool.rng");
        assertRefused(virsh(daemon, "snapshot-create test --validate --xmlfile FILE",
                "<domainsnapshot><name>s1</name><foo/></domainsnapshot>"),
                null, "domainsnapshot.rng");
        // checkpoint XML is checked always, as libvirt does
        Exec.Result r = virsh(daemon, "checkpoint-create test --xmlfile FILE",
                "<domaincheckpoint><name>c1</name><foo/></domaincheckpoint>");
        assertRefused(r, null, "domaincheckpoint.rng");
        r = virsh(daemon, "net-define --validate FILE", "<network><name>n2</name></network>");
        assertEquals(0, r.exitCode(), r.describe());
    }

    @Test
    void withoutTheSchemasValidateFailsNamingTheMissingFolder() throws IOException {
        Assumptions.assumeTrue(DaemonProcess.runsJar(), "the schema folder is jvirtd's setting");
        Path missing = tmp.resolve("no-schemas");
        try (DaemonProcess d = DaemonProcess.builder().jvmOptions("-Djvirtd.schema.dir=" + missing).start()) {
            Exec.Result r = virsh(d, "define --validate FILE", "<domain type='test'><name>v5</name>"
                    + "<memory>8192</memory><os><type>hvm</type></os></domain>");
            assertEquals(1, r.exitCode(), r.describe());
            assertEquals(List.of("error: Failed to define domain from " + tmp.resolve("in.xml"),
                    "error: internal error: Unable to parse RNG " + missing.resolve("domain.rng") + ": the schema folder "
                            + missing + " does not exist (libvirt's RELAX NG schemas, installed by Debian's libvirt0"
                            + " package)"), r.stderr().strip().lines().toList(), r.describe());
            // and nothing was defined
            r = virsh(d, "domstate v5", "");
            assertEquals(1, r.exitCode(), r.describe());
        }
    }
}
