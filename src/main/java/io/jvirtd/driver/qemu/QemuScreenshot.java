package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DeviceKind;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.Screenshot;
import io.jvirtd.model.stream.DataStream;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * virDomainScreenshot on the QEMU driver, as libvirt 9.0's qemuDomainScreenshot: flags 0, under
 * the domain's job; the domain running ("domain is not running"), a video device ("no screens to
 * take screenshot from"), a screen number within the videos' heads counted in order ("no such
 * screen ID"; screen 0 is QEMU's default console, any other names the video's alias and its
 * head). QEMU writes the picture with QMP {@code screendump} in PNG (QEMU 7.2 has the format, so
 * libvirt asks for it and answers "image/png") into a temporary {@code qemu.screendump.*} file in
 * the guest's run folder, given to QEMU's user; the daemon opens it for the stream
 * ({@link ScreendumpStream}) and removes it from the folder whatever happens. QEMU's own
 * refusal (a {@code none} video: "There is no console to take a screendump from") comes back as
 * libvirt's internal error.
 *
 * <p>Stateless; worker threads. The domain's lock is held only to read the live definition and
 * monitor, never across the QMP call or the file's I/O (the query job keeps the run alive
 * meanwhile: a snapshot delete's async job forbids queries before it starts or stops QEMU);
 * the picture goes out after the reply, read from the open file on the stream's worker.
 */
final class QemuScreenshot {

    static final String MIME_TYPE = "image/png";

    private QemuScreenshot() {
    }

    static Screenshot take(QemuLifecycle life, DomainRef dom, int screen, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainScreenshot");
        QemuDomain d = life.domains.get(dom);
        d.beginQueryJob(); // qemuDomainScreenshot: VIR_JOB_QUERY
        try {
            DomainDef live;
            QmpMonitor mon;
            List<DeviceDef> videos;
            synchronized (d) {
                live = d.liveDef;
                mon = d.monitor;
                videos = live == null ? List.of() : List.copyOf(live.devices(DeviceKind.VIDEO));
            }
            if (live == null || mon == null) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            if (videos.isEmpty()) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU, "no screens to take screenshot from");
            }
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("filename", null); // first, as libvirt sends it; set below
            if (screen != 0) {
                Head target = head(videos, screen);
                if (target == null) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU, "no such screen ID");
                }
                args.put("device", target.device());
                if (target.head() > 0) {
                    args.put("head", target.head());
                }
            }
            args.put("format", "png");
            return new Screenshot(MIME_TYPE, dump(life, live, mon, args));
        } finally {
            d.endQueryJob();
        }
    }

    /** screendump into a fresh file in the run folder, opened for the stream and removed. */
    private static DataStream dump(QemuLifecycle life, DomainDef live, QmpMonitor mon, Map<String, Object> args) {
        Path dir = life.paths.runDir(live.id(), live.name());
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "qemu.screendump.", ""); // mode 0600, as g_mkstemp
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.QEMU, 5,
                    "g_mkstemp(\"" + dir.resolve("qemu.screendump.XXXXXX") + "\") failed", e.getMessage());
        }
        try {
            life.runAs.handOver(tmp);
            args.put("filename", tmp.toString());
            mon.execute("screendump", args, QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
            return new ScreendumpStream(FileChannel.open(tmp, StandardOpenOption.READ));
        } catch (IOException e) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU, "unable to open stream");
        } finally {
            try {
                Files.deleteIfExists(tmp); // the open stream keeps the data, as libvirt's unlink after opening
            } catch (IOException e) {
                System.getLogger("io.jvirtd.driver.qemu").log(System.Logger.Level.WARNING,
                        "cannot remove " + tmp + ": " + e.getMessage());
            }
        }
    }

    /** A screen as QMP names it: the video's alias (its QEMU id) and the head on it. */
    record Head(String device, long head) {
    }

    /**
     * Which video and head screen {@code screen} (unsigned, as libvirt's) is: libvirt counts the
     * videos' heads in their order; null when there are fewer screens.
     */
    static Head head(List<DeviceDef> videos, int screen) {
        long left = Integer.toUnsignedLong(screen);
        for (DeviceDef v : videos) {
            long heads = heads(v);
            if (left < heads) {
                return new Head(v.alias(), left);
            }
            left -= heads;
        }
        return null;
    }

    /** A video's heads; a 'none' video has none (libvirt's 0), so only screen 0 reaches its console. */
    private static long heads(DeviceDef video) {
        String h = video.node().childAttr("model", "heads");
        return h == null ? 0 : Long.parseLong(h);
    }
}
