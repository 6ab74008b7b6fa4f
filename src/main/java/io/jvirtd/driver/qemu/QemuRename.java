package io.jvirtd.driver.qemu;

import static io.jvirtd.model.event.LifecycleCodes.DEFINED;
import static io.jvirtd.model.event.LifecycleCodes.DEFINED_RENAMED;
import static io.jvirtd.model.event.LifecycleCodes.UNDEFINED;
import static io.jvirtd.model.event.LifecycleCodes.UNDEFINED_RENAMED;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainRef;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * virDomainRename as libvirt 9.0's QEMU driver does it (qemuDomainRename, virDomainObjListRename,
 * qemuDomainRenameCallback): a shut-off persistent domain without a managed save image takes the
 * new name in the domain list, its config file (written under the new name), its autostart link
 * and its snapshot metadata folder; what the new name had left behind is removed first, what the
 * old name had is removed after; a failure puts the old name back. Then the events "Undefined
 * Renamed" for the old name and "Defined Renamed" for the new one. Worker threads, under the
 * domain's job and {@link QemuDomain#configWrite} (a define of either name waits); no file I/O
 * under the domain's monitor.
 */
final class QemuRename {

    private final QemuLifecycle life;
    private final QemuSnapshots snapshots;

    QemuRename(QemuLifecycle life, QemuSnapshots snapshots) {
        this.life = life;
        this.snapshots = snapshots;
    }

    void rename(DomainRef ref, String newName, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainRename");
        QemuDomain d = life.domains.get(ref);
        d.beginJob();
        try {
            String oldName;
            synchronized (d) {
                if (d.liveDef != null) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU, "cannot rename active domain");
                }
                if (d.persistentDef == null) {
                    throw VirException.operationInvalid(VirErrorDomain.QEMU, "cannot rename a transient domain");
                }
                oldName = d.persistentDef.name();
            }
            if (Files.exists(life.paths.managedSaveFile(oldName))) {
                throw VirException.operationInvalid(VirErrorDomain.QEMU,
                        "domain with a managed saved state can't be renamed");
            }
            if (oldName.equals(newName)) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "Can't rename domain to itself");
            }
            DomainRef before;
            d.configWrite.lock();
            try {
                if (life.domains.byName(newName) != null) {
                    throw nameTaken(newName);
                }
                if (newName.indexOf('/') >= 0) {
                    throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.QEMU,
                            "name " + newName + " cannot contain '/'");
                }
                if (!life.domains.rename(d, oldName, newName)) {
                    throw nameTaken(newName);
                }
                before = d.ref();
                moveFiles(d, oldName, newName);
            } finally {
                d.configWrite.unlock();
            }
            life.raise(before, UNDEFINED, UNDEFINED_RENAMED);
            life.raise(d, DEFINED, DEFINED_RENAMED);
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainRenameCallback's files, with the old name put back on a failure. Job and configWrite held. */
    private void moveFiles(QemuDomain d, String oldName, String newName) {
        DomainDef old;
        boolean autostart;
        synchronized (d) {
            old = d.persistentDef;
            autostart = d.autostart;
        }
        DomainDef renamed = old.copy();
        renamed.setName(newName);
        boolean done = false;
        try {
            removeNamePaths(newName, false); // qemuDomainNamePathsCleanup: what a former domain left
            if (autostart) {
                Path link = life.paths.autostartLink(newName);
                try {
                    Files.createDirectories(link.getParent());
                    Files.createSymbolicLink(link, life.paths.configFile(newName));
                } catch (IOException e) {
                    throw VirException.systemError(VirErrorDomain.QEMU, 5, "Failed to create symlink '" + link
                            + " to '" + life.paths.configFile(newName) + "'", e.getMessage());
                }
            }
            synchronized (d) {
                d.persistentDef = renamed; // the snapshot files go under d's name
            }
            snapshots.writeAllUnderCurrentName(d);
            life.saveConfig(renamed);
            done = true;
        } finally {
            if (!done) {
                synchronized (d) {
                    d.persistentDef = old;
                }
                life.domains.rename(d, newName, oldName);
            }
            removeNamePaths(done ? oldName : newName, true);
        }
    }

    /**
     * qemuDomainNamePathsCleanup: the config file, autostart link and snapshot metadata of
     * {@code name}; best effort (after the rename) or failing on the first error (before it).
     */
    private void removeNamePaths(String name, boolean bestEffort) {
        Path snapDir = QemuSnapshots.metadataDir(life.paths, name);
        try {
            Files.deleteIfExists(life.paths.configFile(name));
            Files.deleteIfExists(life.paths.autostartLink(name));
            if (Files.isDirectory(snapDir, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(snapDir)) {
                    for (Path f : files) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(snapDir);
            }
        } catch (IOException e) {
            if (!bestEffort) {
                throw VirException.systemError(VirErrorDomain.QEMU, 5, "Failed to remove '" + name + "' files",
                        e.getMessage());
            }
        }
    }

    private static VirException nameTaken(String name) {
        return VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain with name '" + name + "' already exists");
    }
}
