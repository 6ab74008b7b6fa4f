package io.jvirtd.driver.secret;

import io.jvirtd.driver.common.AtomicFiles;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.SecretDef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The secrets' folder, laid out as libvirt's (virsecretobj.c): {@code UUID.xml} holds a
 * persistent secret's definition, {@code UUID.base64} its value in base64. The folder is 0700 and
 * every file 0600 from the moment it exists (the temporary file is created with those
 * permissions, then renamed over the target, forced to disk first), so a value is never readable
 * by another user, not even for an instant, and a crash leaves the old file or the new one.
 * Stateless apart from the path; worker threads (never the event loop: it does file I/O).
 */
final class SecretStore {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.secret");
    private static final FileAttribute<Set<PosixFilePermission>> FOLDER =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** A definition read back at start, with its value (null when it has none). */
    record Loaded(SecretDef def, byte[] value) {
    }

    private final Path dir;

    SecretStore(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    void saveConfig(SecretDef def) {
        write(dir.resolve(def.uuid() + ".xml"), def.format().getBytes(StandardCharsets.UTF_8));
    }

    void saveValue(SecretDef def, byte[] value) {
        write(dir.resolve(def.uuid() + ".base64"),
                Base64.getEncoder().encode(value));
    }

    /** Removes the definition file; an error leaves the secret defined (libvirt's order). */
    void deleteConfig(SecretDef def) {
        delete(dir.resolve(def.uuid() + ".xml"), true);
    }

    /** Removes the value file, ignoring failures as libvirt's virSecretObjDeleteData does. */
    void deleteValue(SecretDef def) {
        delete(dir.resolve(def.uuid() + ".base64"), false);
    }

    /**
     * Every persistent secret of the folder (virSecretLoadAllConfigs): a file that does not parse,
     * names another UUID or has an unreadable value is logged and skipped, as libvirt does.
     */
    List<Loaded> loadAll() {
        List<Loaded> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.xml")) {
            for (Path f : files) {
                try {
                    out.add(load(f));
                } catch (VirException | IOException | IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.ERROR, "Error reading secret: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot read secrets folder " + dir + ": " + e.getMessage());
        }
        return out;
    }

    private Loaded load(Path f) throws IOException {
        String name = f.getFileName().toString();
        SecretDef def = SecretDef.parse(Files.readString(f), f.toString());
        if (!name.equals(def.uuid() + ".xml")) {
            throw VirException.internalError(VirErrorDomain.SECRET,
                    "<uuid> does not match secret file name '" + f + "'");
        }
        Path valueFile = dir.resolve(def.uuid() + ".base64");
        byte[] value = null;
        if (Files.exists(valueFile)) {
            value = Base64.getMimeDecoder().decode(Files.readAllBytes(valueFile));
        }
        return new Loaded(def, value);
    }

    private void write(Path target, byte[] content) {
        try {
            ensureFolder();
            AtomicFiles.write(target, content, true, FILE);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.SECRET, 5, "cannot write '" + target + "'",
                    e.getMessage());
        }
    }

    private void ensureFolder() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, FOLDER);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created meanwhile: fine, its permissions are set below
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private void delete(Path f, boolean report) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            if (report) {
                throw VirException.systemError(VirErrorDomain.SECRET, 5, "cannot unlink '" + f + "'", e.getMessage());
            }
            LOG.log(System.Logger.Level.WARNING, "cannot unlink " + f + ": " + e.getMessage());
        }
    }
}
