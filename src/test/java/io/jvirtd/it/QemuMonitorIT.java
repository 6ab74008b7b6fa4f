package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * libvirt's QEMU program (libvirt-qemu) on a real tiny guest through stock clients over
 * {@code qemu+tcp://127.0.0.1:PORT/system}: {@code virsh qemu-monitor-command} (QMP and
 * {@code --hmp}, {@code --pretty}, {@code --return-value}), the custom-monitor taint it leaves
 * ({@code virsh dominfo}'s Messages and the domain's log), {@code virsh qemu-monitor-event --loop}
 * showing QEMU's STOP after {@code suspend}, python's {@code libvirt_qemu} callbacks with their
 * filters (src/test/resources/it/qemu/monitor.py), and the errors of every call, which must be
 * what a private libvirtd 9.0 answered to the same script ({@code monitor-errors.txt}). The mock
 * host keeps answering NO_SUPPORT, as libvirt's test driver does.
 */
class QemuMonitorIT {

    private static final Duration T = Duration.ofSeconds(90);

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    private static Exec.Result virshResult(String uri, String... args) throws IOException {
        return Virsh.run(T, uri, args);
    }

    private static String virsh(DaemonProcess d, String... args) throws IOException {
        return Virsh.succeeded(virshResult(QemuTestRoot.tcpUri(d), args), d).stdout().strip();
    }

    private static Exec.Result python(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.pythonWithLibvirt().toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/monitor.py").toString()));
        cmd.addAll(List.of(args));
        return Exec.run(T, null, cmd.toArray(new String[0]));
    }

