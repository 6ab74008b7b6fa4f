package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Every python3-libvirt conformance scenario (src/test/resources/conformance/python), run with
 * Debian's /usr/bin/python3 against the daemon over TCP with a private test-driver host per
 * connection; each must print what it printed against libvirtd 9.0.
 */
class PythonConformanceIT {

    @Test
    void pythonScenariosGiveLibvirtdAnswers() throws IOException {
        Path python = InteropEnvironment.pythonWithLibvirt();
        Path conf = InteropEnvironment.conformanceDir();
        Path runner = conf.resolve("python/run-python-conformance.sh");
        Path scenarios = conf.resolve("python/public_scenarios.py");
        List<String> names = scenarioNames(scenarios);
        assertTrue(names.size() >= 14, "expected the 14 public scenarios, found " + names);

        try (DaemonProcess d = DaemonProcess.start()) {
            String uri = "test+tcp://127.0.0.1:" + d.port() + conf.resolve("testdefault.xml");
            Exec.Result r = Exec.run(Duration.ofSeconds(60 + 60L * names.size()),
                    Map.of("PYTHON", python.toString(), "SCENARIO_TIMEOUT", "60"),
                    "bash", runner.toString(), uri, scenarios.toString(),
                    conf.resolve("python/golden/public").toString());
            System.out.println("python conformance:\n" + r.stdout().lines()
                    .filter(l -> l.startsWith("PASS ") || l.startsWith("FAIL ") || l.matches("\\d+ passed, \\d+ failed"))
                    .map(l -> "  " + l + "\n").reduce("", String::concat));
            String why = r.describe() + "\n=== daemon\n" + d.describe();
            assertFalse(r.timedOut(), "python conformance runner timed out\n" + why);
            for (String name : names) {
                assertTrue(r.stdout().lines().anyMatch(l -> l.equals("PASS " + name)),
                        "scenario " + name + " did not pass: " + diffLines(r.stdout(), name) + "\n" + why);
            }
            assertTrue(r.stdout().contains(names.size() + " passed, 0 failed"), why);
        }
    }

    /** The scenario functions the file declares ({@code def scenario_NAME} or its golden files). */
    static List<String> scenarioNames(Path scenarios) throws IOException {
        List<String> out = new ArrayList<>();
        Path golden = scenarios.resolveSibling("golden/public");
        try (var files = java.nio.file.Files.list(golden)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".golden"))
                    .map(n -> n.substring(0, n.length() - ".golden".length())).sorted().forEach(out::add);
        }
        return out;
    }

    /** The -/+ lines of the runner's diff for {@code name} (hunk and file headers left out). */
    private static List<String> diffLines(String stdout, String name) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : stdout.lines().toList()) {
            if (l.startsWith("PASS ") || l.startsWith("FAIL ") || l.matches("\\d+ passed, \\d+ failed")) {
                in = l.equals("FAIL " + name);
                continue;
            }
            String t = l.strip();
            if (in && (t.startsWith("-") || t.startsWith("+")) && !t.startsWith("---") && !t.startsWith("+++")) {
                out.add(t);
            }
        }
        return out;
    }
}
