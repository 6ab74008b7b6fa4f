package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an administrator installs, checked without touching the machine: the release archive the
 * build made, the Debian package scripts/build-deb makes from it (read with dpkg-deb and unpacked
 * with dpkg-deb -x into a temporary folder, never installed), the unpacked launcher running the
 * unpacked jar with the shipped config (only its socket folder moved to a temporary one) for a
 * stock virsh, the man page rendering, and systemd-analyze accepting every unit. The real
 * {@code apt install} is a manual check (docs/install.md).
 */
@RequiresTools({Tool.DPKG_DEB, Tool.VIRSH, Tool.MAN, Tool.GROFF, Tool.SYSTEMD_ANALYZE})
class PackagingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String VERSION = System.getProperty("jvirtd.version", "");
    private static final List<String> UNITS = List.of("jvirtd.service", "jvirtd.socket", "jvirtd-ro.socket",
            "jvirtd-admin.socket", "jvirtd-tcp.socket", "jvirtd-tls.socket", "jvirtd-guests.service");

    private static Path work;
    private static Path deb;
    private static Path root;

    @BeforeAll
    static void buildAndUnpack() throws IOException {
        assertTrue(!VERSION.isEmpty(), "failsafe passes the pom's version as jvirtd.version");
        work = Files.createTempDirectory("jvirtd-packaging");
        Path archive = InteropEnvironment.daemonJar().resolveSibling("jvirtd-" + VERSION + ".tar.gz");
        assertTrue(Files.isRegularFile(archive), "the build makes " + archive);
        Exec.Result built = Exec.run(TIMEOUT, Map.of("TMPDIR", work.toString()),
                InteropEnvironment.baseDir().resolve("scripts/build-deb").toString(), archive.toString());
        assertEquals(0, built.exitCode(), built.describe());
        deb = Path.of(built.stdout().strip());
        assertEquals("jvirtd_" + VERSION.replace('-', '~') + "_all.deb", deb.getFileName().toString());
        root = work.resolve("root");
        Exec.Result x = Exec.run(TIMEOUT, null, "dpkg-deb", "-x", deb.toString(), root.toString());
        assertEquals(0, x.exitCode(), x.describe());
    }

    @AfterAll
    static void clean() {
        if (work != null) {
            Exec.deleteTree(work);
        }
    }

    @Test
    void theArchiveHoldsAnInstallationInOneFolder() throws IOException {
        Path archive = InteropEnvironment.daemonJar().resolveSibling("jvirtd-" + VERSION + ".tar.gz");
        Exec.Result t = Exec.run(TIMEOUT, null, "tar", "-tvzf", archive.toString());
        assertEquals(0, t.exitCode(), t.describe());
        String top = "jvirtd-" + VERSION + "/";
        for (String f : List.of("jvirtd.jar", "jvm.options", "jvirtd.conf", "jvirtd.8", "LICENSE",
                "default/jvirtd", "default/jvirtd-guests", "logrotate/jvirtd")) {
            assertTrue(t.stdout().contains(" " + top + f + "\n"), f + " missing:\n" + t.stdout());
        }
        for (String unit : UNITS) {
            assertTrue(t.stdout().contains(" " + top + "systemd/" + unit + "\n"), unit + " missing:\n" + t.stdout());
        }
        for (String exe : List.of("jvirtd", "jvirtd-guests")) {
            assertTrue(t.stdout().lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(" " + top + exe)),
                    exe + " is not executable:\n" + t.stdout());
        }
    }

    @Test
    void thePackageDeclaresItsDependenciesAndConffiles() throws IOException {
        Map<String, String> expected = Map.of(
                "Package", "jvirtd",
                "Version", VERSION.replace('-', '~'),
                "Architecture", "all",
                "Depends", "default-jre-headless (>= 2:1.17) | java17-runtime-headless",
                "Recommends", "qemu-system-x86, qemu-utils, libvirt-clients");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Exec.Result f = Exec.run(TIMEOUT, null, "dpkg-deb", "--field", deb.toString(), e.getKey());
            assertEquals(e.getValue(), f.stdout().strip(), f.describe());
        }
        Exec.Result conffiles = Exec.run(TIMEOUT, null, "dpkg-deb", "--ctrl-tarfile", deb.toString());
        assertEquals(0, conffiles.exitCode());
        Path ctrl = work.resolve("control");
        Files.createDirectories(ctrl);
        Exec.Result e = Exec.run(TIMEOUT, null, "dpkg-deb", "-e", deb.toString(), ctrl.toString());
        assertEquals(0, e.exitCode(), e.describe());
        assertEquals(List.of("/etc/jvirtd/jvirtd.conf", "/etc/default/jvirtd", "/etc/default/jvirtd-guests",
                "/etc/logrotate.d/jvirtd"), Files.readAllLines(ctrl.resolve("conffiles")));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Exec.Result n = Exec.run(TIMEOUT, null, "sh", "-n", ctrl.resolve(script).toString());
            assertEquals(0, n.exitCode(), n.describe());
        }
    }

    @Test
    void thePackageInstallsWhereADaemonBelongs() throws IOException {
        Exec.Result c = Exec.run(TIMEOUT, null, "dpkg-deb", "--contents", deb.toString());
        assertEquals(0, c.exitCode(), c.describe());
        List<String> paths = new ArrayList<>(List.of("./usr/lib/jvirtd/jvirtd.jar", "./usr/lib/jvirtd/jvm.options",
                "./etc/jvirtd/jvirtd.conf", "./etc/logrotate.d/jvirtd", "./usr/share/man/man8/jvirtd.8.gz",
                "./usr/share/doc/jvirtd/copyright"));
        UNITS.forEach(u -> paths.add("./lib/systemd/system/" + u));
        for (String p : paths) {
            assertTrue(c.stdout().contains(" " + p + "\n"), p + " missing:\n" + c.stdout());
        }
        assertTrue(c.stdout().contains(" ./usr/sbin/jvirtd -> ../lib/jvirtd/jvirtd\n"), c.stdout());
        assertTrue(c.stdout().lines().anyMatch(l -> l.startsWith("-rwxr-xr-x root/root") && l.endsWith(" ./usr/lib/jvirtd/jvirtd")),
                c.stdout());
        // the shipped config is the sample, byte for byte
        assertEquals(Files.readString(InteropEnvironment.baseDir().resolve("packaging/jvirtd.conf")),
                Files.readString(root.resolve("etc/jvirtd/jvirtd.conf")));
    }

    @Test
    void theUnpackedLauncherPrintsThePomsVersion() throws IOException {
        Exec.Result v = Exec.run(TIMEOUT, launcherEnv(), root.resolve("usr/sbin/jvirtd").toString(), "--version");
        assertEquals(0, v.exitCode(), v.describe());
        assertEquals("jvirtd (jvirtd) " + VERSION + " (libvirt remote protocol 9.0.0)", v.stdout().strip());
        Exec.Result h = Exec.run(TIMEOUT, launcherEnv(), root.resolve("usr/sbin/jvirtd").toString(), "--help");
        assertTrue(h.stdout().contains("/etc/jvirtd/jvirtd.conf"), "--help names the default config file: " + h.describe());
    }

    @Test
    void theUnpackedDaemonStartsWithTheShippedConfigAndVirshAnswers() throws IOException {
        Path conf = work.resolve("jvirtd.conf");
        Files.writeString(conf, Files.readString(root.resolve("etc/jvirtd/jvirtd.conf"))
                + "\n# the test's own folders instead of /run/jvirtd and /etc/jvirtd/qemu\n"
                + "unix_sock_dir = \"" + work.resolve("sock") + "\"\nqemu_root = \"" + work.resolve("qemu") + "\"\n");
        DaemonProcess.Builder b = DaemonProcess.builder().listen(false).launcher(root.resolve("usr/sbin/jvirtd"))
                .args("-f", conf.toString());
        launcherEnv().forEach(b::env);
        try (DaemonProcess d = b.start()) {
            Exec.Result list = Exec.run(TIMEOUT, null, InteropEnvironment.virsh().toString(), "-c",
                    "test+unix:///default?socket=" + work.resolve("sock/libvirt-sock"), "list", "--all");
            assertEquals(0, list.exitCode(), list.describe());
            assertTrue(list.stdout().contains("test") && list.stdout().contains("running"), list.describe());
            String cmdline = Files.readString(Path.of("/proc", Long.toString(d.pid()), "cmdline")).replace('\0', ' ');
            assertTrue(cmdline.contains("-jar " + root.resolve("usr/lib/jvirtd/jvirtd.jar")),
                    "the launcher found the jar beside itself and exec'd java in place: " + cmdline);
        }
    }

    @Test
    void theManPageRendersWithoutWarnings() throws IOException {
        Path page = root.resolve("usr/share/man/man8/jvirtd.8.gz");
        Exec.Result man = Exec.run(TIMEOUT, Map.of("MANWIDTH", "80", "MAN_DISABLE_SECCOMP", "1"),
                "man", "-l", page.toString());
        assertEquals(0, man.exitCode(), man.describe());
        for (String section : List.of("NAME", "SYNOPSIS", "OPTIONS", "CONFIGURATION", "SOCKET ACTIVATION",
                "DROP-IN MODE", "SIGNALS", "EXIT STATUS", "FILES", "EXAMPLES")) {
            assertTrue(man.stdout().contains("\n" + section + "\n"), section + " missing:\n" + man.stdout());
        }
        assertTrue(man.stdout().contains("jvirtd " + VERSION), "the pom's version in the footer");
        Exec.Result groff = Exec.run(TIMEOUT, null, "sh", "-c",
                "gzip -dc \"$0\" | groff -man -Tutf8 -ww -z", page.toString());
        assertEquals(0, groff.exitCode(), groff.describe());
        assertEquals("", groff.stderr(), "roff warnings: " + groff.describe());
    }

    @Test
    void systemdAnalyzeAcceptsEveryUnit() throws IOException {
        // The units name /usr/sbin/jvirtd and /usr/lib/jvirtd/jvirtd-guests: point those at the
        // unpacked copies (nothing is installed), keep everything else as shipped.
        Path units = work.resolve("units");
        Files.createDirectories(units);
        for (String u : UNITS) {
            String text = Files.readString(root.resolve("lib/systemd/system/" + u))
                    .replace("/usr/sbin/jvirtd", root.resolve("usr/sbin/jvirtd").toString())
                    .replace("/usr/lib/jvirtd/", root.resolve("usr/lib/jvirtd") + "/");
            Files.writeString(units.resolve(u), text);
        }
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        try (Stream<Path> s = Files.list(units)) {
            s.sorted().forEach(p -> cmd.add(p.toString()));
        }
        Exec.Result v = Exec.run(TIMEOUT, null, cmd.toArray(String[]::new));
        assertEquals(0, v.exitCode(), v.describe());
        // it only warns about a bad setting (and ignores it): any output is a failure
        assertEquals("", v.stdout() + v.stderr(), v.describe());
    }

    /** The unpacked launcher on this JVM, without the class-data archive (its link leaves the folder). */
    private static Map<String, String> launcherEnv() {
        return Map.of("JAVA_HOME", System.getProperty("java.home"), "JVIRTD_CDS", "0");
    }
}
