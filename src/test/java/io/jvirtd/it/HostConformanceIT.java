package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Runs the virsh conformance cases (src/test/resources/conformance, the answers libvirtd 9.0
 * gave) with the stock virsh against the daemon over TCP with a private test-driver node file,
 * and requires every selected case to pass.
 */
class HostConformanceIT {

    /**
     * Which cases of public.cmds must give libvirtd's answers (a regex on the case name, as the
     * runner's ONLY). Widen this as the daemon grows; "." selects every case.
     */
    static final String CASES = "^host-";

    @Test
    void virshCasesGiveLibvirtdAnswers() throws IOException {
        Path virsh = InteropEnvironment.virsh();
        InteropEnvironment.python3();
        Path conf = InteropEnvironment.conformanceDir();
        Path runner = conf.resolve("virsh/run-virsh-conformance.sh");
        Path cmds = conf.resolve("virsh/public.cmds");
        Path golden = conf.resolve("virsh/golden/public");
        List<String> expected = selectedCases(cmds, CASES);
        assertFalse(expected.isEmpty(), "no case matches " + CASES);

        try (DaemonProcess d = DaemonProcess.start()) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + conf.resolve("testdefault.xml");
            Exec.Result r = Exec.run(Duration.ofSeconds(60 + 30L * expected.size()),
                    Map.of("ONLY", CASES, "VIRSH", virsh.toString(), "CASE_TIMEOUT", "30"),
                    "bash", runner.toString(), uri, cmds.toString(), golden.toString());
            String why = r.describe() + "\n=== daemon\n" + d.describe();
            assertFalse(r.timedOut(), "conformance runner timed out\n" + why);
            for (String name : expected) {
                assertTrue(r.stdout().lines().anyMatch(l -> l.equals("PASS " + name)),
                        "case " + name + " did not pass\n" + why);
            }
            assertTrue(r.stdout().contains(expected.size() + " passed, 0 failed"),
                    "expected " + expected.size() + " passed, 0 failed\n" + why);
            assertEquals(0, r.exitCode(), why);
        }
    }

    /** Case names of {@code cmds} matched by {@code only}, the way the runner selects them. */
    static List<String> selectedCases(Path cmds, String only) throws IOException {
        Pattern p = Pattern.compile(only);
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(cmds)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || !t.contains("::")) {
                continue;
            }
            String name = t.substring(0, t.indexOf("::")).strip();
            if (p.matcher(name).find()) {
                names.add(name);
            }
        }
        return names;
    }
}
