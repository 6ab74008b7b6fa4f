package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * packaging/jvirtd-guests, the script of jvirtd-guests.service, against the mock host's
 * {@code test:///default} (whose "test" domain runs and can be saved): "stop" saves (managedsave)
 * or shuts down the running guests and lists them in its state file, "start" starts those again
 * unless ON_BOOT=ignore. The mock host lives as long as a connection holds it, so an interactive
 * virsh holds one for the whole test, as a host's other clients would.
 */
@RequiresTools(Tool.VIRSH)
class GuestsScriptIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Path SCRIPT = InteropEnvironment.baseDir().resolve("packaging/jvirtd-guests");

    private DaemonProcess daemon;
    private Process holder;
    private String uri;
    private Path state;

    @BeforeEach
    void start() throws IOException {
        daemon = DaemonProcess.builder().listen(false).start();
        uri = "test+unix:///default?socket=" + daemon.rwSocket();
        state = daemon.dir().resolve("guests-state");
        holder = new ProcessBuilder(InteropEnvironment.virsh().toString(), "-q", "-c", uri)
                .redirectErrorStream(true).start();
        Writer in = new java.io.OutputStreamWriter(holder.getOutputStream(), StandardCharsets.UTF_8);
        in.write("uri\n");
        in.flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.contains("test+unix:///default")) {
            // the banner-less prompt, then the URI once connected
        }
        assertTrue(line != null, "the holding virsh did not connect");
    }

    @AfterEach
    void stop() throws IOException {
        if (holder != null) {
            holder.getOutputStream().close(); // EOF: virsh quits
            holder.destroy();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void suspendSavesRunningGuestsAndBootStartsThemAgain() throws IOException {
        Exec.Result stop = guests("stop", "suspend", "start");
        assertEquals(0, stop.exitCode(), stop.describe());
        assertTrue(stop.stdout().contains(": saved test"), stop.describe());
        String info = virsh("dominfo", "test").stdout();
        assertTrue(info.matches("(?s).*State:\\s+shut off.*") && info.matches("(?s).*Managed save:\\s+yes.*"), info);
        assertTrue(Files.readString(state).startsWith(uri + " "), "the state file lists the saved guest");

        Exec.Result start = guests("start", "suspend", "start");
        assertEquals(0, start.exitCode(), start.describe());
        assertTrue(start.stdout().contains(": started test"), start.describe());
        assertEquals("running", virsh("domstate", "test").stdout().strip());
        assertFalse(Files.exists(state), "the state file goes once the guests are back");
    }

    @Test
    void shutdownShutsGuestsDownAndOnBootIgnoreLeavesThemOff() throws IOException {
        Exec.Result stop = guests("stop", "shutdown", "ignore");
        assertEquals(0, stop.exitCode(), stop.describe());
        assertTrue(stop.stdout().contains(": shutting down test"), stop.describe());
        assertEquals("shut off", virsh("domstate", "test").stdout().strip());

        Exec.Result start = guests("start", "shutdown", "ignore");
        assertEquals(0, start.exitCode(), start.describe());
        assertTrue(start.stdout().contains("ON_BOOT=ignore"), start.describe());
        assertEquals("shut off", virsh("domstate", "test").stdout().strip());
        assertFalse(Files.exists(state));
    }

    private Exec.Result guests(String action, String onShutdown, String onBoot) throws IOException {
        return Exec.run(TIMEOUT, Map.of("URIS", uri, "ON_SHUTDOWN", onShutdown, "ON_BOOT", onBoot,
                "SHUTDOWN_TIMEOUT", "60", "JVIRTD_GUESTS_STATE", state.toString()), SCRIPT.toString(), action);
    }

    private Exec.Result virsh(String... command) throws IOException {
        String[] cmd = new String[command.length + 4];
        cmd[0] = InteropEnvironment.virsh().toString();
        cmd[1] = "-q";
        cmd[2] = "-c";
        cmd[3] = uri;
        System.arraycopy(command, 0, cmd, 4, command.length);
        Exec.Result r = Exec.run(TIMEOUT, null, cmd);
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }
}
