package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * The test driver's save-image and core-dump files (testDomainSaveImageWrite /
 * testDomainSaveImageOpen / testDomainCoreDumpWithFormat), byte-compatible with libvirt's:
 * the 15 bytes {@code "TestGuestMagic\0"}, the XML length as a native (little-endian on x86)
 * C int, then the domain XML (no NUL). A core dump is the magic alone. Files are created
 * 0600 and truncated, as libvirt opens them.
 *
 * <p>Does file I/O: callers hold no lock. Stateless.
 */
final class SaveImage {

    static final byte[] MAGIC = "TestGuestMagic\0".getBytes(StandardCharsets.US_ASCII);
    /** testDomainSaveImageOpen's limit on the XML length. */
    static final int MAX_XML = 8192;

    private static final Set<PosixFilePermission> MODE_0600 = PosixFilePermissions.fromString("rw-------");

    private SaveImage() {
    }

    /** Writes a save image of {@code xml} for domain {@code name}; removes the file on failure. */
    static void write(Path path, String name, String xml) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putInt(body.length).put(body).flip();
        SeekableByteChannel ch;
        try {
            ch = open(path);
        } catch (IOException e) {
            throw system(e, "saving domain '" + name + "' to '" + path + "': open failed");
        }
        try (ch) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            deleteQuietly(path);
            throw system(e, "saving domain '" + name + "' to '" + path + "': write failed");
        }
    }

    /** Writes a core dump (the magic alone) for domain {@code name}. */
    static void writeCoreDump(Path path, String name) {
        SeekableByteChannel ch;
        try {
            ch = open(path);
        } catch (IOException e) {
            throw system(e, "domain '" + name + "' coredump: failed to open " + path);
        }
        try (ch) {
            ByteBuffer buf = ByteBuffer.wrap(MAGIC);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            throw system(e, "domain '" + name + "' coredump: failed to write header to " + path);
        }
    }

    /** open(path, O_CREAT|O_TRUNC|O_WRONLY, 0600). */
    private static SeekableByteChannel open(Path path) throws IOException {
        return Files.newByteChannel(path, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(MODE_0600));
    }

    /**
     * Reads a save image's XML and parses it (inactive), with testDomainSaveImageOpen's checks
     * and errors.
     */
    static DomainDef read(Path path) {
        String p = path.toString();
        try (InputStream in = Files.newInputStream(path)) {
            byte[] magic = readUpTo(in, MAGIC.length);
            if (magic.length != MAGIC.length) {
                throw VirException.systemError(VirErrorDomain.TEST, 0,
                        "incomplete save header in '" + p + "'", "Success");
            }
            if (!Arrays.equals(magic, MAGIC)) {
                throw VirException.internalError(VirErrorDomain.TEST, "mismatched header magic");
            }
            byte[] lenBytes = readUpTo(in, 4);
            if (lenBytes.length != 4) {
                throw VirException.systemError(VirErrorDomain.TEST, 0,
                        "failed to read metadata length in '" + p + "'", "Success");
            }
            int len = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (len < 1 || len > MAX_XML) {
                throw VirException.internalError(VirErrorDomain.TEST, "length of metadata out of range");
            }
            byte[] xml = readUpTo(in, len);
            if (xml.length != len) {
                throw VirException.systemError(VirErrorDomain.TEST, 0,
                        "incomplete metadata in '" + p + "'", "Success");
            }
            int nul = indexOf(xml, (byte) 0);
            String text = new String(xml, 0, nul < 0 ? xml.length : nul, StandardCharsets.UTF_8);
            return DomainDef.parse(text, DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        } catch (IOException e) {
            throw system(e, "cannot read domain image '" + p + "'");
        }
    }

    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] buf = in.readNBytes(n);
        return buf;
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // already failing; libvirt ignores unlink errors here too
        }
    }

    /** virReportSystemError(errno, context) for a Java I/O failure, reported by the test driver. */
    static VirException system(IOException e, String context) {
        return system(e, context, VirErrorDomain.TEST);
    }

    /** virReportSystemError(errno, context) for a Java I/O failure, from {@code domain}'s code. */
    static VirException system(IOException e, String context, VirErrorDomain domain) {
        int errno;
        String text;
        if (e instanceof NoSuchFileException) {
            errno = 2;
            text = "No such file or directory";
        } else if (e instanceof AccessDeniedException) {
            errno = 13;
            text = "Permission denied";
        } else if (e instanceof NotDirectoryException) {
            errno = 20;
            text = "Not a directory";
        } else if (e instanceof FileAlreadyExistsException) {
            errno = 17;
            text = "File exists";
        } else if (e instanceof EOFException) {
            errno = 0;
            text = "Success";
        } else if (e instanceof FileSystemException fse && fse.getReason() != null
                && fse.getReason().contains("Is a directory")) {
            errno = 21;
            text = "Is a directory";
        } else if (e.getMessage() != null && e.getMessage().contains("Is a directory")) {
            errno = 21;
            text = "Is a directory";
        } else {
            errno = 5;
            text = "Input/output error";
        }
        return VirException.systemError(domain, errno, context, text);
    }
}