    private void startTiny(DaemonProcess d, String name) throws Exception {
        Path xml = qemu.root().resolve(name + ".xml");
        Path serial = qemu.root().resolve(name + "-serial.log");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><on_poweroff>destroy</on_poweroff><devices>"
                + "<serial type='pty'><log file='" + serial + "' append='off'/><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console></devices></domain>");
        virsh(d, "define", xml.toString());
        virsh(d, "start", name);
        QemuDriverIT.awaitMarker(serial, TestGuests.BOOT_MARKER, 30);
    }

    @Test
    void monitorCommandsAnswerAndTaintTheDomain() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.startDaemon();
        String name = "jvq-mon";
        startTiny(d, name);
        // libvirtd's primary security driver is "none" (dac stacked behind it): dominfo then asks
        // for the domain's label too, which is empty. A root daemon running QEMU as root taints
        // every guest as it starts (qemuDomainObjCheckTaint), so its Messages say so at once.
        boolean root = "root".equals(System.getProperty("user.name"));
        String elevated = "tainted: running with undesirable elevated privileges";
        String info = virsh(d, "dominfo", name);
        assertTrue(info.endsWith("Managed save:   no\nSecurity model: none\nSecurity DOI:   0"
                + (root ? "\nMessages:       " + elevated : "")), info);
        assertTrue(!info.contains("custom monitor"), "no custom-monitor taint before any monitor command");

        String status = virsh(d, "qemu-monitor-command", name, "{\"execute\":\"query-status\"}");
        assertTrue(status.matches("\\{\"return\":\\{\"status\":\"running\",\"singlestep\":false,\"running\":true},"
                + "\"id\":\"libvirt-[0-9]+\"}"), status);
        assertEquals("{\"status\":\"running\",\"singlestep\":false,\"running\":true}",
                virsh(d, "qemu-monitor-command", name, "--return-value", "{\"execute\":\"query-status\"}"));
        String pretty = virsh(d, "qemu-monitor-command", name, "--pretty", "{\"execute\":\"query-status\"}");
        assertTrue(pretty.startsWith("{\n  \"return\": {\n    \"status\": \"running\","), pretty);
        assertEquals("VM status: running", virsh(d, "qemu-monitor-command", name, "--hmp", "info status"));

        virsh(d, "suspend", name);
        assertEquals("VM status: paused", virsh(d, "qemu-monitor-command", name, "--hmp", "info status"));
        virsh(d, "resume", name);

        // the taint: dominfo's Messages and one line in the domain's log, once per run
        assertTrue(virsh(d, "dominfo", name).contains("Messages:       tainted: custom monitor control commands issued"
                + (root ? "\n                " + elevated : "")), () -> "dominfo lacks the taint");
        String log = Files.readString(qemu.root().resolve("qemu/log/" + name + ".log"), StandardCharsets.UTF_8);
        List<String> taints = log.lines().filter(l -> l.endsWith(": Domain id=1 is tainted: custom-monitor")).toList();
        assertEquals(1, taints.size(), log);
        assertTrue(taints.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000: .*"), taints.get(0));
        // libvirtd's log: the high-privileges line right after QEMU's command line (its lines
        // end in a backslash but the last), before anything QEMU itself prints
        List<String> lines = log.lines().toList();
        int cmdEnd = 1;
        while (cmdEnd < lines.size() && lines.get(cmdEnd).endsWith(" \\")) {
            cmdEnd++;
        }
        assertTrue(cmdEnd + 1 < lines.size(), log);
        assertEquals(root, lines.get(cmdEnd + 1).matches("\\d{4}-.*: Domain id=1 is tainted: high-privileges"), log);

        // virsh refuses --pass-fds itself: this daemon offers no FD passing
        Exec.Result fds = virshResult(QemuTestRoot.tcpUri(d), "qemu-monitor-command", name, "--pass-fds", "0",
                "{\"execute\":\"query-status\"}");
        assertEquals(1, fds.exitCode(), fds::describe);
        assertTrue(fds.stderr().contains("fd passing is not supported by this connection"), fds::describe);
        Exec.Result agent = virshResult(QemuTestRoot.tcpUri(d), "qemu-agent-command", name, "{\"execute\":\"guest-ping\"}");
        assertEquals("error: argument unsupported: QEMU guest agent is not configured", agent.stderr().strip(),
                agent::describe);
        Exec.Result attach = virshResult(QemuTestRoot.tcpUri(d), "qemu-attach", "1234");
        assertEquals("error: Failed to attach to pid 1234\nerror: this function is not supported by the connection "
                + "driver: virDomainQemuAttach", attach.stderr().strip(), attach::describe);

        // the taint is in the status file, so a daemon killed and started again still shows it,
        // without a second line in the domain's log (libvirt reads it back quietly)
        assertTrue(Files.readString(qemu.dir().resolve("run/" + name + ".xml"))
                .contains("\n  <taint flag='custom-monitor'/>\n"), "status file lacks the taint");
        ProcessHandle.of(d.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
        d.awaitExit(Duration.ofSeconds(20));
        d = qemu.startDaemon();
        assertTrue(virsh(d, "dominfo", name).contains("Messages:       tainted: custom monitor control commands issued"),
                "dominfo lacks the taint after a restart");
        log = Files.readString(qemu.root().resolve("qemu/log/" + name + ".log"), StandardCharsets.UTF_8);
        assertEquals(1, log.lines().filter(l -> l.endsWith(" is tainted: custom-monitor")).count(), log);

        // a new run is not tainted
        virsh(d, "destroy", name);
        virsh(d, "start", name);
        assertTrue(!virsh(d, "dominfo", name).contains("custom monitor"), "the taint outlived the run");
        virsh(d, "destroy", name);
        virsh(d, "undefine", name);
        qemu.assertNothingLeft();
    }

    @Test
    void monitorEventsReachVirshAndPythonAndErrorsAreLibvirtds() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.startDaemon();
        String name = "mon1"; // the name monitor-errors.txt was recorded with
        startTiny(d, name);
        String uri = QemuTestRoot.tcpUri(d);

        // virsh qemu-monitor-event --loop: suspend and resume until it has shown a STOP (it
        // registers a few ms after it starts; the first round is normally enough)
        Process ev = new ProcessBuilder(InteropEnvironment.virsh().toString(), "-c", uri, "qemu-monitor-event",
                name, "--loop", "--event", "STOP", "--timeout", "60").redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(ev.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
        });
        reader.start();
        String stop = null;
        try {
            for (int round = 0; round < 10 && stop == null; round++) {
                virsh(d, "suspend", name);
                virsh(d, "resume", name);
                String l = lines.poll(3, TimeUnit.SECONDS);
                while (l != null && stop == null) {
                    if (l.startsWith("event ")) {
                        stop = l;
                    }
                    l = stop == null ? lines.poll(100, TimeUnit.MILLISECONDS) : null;
                }
            }
        } finally {
            ev.destroy();
            ev.waitFor(10, TimeUnit.SECONDS);
            reader.join(10_000);
        }
        assertTrue(stop != null && stop.matches("event STOP at \\d+\\.\\d{6} for domain '" + name + "': <null>"),
                "virsh qemu-monitor-event showed " + stop + " / " + lines);
        assertTrue(lines.stream().noneMatch(l -> l.contains("RESUME")), () -> "the STOP filter let through " + lines);

        Exec.Result events = python("events", uri, name);
        assertEquals(0, events.exitCode(), () -> events.describe() + "\n" + d.describe());
        assertEquals("ok stop " + name + " details=None\nok resu RESUME\nok order STOP,lifecycle-3,RESUME,lifecycle-4",
                events.stdout().strip(), events::describe);

        Exec.Result errors = python("errors", uri, name);
        assertEquals(0, errors.exitCode(), () -> errors.describe() + "\n" + d.describe());
        String expected = Files.readAllLines(InteropEnvironment.baseDir()
                .resolve("src/test/resources/it/qemu/monitor-errors.txt"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n"));
        assertEquals(expected.strip(), errors.stdout().strip());

        // the mock host answers as libvirt's test driver, which has none of these APIs
        String mock = "test+tcp://127.0.0.1:" + d.port() + "/default";
        Exec.Result m = virshResult(mock, "qemu-monitor-command", "test", "{\"execute\":\"query-status\"}");
        assertEquals("error: this function is not supported by the connection driver: virDomainQemuMonitorCommand",
                m.stderr().strip(), m::describe);

        virsh(d, "destroy", name);
        virsh(d, "undefine", name);
        qemu.assertNothingLeft();
    }
}
