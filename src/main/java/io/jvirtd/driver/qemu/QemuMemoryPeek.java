package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * virDomainMemoryPeek on the QEMU driver, as libvirt 9.0's qemuDomainMemoryPeek: exactly one of
 * VIR_MEMORY_VIRTUAL (QMP {@code memsave}, addresses as the first vCPU sees them) and
 * VIR_MEMORY_PHYSICAL ({@code pmemsave}); QEMU writes the bytes into a temporary
 * {@code qemu.mem.*} file in the guest's run folder (libvirt's is in the domain's lib folder),
 * given to QEMU's user, which the daemon reads and removes whatever happens. The protocol's
 * size limit (REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX) is the daemon's check, before this.
 *
 * <p>Threads: workers, under the domain's query job; no lock across QMP or file I/O. Stateless.
 */
final class QemuMemoryPeek {

    /** virDomainMemoryFlags. */
    static final int VIRTUAL = 1;
    static final int PHYSICAL = 2;

    private QemuMemoryPeek() {
    }

    static byte[] peek(QemuLifecycle life, DomainRef ref, long start, int size, int flags) {
        VirException.checkFlags(flags, VIRTUAL | PHYSICAL, VirErrorDomain.QEMU, "qemuDomainMemoryPeek");
        if (flags != VIRTUAL && flags != PHYSICAL) {
            throw VirException.invalidArg(VirErrorDomain.QEMU,
                    "flags parameter must be VIR_MEMORY_VIRTUAL or VIR_MEMORY_PHYSICAL");
        }
        QemuDomain d = life.domains.get(ref);
        d.beginQueryJob(); // VIR_JOB_QUERY
        try {
            QmpMonitor mon;
            Path dir;
            synchronized (d) {
                if (d.liveDef == null || d.monitor == null) {
                    throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
                }
                mon = d.monitor;
                dir = life.paths.runDir(d.liveDef.id(), d.liveDef.name());
            }
            Path tmp;
            try {
                tmp = Files.createTempFile(dir, "qemu.mem.", ""); // mode 0600, as g_mkstemp_full's
            } catch (IOException e) {
                throw VirException.systemError(VirErrorDomain.QEMU, 5,
                        "g_mkstemp(\"" + dir.resolve("qemu.mem.XXXXXX") + "\") failed", String.valueOf(e.getMessage()));
            }
            try {
                life.runAs.handOver(tmp);
                mon.execute(flags == VIRTUAL ? "memsave" : "pmemsave", arguments(start, size, tmp),
                        QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                return read(tmp, size);
            } catch (IOException e) {
                throw VirException.systemError(VirErrorDomain.QEMU, 5,
                        "failed to read temporary file created with template " + dir.resolve("qemu.mem.XXXXXX"),
                        String.valueOf(e.getMessage()));
            } finally {
                QemuLifecycle.deleteQuietly(tmp);
            }
        } finally {
            d.endQueryJob();
        }
    }

    /** qemuMonitorJSONSaveMemory's arguments: the address and the size unsigned, then the file. */
    static Map<String, Object> arguments(long start, int size, Path file) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("val", new java.math.BigInteger(Long.toUnsignedString(start)));
        a.put("size", size);
        a.put("filename", file.toString());
        return a;
    }

    /** The {@code size} bytes the client gets: what QEMU wrote, zeros past its end (a saferead into a zeroed buffer). */
    private static byte[] read(Path file, int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(size);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining() && in.read(buf) >= 0) {
                // until full or the file ends
            }
        }
        return buf.array();
    }
}
