package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.driver.qemu.TestGuests;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code virsh screenshot} and python3-libvirt's {@code dom.screenshot(stream, 0)} of a real
 * tiny guest with a {@code <video><model type='vga'/></video>}, over
 * {@code qemu+tcp://127.0.0.1:PORT/system}, held against what a private libvirtd 9.0 gave for the
 * same XML (recorded by hand with bench/qemu/private-libvirtd.sh, 2026-12-07): the video element
 * of the inactive and live XML; a PNG ("image/png": libvirt 9.0 asks QEMU 7.2's screendump for
 * png) of 720x400, 8-bit RGB (the VGA text mode the guest's console leaves), which the JDK's
 * decoder reads whole; the errors with libvirt's codes (shut off: "domain is not running",
 * VIR_FROM_DOMAIN; no video: "no screens to take screenshot from" and screen 1 of a one-head
 * video: "no such screen ID", VIR_FROM_QEMU; all VIR_ERR_OPERATION_INVALID). No temporary
 * screendump file is left in the run folder, and a restarted daemon reattached to the guest
 * still takes the picture.
 */
class QemuScreenshotIT {

    private static final Duration T = Duration.ofSeconds(90);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** libvirtd 9.0's inactive XML of the video (dumpxml --inactive after define). */
    private static final String VIDEO_INACTIVE = """
                <video>
                  <model type='vga' vram='16384' heads='1' primary='yes'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
                </video>
            """;
    /** ... and of the running guest. */
    private static final String VIDEO_LIVE = """
                <video>
                  <model type='vga' vram='16384' heads='1' primary='yes'/>
                  <alias name='video0'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
                </video>
            """;

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();

    @Test
    void screenshotOfAVgaGuestIsLibvirtdsPngAndErrorsAreLibvirtds() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.startDaemon();
        String uri = QemuTestRoot.tcpUri(d);
        define(d, "jvq-shot", "<video><model type='vga'/></video>");
        define(d, "jvq-noshot", "");
        assertEquals(VIDEO_INACTIVE, video(virsh(d, "dumpxml", "--inactive", "jvq-shot")));

        // shut off: libvirt checks the domain is active first
        Exec.Result off = virshResult(uri, "screenshot", "jvq-shot", qemu.root().resolve("off.png").toString());
        assertEquals("error: could not take a screenshot of jvq-shot\n"
                + "error: Requested operation is not valid: domain is not running", off.stderr().strip(),
                off::describe);
        assertEquals("error 55 20 Requested operation is not valid: domain is not running",
                python(uri, "jvq-shot", 0, qemu.root().resolve("off-py.png")));

        start(d, "jvq-shot");
        start(d, "jvq-noshot");
        assertEquals(VIDEO_LIVE, video(virsh(d, "dumpxml", "jvq-shot")));

        Path shot = qemu.root().resolve("shot.png");
        Exec.Result r = virshResult(uri, "screenshot", "jvq-shot", shot.toString());
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + d.describe());
        assertEquals("Screenshot saved to " + shot + ", with type of image/png", r.stdout().strip());
        assertLibvirtdsPicture(shot);

        Path pyShot = qemu.root().resolve("py.png");
        assertEquals("mime image/png", python(uri, "jvq-shot", 0, pyShot));
        assertLibvirtdsPicture(pyShot);

        Exec.Result screen1 = virshResult(uri, "screenshot", "jvq-shot", qemu.root().resolve("s1.png").toString(),
                "--screen", "1");
        assertEquals("error: could not take a screenshot of jvq-shot\n"
                + "error: Requested operation is not valid: no such screen ID", screen1.stderr().strip(),
                screen1::describe);
        assertEquals("error 55 10 Requested operation is not valid: no screens to take screenshot from",
                python(uri, "jvq-noshot", 0, qemu.root().resolve("none.png")));
        Exec.Result none = virshResult(uri, "screenshot", "jvq-noshot", qemu.root().resolve("none2.png").toString());
        assertEquals("error: could not take a screenshot of jvq-noshot\n"
                + "error: Requested operation is not valid: no screens to take screenshot from", none.stderr().strip(),
                none::describe);
        assertEquals(List.of(), screendumpFiles(), "temporary screendump files left behind");

        // reattached after a restart: the live XML keeps the video, the picture still comes
        d.sigterm();
        assertEquals(0, d.awaitExit(Duration.ofSeconds(20)), d::describe);
        DaemonProcess again = qemu.startDaemon();
        assertEquals(VIDEO_LIVE, video(virsh(again, "dumpxml", "jvq-shot")));
        Path after = qemu.root().resolve("after.png");
        assertEquals("mime image/png", python(QemuTestRoot.tcpUri(again), "jvq-shot", 0, after));
        assertLibvirtdsPicture(after);
        assertEquals(List.of(), screendumpFiles());

        virsh(again, "destroy", "jvq-shot");
        virsh(again, "destroy", "jvq-noshot");
        virsh(again, "undefine", "jvq-shot");
        virsh(again, "undefine", "jvq-noshot");
        qemu.assertNothingLeft();
    }

    /**
     * The other video models, answered as libvirtd 9.0 answered the same guests (recorded by hand
     * with scripts/capture-libvirtd-qemu-devices.sh --serve, 2026-12-07): a primary qxl and a
     * secondary one with two heads (screen 0 the VGA text console, 720x400; screen 1 the second
     * qxl, 640x480; screen 2 its second head, which QEMU refuses; screen 3 none), a vmvga
     * (720x400) and a ramfb (1024x768, the guest never set it up), each a PNG.
     */
    @Test
    void screenshotsOfQxlVmvgaAndRamfbGuestsAreLibvirtds() throws Exception {
        TestGuests.qemu();
        DaemonProcess d = qemu.startDaemon();
        String uri = QemuTestRoot.tcpUri(d);
        define(d, "jvq-qxl", "<video><model type='qxl'/></video><video><model type='qxl' heads='2'/></video>");
        define(d, "jvq-vmvga", "<video><model type='vmvga'/></video>");
        define(d, "jvq-ramfb", "<video><model type='ramfb'/></video>");
        for (String n : List.of("jvq-qxl", "jvq-vmvga", "jvq-ramfb")) {
            start(d, n);
        }
        assertPicture(uri, "jvq-qxl", 0, 720, 400);
        assertPicture(uri, "jvq-qxl", 1, 640, 480);
        assertShotFails(uri, "jvq-qxl", 2, "error: internal error: unable to execute QEMU command 'screendump': Device"
                + " video1 (head 1) is not bound to a QemuConsole");
        assertShotFails(uri, "jvq-qxl", 3, "error: Requested operation is not valid: no such screen ID");
        assertPicture(uri, "jvq-vmvga", 0, 720, 400);
        assertShotFails(uri, "jvq-vmvga", 1, "error: Requested operation is not valid: no such screen ID");
        assertPicture(uri, "jvq-ramfb", 0, 1024, 768);
        assertShotFails(uri, "jvq-ramfb", 1, "error: Requested operation is not valid: no such screen ID");
        assertEquals(List.of(), screendumpFiles(), "temporary screendump files left behind");
        for (String n : List.of("jvq-qxl", "jvq-vmvga", "jvq-ramfb")) {
            virsh(d, "destroy", n);
            virsh(d, "undefine", n);
        }
        qemu.assertNothingLeft();
    }

    private void assertPicture(String uri, String name, int screen, int width, int height) throws IOException {
        Path png = qemu.root().resolve(name + "-" + screen + ".png");
        Exec.Result r = virshResult(uri, "screenshot", name, png.toString(), "--screen", Integer.toString(screen));
        assertEquals("Screenshot saved to " + png + ", with type of image/png", r.stdout().strip(), r::describe);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "not a PNG the JDK can read");
        assertEquals(List.of(width, height), List.of(img.getWidth(), img.getHeight()), name + " screen " + screen);
    }

    private void assertShotFails(String uri, String name, int screen, String error) throws IOException {
        Exec.Result r = virshResult(uri, "screenshot", name, qemu.root().resolve("x.png").toString(), "--screen",
                Integer.toString(screen));
        assertEquals("error: could not take a screenshot of " + name + "\n" + error, r.stderr().strip(), r::describe);
    }

    /** What libvirtd 9.0 gave for this guest: a PNG, 720x400, bit depth 8, colour type 2 (RGB). */
    private static void assertLibvirtdsPicture(Path png) throws IOException {
        byte[] b = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(b, 8));
        ByteBuffer ihdr = ByteBuffer.wrap(b, 8, 25);
        assertEquals(13, ihdr.getInt());
        assertEquals("IHDR", new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII));
        ihdr.position(16);
        assertEquals(720, ihdr.getInt());
        assertEquals(400, ihdr.getInt());
        assertEquals(8, ihdr.get());
        assertEquals(2, ihdr.get());
        BufferedImage img = ImageIO.read(png.toFile()); // the whole image decodes (CRCs, zlib data)
        assertNotNull(img, "not a PNG the JDK can read");
        assertEquals(720, img.getWidth());
        assertEquals(400, img.getHeight());
    }

    private List<Path> screendumpFiles() throws IOException {
        try (Stream<Path> s = Files.walk(qemu.dir())) {
            return s.filter(p -> p.getFileName().toString().startsWith("qemu.screendump")).toList();
        }
    }

    /** The {@code <video>} elements of a domain XML. */
    private static String video(String xml) {
        StringBuilder b = new StringBuilder();
        boolean in = false;
        for (String line : xml.split("\n")) {
            in |= line.equals("    <video>");
            if (in) {
                b.append(line).append('\n');
            }
            in &= !line.equals("    </video>");
        }
        return b.toString();
    }

    private void define(DaemonProcess d, String name, String video) throws IOException {
        Path xml = qemu.root().resolve(name + ".xml");
        Path serial = qemu.root().resolve(name + "-serial.log");
        Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>16</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + TestGuests.tinyKernel()
                + "</kernel></os><features><acpi/></features><on_poweroff>destroy</on_poweroff><devices>"
                + "<serial type='pty'><log file='" + serial + "' append='off'/><target port='0'/></serial>"
                + "<console type='pty'><target type='serial' port='0'/></console>" + video + "</devices></domain>");
        virsh(d, "define", xml.toString());
    }

    /** Starts the guest and waits until its kernel has booted (the VGA text mode is set by then). */
    private void start(DaemonProcess d, String name) throws Exception {
        virsh(d, "start", name);
        QemuDriverIT.awaitMarker(qemu.root().resolve(name + "-serial.log"), TestGuests.BOOT_MARKER, 30);
    }

    private static Exec.Result virshResult(String uri, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(InteropEnvironment.virsh().toString(), "-c", uri));
        cmd.addAll(List.of(args));
        return Exec.run(T, null, cmd.toArray(new String[0]));
    }

    private static String virsh(DaemonProcess d, String... args) throws IOException {
        Exec.Result r = virshResult(QemuTestRoot.tcpUri(d), args);
        assertEquals(0, r.exitCode(), () -> r.describe() + "\n" + d.describe());
        return r.stdout();
    }

    private static String python(String uri, String name, int screen, Path out) throws IOException {
        Exec.Result r = Exec.run(T, null, InteropEnvironment.pythonWithLibvirt().toString(),
                InteropEnvironment.baseDir().resolve("src/test/resources/it/qemu/screenshot.py").toString(),
                uri, name, Integer.toString(screen), out.toString());
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stderr().isBlank(), r::describe);
        return r.stdout().strip();
    }
}
