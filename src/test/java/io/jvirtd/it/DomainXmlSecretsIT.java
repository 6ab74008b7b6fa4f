package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets in domain XML (network-source cookies, VNC/SPICE passwords) as libvirtd 9.0 guards them
 * with VIR_DOMAIN_XML_SECURE (issue 20): on the read-only socket they never appear, whatever the
 * flags, and asking for the flag gets libvirtd's "operation forbidden"; on the read-write socket
 * they appear only with {@code --security-info}. Every answer is compared with libvirtd's, recorded
 * from the real daemon over its own two sockets by {@code conformance/virsh/capture.sh secrets}.
 * Every secret in the test data contains {@value #MARK}.
 */
class DomainXmlSecretsIT {

    private static final String MARK = "SECRET";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static DaemonProcess daemon;
    private static Path conf;

    @BeforeAll
    static void startDaemon() throws IOException {
        InteropEnvironment.virsh();
        InteropEnvironment.python3();
        conf = InteropEnvironment.conformanceDir();
        daemon = DaemonProcess.start();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void theReadOnlySocketNeverShowsASecretAndRefusesTheFlagAsLibvirtd() throws IOException {
        List<Path> goldens = goldens("secrets-ro");
        assertTrue(goldens.size() >= 13, "secrets-ro goldens missing: " + goldens);
        for (Path g : goldens) {
            assertFalse(Files.readString(g).contains(MARK), "libvirtd's read-only answer holds a secret: " + g);
        }
        assertTrue(goldens.stream().filter(DomainXmlSecretsIT::isSecureFlagRefusal).count() >= 5,
                "the read-only goldens must include libvirtd's refusals of the secure flag");
        runCases("ro", daemon.roSocket());
    }

    @Test
    void theReadWriteSocketShowsSecretsOnlyWithSecurityInfoAsLibvirtd() throws IOException {
        List<Path> goldens = goldens("secrets-rw");
        assertTrue(goldens.size() >= 15, "secrets-rw goldens missing: " + goldens);
        long withSecrets = 0;
        for (Path g : goldens) {
            String text = Files.readString(g);
            String command = text.lines().findFirst().orElse("");
            if (!command.contains("--security-info") && !command.startsWith("$ virsh define")) {
                assertFalse(text.contains(MARK), "a secret without --security-info in " + g);
            } else if (text.contains(MARK)) {
                withSecrets++;
            }
        }
        assertTrue(withSecrets >= 6, "the --security-info goldens must show the secrets");
        runCases("rw", daemon.rwSocket());
    }

    /**
     * The shared host test:///default, changed through the read-write socket and read through the
     * read-only one while the writer stays connected (the shared host lives as long as a client
     * holds it, as libvirt's). Checkpoints cannot come from a node file, so this is the read-only
     * path to a checkpoint's copy of the definition. python3-libvirt holds both connections.
     */
    @Test
    void aDefinitionChangedOnTheWritableSocketKeepsItsSecretsFromReaders() throws IOException {
        String script = String.join("\n",
                "import sys, libvirt",
                "rw = libvirt.open('test+unix:///default?socket=' + sys.argv[1])",
                "d = rw.defineXML(open(sys.argv[3]).read()); d.create()",
                "d.checkpointCreateXML('<domaincheckpoint><name>c1</name></domaincheckpoint>')",
                "ro = libvirt.open('test+unix:///default?socket=' + sys.argv[2])",
                "rd = ro.lookupByName('cookiedef')",
                "for what, call, all_flags in (('domain', rd.XMLDesc, (0, 2, 1)),",
                "        ('checkpoint', rd.checkpointLookupByName('c1').getXMLDesc, (0, 1))):",
                "    for flags in all_flags:",
                "        try:",
                "            x = call(flags)",
                "            print(what, flags, 'xml', 'isos.example.org' in x, '" + MARK + "' in x)",
                "        except libvirt.libvirtError as e:",
                "            print(what, flags, 'error', e.get_error_code(), e.get_error_domain(), e.get_error_message())",
                "print('writer', '" + MARK + "' in d.checkpointLookupByName('c1').getXMLDesc(libvirt.VIR_DOMAIN_XML_SECURE))");
        Path py = daemon.dir().resolve("secrets.py");
        Files.writeString(py, script + "\n");
        Exec.Result r = Exec.run(TIMEOUT, null, InteropEnvironment.pythonWithLibvirt().toString(), py.toString(),
                daemon.rwSocket().toString(), daemon.roSocket().toString(),
                conf.resolve("virsh/fixtures/cookiedef.xml").toString());
        assertEquals(0, r.exitCode(), r.describe());
        // VIR_ERR_OPERATION_DENIED (29) from VIR_FROM_DOMAIN (20) / VIR_FROM_DOMAIN_CHECKPOINT (69), as libvirtd
        assertEquals(String.join("\n",
                "domain 0 xml True False",
                "domain 2 xml True False",
                "domain 1 error 29 20 operation forbidden: virDomainGetXMLDesc with secure flag",
                "checkpoint 0 xml True False",
                "checkpoint 1 error 29 69 operation forbidden: virDomainCheckpointGetXMLDesc with secure flag",
                "writer True"), r.stdout().strip(), r.describe());
    }

    private static void runCases(String side, Path socket) throws IOException {
        Path runner = conf.resolve("virsh/run-virsh-conformance.sh");
        Path cmds = conf.resolve("virsh/secrets-" + side + ".cmds");
        String uri = "test+unix://" + conf.resolve("virsh/secrets/node.xml") + "?socket=" + socket;
        Exec.Result r = Exec.run(Duration.ofMinutes(5),
                Map.of("VIRSH", InteropEnvironment.virsh().toString(), "CASE_TIMEOUT", "30"),
                "bash", runner.toString(), uri, cmds.toString(), conf.resolve("virsh/golden/secrets-" + side).toString());
        String why = r.describe() + "\n=== daemon\n" + daemon.describe();
        assertFalse(r.timedOut(), why);
        int cases = VirshConformanceIT.selectedCases(cmds, "^").size();
        assertTrue(r.stdout().contains(cases + " passed, 0 failed"), why);
        assertEquals(0, r.exitCode(), why);
    }

    private static List<Path> goldens(String set) throws IOException {
        try (Stream<Path> s = Files.list(conf.resolve("virsh/golden/" + set))) {
            return s.filter(p -> p.toString().endsWith(".golden")).sorted().toList();
        }
    }

    private static boolean isSecureFlagRefusal(Path g) {
        try {
            return Files.readString(g).contains("with secure flag");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
