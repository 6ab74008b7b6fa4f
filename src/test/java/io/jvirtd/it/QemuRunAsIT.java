package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;
import io.jvirtd.model.UnixAccounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who QEMU runs as (qemu.conf's {@code user} and {@code group}, jvirtd.conf's {@code qemu_user}
 * and {@code qemu_group}), seen where a host administrator sees it: the QEMU process's ids in
 * {@code /proc/PID/status}. Unset: the daemon's user. Set, with the daemon root: the configured
 * user and group, and the guest still boots (the serial log QEMU opened has its marker), answers
 * its monitor (suspend, resume) and leaves nothing behind when destroyed. An unknown user stops
 * the daemon's start with libvirt's message. Needs root (a user cannot run a process as another).
 */
class QemuRunAsIT {

    private static final Duration T = Duration.ofSeconds(60);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    private static void requireRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI runs the QEMU tests as root; this one needs it");
        }
        Assumptions.assumeTrue(root, "running QEMU as another user needs a daemon running as root");
    }

    private DaemonProcess daemon(String... conf) throws IOException {
        DaemonProcess.Builder b = DaemonProcess.builder().listen(true);
        for (int i = 0; i < conf.length; i += 2) {
            b.conf(conf[i], "\"" + conf[i + 1] + "\"");
        }
        return qemu.start(b);
    }

    private List<String> virsh(DaemonProcess d, String commands) throws IOException {
        Exec.Result r = Exec.run(T, null, InteropEnvironment.virsh().toString(), "-q", "-c",
                "qemu+tcp://127.0.0.1:" + d.port() + "/system", commands);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + d.describe());
        assertEquals("", r.stderr().strip(), () -> r.describe() + "\n" + d.describe());
        return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private Path defineXml(String name) throws IOException {
        Path xml = qemu.root().resolve(name + ".xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><devices><serial type='pty'><log file='"
                + serialLog(name) + "' append='off'/><target port='0'/></serial><console type='pty'>"
                + "<target type='serial' port='0'/></console><memballoon model='virtio'/></devices></domain>");
        return xml;
    }

    private Path serialLog(String name) {
        return qemu.root().resolve(name + "-serial.log");
    }

    /** The real, effective, saved and filesystem ids of {@code field} ("Uid" or "Gid") of a process. */
    private static List<String> ids(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return List.of(line.substring(field.length() + 1).trim().split("\\s+"));
            }
        }
        throw new AssertionError("no " + field + " line for " + pid);
    }

    @Test
    void qemuRunsAsTheConfiguredUserAndGroupAndTheGuestWorks() throws Exception {
        requireRoot();
        TestGuests.qemu();
        Integer nobody = UnixAccounts.idOf("nobody", UnixAccounts.PASSWD);
        Integer nogroup = UnixAccounts.idOf("nogroup", UnixAccounts.GROUP);
        Assumptions.assumeTrue(nobody != null && nogroup != null, "this host has no nobody/nogroup accounts");
        // the group by number, as qemu.conf allows ("+N"), the user by name
        DaemonProcess d = daemon("qemu_user", "nobody", "qemu_group", "+" + nogroup);
        Path xml = defineXml("jvq-runas");
        virsh(d, "define " + xml + "; start jvq-runas");
        long pid = qemu.pid("jvq-runas");
        String u = String.valueOf(nobody);
        String g = String.valueOf(nogroup);
        assertEquals(List.of(u, u, u, u), ids(pid, "Uid"), "QEMU's user ids");
        assertEquals(List.of(g, g, g, g), ids(pid, "Gid"), "QEMU's group ids");
        QemuDriverIT.awaitMarker(serialLog("jvq-runas"), "TESTGUEST-BOOT-OK");
        assertEquals(List.of("paused (user)", "running (unpaused)"), virsh(d,
                "suspend jvq-runas; domstate --reason jvq-runas; resume jvq-runas; domstate --reason jvq-runas")
                .stream().filter(l -> !l.startsWith("Domain")).toList());
        assertTrue(virsh(d, "capabilities").stream().anyMatch(l -> l.contains(">+" + u + ":+" + g + "</baselabel>")),
                "the DAC label of the capabilities names QEMU's user and group");
        virsh(d, "destroy jvq-runas; undefine jvq-runas");
        qemu.assertNothingLeft();
    }

    @Test
    void unsetQemuRunsAsTheDaemonsUser() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = daemon();
        virsh(d, "define " + defineXml("jvq-own") + "; start jvq-own");
        long pid = qemu.pid("jvq-own");
        assertEquals(ids(d.pid(), "Uid"), ids(pid, "Uid"));
        assertEquals(ids(d.pid(), "Gid"), ids(pid, "Gid"));
        virsh(d, "destroy jvq-own; undefine jvq-own");
        qemu.assertNothingLeft();
    }

    @Test
    void anUnknownUserStopsTheDaemonsStartWithLibvirtsMessage() throws Exception {
        requireRoot();
        DaemonProcess d = qemu.configure(DaemonProcess.builder().listen(true))
                .conf("qemu_user", "\"jvirtd-no-such-user\"").launch();
        qemu.adopt(d);
        assertEquals(1, d.awaitExit(T), d::describe);
        assertTrue(d.stderr().contains("Failed to parse user 'jvirtd-no-such-user'"), d::describe);
    }
}
