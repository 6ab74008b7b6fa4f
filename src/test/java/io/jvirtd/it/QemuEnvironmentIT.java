package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The environment a guest's QEMU runs with and the head of its log, as libvirt 9.0's QEMU driver
 * gives them: only LC_ALL=C and the variables virCommandAddEnvPassCommon passes on, HOME and the
 * XDG folders inside the domain's folder for a root daemon (libvirtd's log of the same guest
 * starts "LC_ALL=C PATH=... HOME=/var/lib/libvirt/qemu/domain-ID-NAME XDG_DATA_HOME=..."), never
 * the rest of the daemon's environment. Read from /proc/PID/environ of the running QEMU.
 */
class QemuEnvironmentIT {

    private static final Duration T = Duration.ofSeconds(60);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    private static String virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.ok(T, d, QemuTestRoot.tcpUri(d), args);
    }

    @Test
    void qemuGetsLibvirtsSmallEnvironmentNotTheDaemonsAndTheLogHeadSaysSo() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.start(DaemonProcess.builder().listen(true)
                .env("JVIRTD_TEST_SECRET", "s3cret").env("LANG", "de_DE.UTF-8")
                .env("USER", "envtest").env("LOGNAME", "envtest").env("TMPDIR", qemu.root().toString()));
        String name = "jvq-env";
        Path xml = qemu.root().resolve("env.xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><devices><memballoon model='none'/></devices></domain>");
        virsh(d, "define", xml.toString());
        virsh(d, "start", name);
        String id = virsh(d, "domid", name);
        Path domainDir = qemu.dir().resolve("lib/domain-" + id + "-" + name);
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> expected = new ArrayList<>(List.of("LC_ALL=C"));
        for (String passed : List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "PATH", "HOME")) {
            String v = System.getenv(passed); // the daemon inherits the test's environment
            if (v != null) {
                expected.add(passed + "=" + (passed.equals("HOME") && root ? domainDir : v));
            }
        }
        expected.addAll(List.of("USER=envtest", "LOGNAME=envtest", "TMPDIR=" + qemu.root()));
        if (root && System.getenv("HOME") == null) { // virCommandAddEnv appends a variable not yet there
            expected.add("HOME=" + domainDir);
        }
        if (root) {
            expected.add("XDG_DATA_HOME=" + domainDir + "/.local/share");
        }
        expected.add("XDG_CACHE_HOME=" + domainDir + "/.cache");
        if (root) {
            expected.add("XDG_CONFIG_HOME=" + domainDir + "/.config");
        }

        long pid = qemu.pid(name);
        String environ = Files.readString(Path.of("/proc/" + pid + "/environ"), StandardCharsets.UTF_8);
        // as a set: the JDK hands the variables to execve in its own order (libvirt's is in the log)
        assertEquals(new TreeSet<>(expected), new TreeSet<>(List.of(environ.split("\0"))), "QEMU " + pid + "'s environment");

        List<String> log = Files.readAllLines(qemu.dir().resolve("log/" + name + ".log"));
        assertTrue(log.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000: starting up libvirt"
                + " version: 9\\.0\\.0, package: jvirtd, qemu version: \\d+\\.\\d+\\.\\d+\\S.*, kernel: \\S+,"
                + " hostname: \\S+"), log.get(0));
        List<String> head = new ArrayList<>();
        for (String e : expected) {
            int eq = e.indexOf('=');
            String v = e.substring(eq + 1);
            head.add(e.substring(0, eq + 1) + (v.matches("[^ !\"#$&'()*;<>?\\[\\\\\\]^`{|}~]*") ? v
                    : "'" + v.replace("'", "'\\''") + "'") + " \\");
        }
        assertEquals(head, log.subList(1, 1 + head.size()), "the environment lines at the head of the log");
        assertTrue(log.get(1 + head.size()).endsWith("qemu-system-x86_64 \\"), log.get(1 + head.size()));

        String argv = virsh(d, "domxml-to-native", "qemu-argv", xml.toString());
        assertTrue(argv.startsWith("LC_ALL=C "), argv);
        if (root) {
            assertTrue(argv.contains(" HOME=" + qemu.dir().resolve("lib/domain--1-" + name) + " "), argv);
        }
        assertTrue(!argv.contains("JVIRTD_TEST_SECRET") && !argv.contains("LANG="), argv);
        virsh(d, "destroy", name);
        virsh(d, "undefine", name);
    }
}
