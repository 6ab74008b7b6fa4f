package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.CheckpointDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.CheckpointRef;
import io.jvirtd.model.domain.DomainRef;

import java.util.List;

/**
 * Checkpoints and backups of QEMU guests, as far as this driver goes: a guest has no checkpoints
 * (lists are empty, names are not found, with libvirt 9.0's errors) and starts no backup job
 * ({@code backup-dumpxml} finds none). A create or backup request is checked as libvirt checks
 * it (flags, a running guest, the XML, a guest with disks) and then refused with
 * OPERATION_UNSUPPORTED: libvirt would add persistent dirty bitmaps to the qcow2 images
 * (block-dirty-bitmap-add in a QMP transaction), which this driver does not do yet.
 *
 * <p>Stateless; worker threads.
 */
final class QemuCheckpoints {

    private static final int CREATE_REDEFINE = 1;
    private static final int CREATE_QUIESCE = 2;
    private static final int CREATE_REDEFINE_VALIDATE = 4;
    /** ROOTS/DESCENDANTS, TOPOLOGICAL, LEAVES, NO_LEAVES. */
    private static final int LIST_FLAGS = 1 | 2 | 4 | 8;
    private static final int BACKUP_BEGIN_REUSE_EXTERNAL = 1;

    private final QemuLifecycle life;

    QemuCheckpoints(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainListAllCheckpoints: none. */
    List<CheckpointRef> listAll(DomainRef dom, int flags) {
        VirException.checkFlags(flags, LIST_FLAGS, VirErrorDomain.QEMU, "qemuDomainListAllCheckpoints");
        life.domains.get(dom);
        return List.of();
    }

    /** qemuDomainCheckpointListAllChildren: the checkpoint cannot exist. */
    List<CheckpointRef> listAllChildren(CheckpointRef cp, int flags) {
        VirException.checkFlags(flags, LIST_FLAGS, VirErrorDomain.QEMU, "qemuDomainCheckpointListAllChildren");
        throw notFound(cp.name());
    }

    /** qemuDomainCheckpointLookupByName. */
    CheckpointRef lookupByName(DomainRef dom, String name, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainCheckpointLookupByName");
        life.domains.get(dom);
        throw notFound(name);
    }

    /** qemuCheckpointObjFromCheckpoint for the calls on one checkpoint (XML, parent, delete). */
    VirException unknown(CheckpointRef cp) {
        life.domains.get(cp.domain());
        return notFound(cp.name());
    }

    /** qemuCheckpointCreateXML up to the point this driver stops. */
    CheckpointRef create(DomainRef dom, String xml, int flags) {
        VirException.checkFlags(flags, CREATE_REDEFINE | CREATE_QUIESCE | CREATE_REDEFINE_VALIDATE, VirErrorDomain.QEMU,
                "qemuDomainCheckpointCreateXML");
        QemuDomain d = life.domains.get(dom);
        boolean redefine = (flags & CREATE_REDEFINE) != 0;
        DomainDef live;
        synchronized (d) {
            live = d.liveDef;
        }
        if (!redefine && live == null) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "cannot create checkpoint for inactive domain");
        }
        CheckpointDef def = CheckpointDef.parse(xml, redefine ? CheckpointDef.PARSE_REDEFINE : 0,
                QemuXmlOptions.OPTIONS);
        if (!redefine) {
            synchronized (d) {
                def.setDomain(d.liveDef == null ? live : d.liveDef.copy());
            }
            def.alignDisks(); // a guest without disks: libvirt's CONFIG_UNSUPPORTED
        }
        throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                "checkpoints are not supported by jvirtd's QEMU driver yet");
    }

    /** qemuBackupGetXMLDesc: never a backup job. */
    String backupXml(DomainRef dom, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainBackupGetXMLDesc");
        life.domains.get(dom);
        throw VirException.of(VirErrorNumber.NO_DOMAIN_BACKUP, VirErrorDomain.QEMU, "no domain backup job present");
    }

    /** qemuBackupBegin up to the point this driver stops. */
    void backupBegin(DomainRef dom, String backupXml, String checkpointXml, int flags) {
        VirException.checkFlags(flags, BACKUP_BEGIN_REUSE_EXTERNAL, VirErrorDomain.QEMU, "qemuDomainBackupBegin");
        QemuDomain d = life.domains.get(dom);
        DomainDef live;
        synchronized (d) {
            live = d.liveDef;
        }
        if (live == null) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "cannot perform disk backup for inactive domain");
        }
        if (checkpointXml != null) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                    "creating checkpoint for incremental backup is not supported yet");
        }
        synchronized (d) {
            if (d.liveDef != null && d.liveDef.disks().isEmpty()) {
                throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                        "domain must have at least one disk to perform backup");
            }
        }
        throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                "backups are not supported by jvirtd's QEMU driver yet");
    }

    private static VirException notFound(String name) {
        return VirException.of(VirErrorNumber.NO_DOMAIN_CHECKPOINT, VirErrorDomain.QEMU,
                "no domain checkpoint with matching name '" + name + "'");
    }
}
