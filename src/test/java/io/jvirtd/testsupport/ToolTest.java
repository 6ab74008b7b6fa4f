package io.jvirtd.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a test does when a tool is missing: the CI flag, the PATH lookup, and the TLS test
 * classes run for real in a child JVM whose PATH lacks certtool and openssl, once without CI
 * (each class skipped, nothing failing: before this, NetServerTlsTest's tear-down threw
 * NullPointerException six times) and once with CI=1 (each class fails with one line).
 */
class ToolTest {

    /** The classes whose set-up makes a PKI with certtool and openssl. */
    private static final List<String> TLS_CLASSES = List.of(
            "io.jvirtd.rpc.server.NetServerTlsTest",
            "io.jvirtd.rpc.tls.TlsContextTest",
            "io.jvirtd.rpc.tls.TlsSessionTest");

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "1", " true\n"})
    void trueOrOneIsCi(String value) {
        assertTrue(Tool.isCi(value), value);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "0", "false", "no", "yes", "2", "truthy"})
    void anythingElseIsNoCi(String value) {
        assertFalse(Tool.isCi(value), String.valueOf(value));
    }

    @Test
    void aToolIsTheFirstExecutableOnPath(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("certtool"), "not executable");
        Path exe = Files.writeString(b.resolve("certtool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of(exe), Tool.onPath("certtool", a + ":" + b));
        assertEquals(Optional.empty(), Tool.onPath("certtool", a.toString()));
        assertEquals(Optional.empty(), Tool.onPath("certtool", ""));
        assertEquals(Optional.empty(), Tool.onPath("certtool", null));
    }

    @Test
    void scriptsTestInstallsEveryToolsPackage() throws IOException {
        Matcher m = Pattern.compile("(?m)^packages=\\(([^)]*)\\)").matcher(Files.readString(Path.of("scripts/test")));
        assertTrue(m.find(), "scripts/test lists its packages as packages=(...)");
        List<String> installed = Arrays.asList(m.group(1).trim().split("\\s+"));
        for (Tool t : Tool.values()) {
            assertTrue(installed.contains(t.debianPackage()), t + ": " + t.debianPackage() + " not in " + installed);
        }
    }

    @Test
    void withoutCerttoolTheTlsClassesAreSkippedOutsideCi(@TempDir Path emptyPath) throws Exception {
        List<String[]> events = runInChildJvm(emptyPath, null);
        for (String c : TLS_CLASSES) {
            assertEquals("SKIPPED", statusOf(events, c), c + "\n" + show(events));
            assertEquals("certtool is not installed (Debian: apt-get install gnutls-bin); test skipped"
                    + " (under CI=true it fails)", reasonOf(events, c));
        }
        assertTrue(events.stream().noneMatch(e -> e[0].equals("FAILED")), show(events));
    }

    @Test
    void withoutCerttoolTheTlsClassesFailWithOneLineUnderCi(@TempDir Path emptyPath) throws Exception {
        List<String[]> events = runInChildJvm(emptyPath, "1");
        for (String c : TLS_CLASSES) {
            assertEquals("FAILED", statusOf(events, c), c + "\n" + show(events));
            assertEquals("org.opentest4j.AssertionFailedError: CI=1 and certtool is not installed"
                    + " (Debian: apt-get install gnutls-bin)", reasonOf(events, c));
        }
        assertTrue(events.stream().noneMatch(e -> e[0].equals("SUCCESSFUL")), show(events));
    }

    /** Runs the TLS classes with PATH = {@code path} and CI = {@code ci} (null: unset). */
    private static List<String[]> runInChildJvm(Path path, String ci) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-ea",
                "-cp", System.getProperty("java.class.path"), RunTestClasses.class.getName()));
        cmd.addAll(TLS_CLASSES);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("PATH", path.toString());
        env.remove("CI");
        if (ci != null) {
            env.put("CI", ci);
        }
        Path stderr = Files.createTempFile("jvirtd-tooltest", ".stderr");
        try {
            pb.redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), "child JVM\n" + out + Files.readString(stderr));
            List<String[]> events = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isEmpty()) {
                    events.add(line.split("\t", 3));
                }
            }
            assertFalse(events.isEmpty(), "child JVM ran nothing\n" + Files.readString(stderr));
            return events;
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    private static String[] classEvent(List<String[]> events, String className) {
        String suffix = "/[class:" + className + "]";
        return events.stream().filter(e -> e[1].endsWith(suffix)).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome for " + className + "\n" + show(events)));
    }

    private static String statusOf(List<String[]> events, String className) {
        return classEvent(events, className)[0];
    }

    private static String reasonOf(List<String[]> events, String className) {
        return classEvent(events, className)[2];
    }

    private static String show(List<String[]> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(String.join(" | ", e)).append('\n'));
        return sb.toString();
    }
}
