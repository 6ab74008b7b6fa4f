package io.jvirtd.driver.qemu;

import io.jvirtd.model.UnixAccounts;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Who QEMU runs as: libvirt's qemu.conf {@code user} and {@code group} (jvirtd.conf's
 * {@code qemu_user} and {@code qemu_group}). Unset, QEMU runs as the daemon's user and group;
 * set, and the daemon is root, QEMU drops to them with its own {@code -runas UID:GID} just
 * before the guest starts. What QEMU opens before that (the monitor socket it creates, the pty,
 * the serial log, the kernel, its log on stdout) it opens as root; the domain's run folder, which
 * holds the monitor socket, is given to that user and group so that QEMU can remove its socket
 * when it exits. The DAC label of the capabilities ({@code +UID:+GID}) names them too.
 * Immutable; any thread.
 */
final class QemuRunAs {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");

    /** QEMU as the daemon's user and group. */
    static final QemuRunAs DAEMON = of(null, null, false, QemuCapabilities.processLabel());

    private final long uid;
    private final long gid;
    private final boolean daemons;
    /** The system driver of a root daemon (libvirt's driver->privileged). */
    private final boolean privileged;

    private QemuRunAs(long uid, long gid, boolean daemons, boolean privileged) {
        this.uid = uid;
        this.gid = gid;
        this.daemons = daemons;
        this.privileged = privileged;
    }

    /**
     * The configured user and group (either may be null: the daemon's), checked as libvirt does
     * when it loads qemu.conf: an unknown name fails the driver's start.
     *
     * @param daemonLabel the daemon's own {@code +UID:+GID} ({@link QemuCapabilities#processLabel})
     */
    static QemuRunAs of(String user, String group, boolean privileged, String daemonLabel) {
        String[] own = daemonLabel.split(":");
        long ownUid = Long.parseLong(own[0].substring(1));
        long ownGid = Long.parseLong(own[1].substring(1));
        if (user == null && group == null) {
            return new QemuRunAs(ownUid, ownGid, true, privileged);
        }
        if (!privileged) {
            LOG.log(Level.WARNING, "qemu_user and qemu_group apply to a daemon running as root only;"
                    + " QEMU runs as the daemon's user");
            return new QemuRunAs(ownUid, ownGid, true, false);
        }
        long u = user == null ? ownUid : id(user, UnixAccounts.PASSWD, "user");
        long g = group == null ? ownGid : id(group, UnixAccounts.GROUP, "group");
        return new QemuRunAs(u, g, u == ownUid && g == ownGid, true);
    }

    /**
     * qemuDomainObjCheckTaint's first rule: the system driver running QEMU as root or with group
     * root taints every guest "high-privileges" ("running with undesirable elevated privileges").
     */
    boolean highPrivileges() {
        return privileged && (uid == 0 || gid == 0);
    }

    /** libvirt's virGetUserID / virGetGroupID: "+N" is the number N; else a name, else a number. */
    static long id(String spec, Path database, String what) {
        String s = spec;
        if (s.startsWith("+")) {
            s = s.substring(1);
        } else {
            Integer byName = UnixAccounts.idOf(s, database);
            if (byName != null) {
                return byName;
            }
        }
        if (!s.isEmpty() && s.length() <= 10 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long v = Long.parseLong(s);
            if (v <= 0xFFFF_FFFEL) {
                return v;
            }
        }
        throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE, "Failed to parse %s '%s'", what, s);
    }

    /** {@code +UID:+GID}, libvirt's DAC base label. */
    String label() {
        return "+" + uid + ":+" + gid;
    }

    /**
     * Gives a file the daemon created for QEMU to write (a screendump's temporary file, mode 0600)
     * to QEMU's user and group, as libvirt's DAC labelling does; nothing when QEMU runs as the
     * daemon's user.
     */
    void handOver(Path file) throws IOException {
        if (!daemons) {
            Files.setAttribute(file, "unix:uid", (int) uid);
            Files.setAttribute(file, "unix:gid", (int) gid);
        }
    }

    /**
     * Gives the domain's run folder to QEMU's user and group (mode 0750), and returns the
     * arguments that make QEMU drop to them; nothing when QEMU runs as the daemon's user.
     */
    List<String> prepare(Path runDir) throws IOException {
        if (daemons) {
            return List.of();
        }
        Files.setAttribute(runDir, "unix:uid", (int) uid);
        Files.setAttribute(runDir, "unix:gid", (int) gid);
        Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxr-x---"));
        return List.of("-runas", uid + ":" + gid);
    }
}
