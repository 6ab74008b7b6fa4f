package io.jvirtd.driver.storage;

import io.jvirtd.driver.common.AtomicFiles;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.StoragePoolDef;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the storage driver keeps its pools, as libvirt's does (/etc/libvirt/storage,
 * /run/libvirt/storage): a persistent pool's definition {@code CONFIG/NAME.xml}, its autostart
 * link {@code CONFIG/autostart/NAME.xml}, and a running pool's state {@code STATE/NAME.xml}
 * (transient pools have only that). Written atomically; read back when the daemon starts.
 * Stateless; worker threads (file I/O).
 */
final class PoolFiles {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.storage");

    private final Path configDir;
    private final Path stateDir;

    PoolFiles(Path configDir, Path stateDir) {
        this.configDir = configDir;
        this.stateDir = stateDir;
    }

    /** A definition read back, and whether it autostarts (for configs) . */
    record Saved(StoragePoolDef def, boolean autostart) {
    }

    void saveConfig(StoragePoolDef def) {
        write(configDir.resolve(def.name() + ".xml"), def, "cannot write config file");
    }

    void deleteConfig(String name) {
        setAutostart(name, false);
        delete(configDir.resolve(name + ".xml"), "cannot remove config");
    }

    void saveState(StoragePoolDef def) {
        write(stateDir.resolve(def.name() + ".xml"), def, "cannot write state file");
    }

    void deleteState(String name) {
        delete(stateDir.resolve(name + ".xml"), "cannot remove state file");
    }

    /** The autostart link, libvirt's: {@code autostart/NAME.xml -> ../NAME.xml}. */
    void setAutostart(String name, boolean on) {
        Path link = configDir.resolve("autostart").resolve(name + ".xml");
        try {
            if (on) {
                Files.createDirectories(link.getParent());
                if (!Files.isSymbolicLink(link)) {
                    Files.createSymbolicLink(link, configDir.resolve(name + ".xml"));
                }
            } else {
                Files.deleteIfExists(link);
            }
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.STORAGE, 5,
                    (on ? "Failed to create symlink '" : "Failed to delete symlink '") + link + "'", reason(e));
        }
    }

    List<Saved> loadConfigs() {
        List<Saved> out = new ArrayList<>();
        for (Path f : xmlFiles(configDir)) {
            StoragePoolDef d = read(f);
            if (d != null) {
                String name = f.getFileName().toString();
                out.add(new Saved(d, Files.exists(configDir.resolve("autostart").resolve(name))));
            }
        }
        return out;
    }

    List<StoragePoolDef> loadStates() {
        List<StoragePoolDef> out = new ArrayList<>();
        for (Path f : xmlFiles(stateDir)) {
            StoragePoolDef d = read(f);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    private static List<Path> xmlFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.xml")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read {0}: {1}", dir, e.getMessage());
        }
        out.sort(null);
        return out;
    }

    private static StoragePoolDef read(Path f) {
        try {
            StoragePoolDef d = StoragePoolDef.parse(Files.readString(f), 0);
            String expected = f.getFileName().toString().replaceFirst("\\.xml$", "");
            if (!d.name().equals(expected)) {
                LOG.log(Level.WARNING, "storage pool config filename ''{0}'' does not match pool name ''{1}''", f, d.name());
                return null;
            }
            return d;
        } catch (IOException | VirException e) {
            LOG.log(Level.WARNING, "cannot load storage pool {0}: {1}", f, e.getMessage());
            return null;
        }
    }

    private static void write(Path target, StoragePoolDef def, String what) {
        try {
            AtomicFiles.write(target, def.format());
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.STORAGE, 5, what + " '" + target + "'", reason(e));
        }
    }

    private static void delete(Path target, String what) {
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.STORAGE, 5, what + " '" + target + "'", reason(e));
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? "Input/output error" : e.getMessage();
    }
}
