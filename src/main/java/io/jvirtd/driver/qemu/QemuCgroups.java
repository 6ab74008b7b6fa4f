package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host's cgroup v1 controllers as libvirt 9.0's QEMU driver uses them when it is not
 * handed a systemd machine (virCgroupNewMachineManual): the partition ({@code /machine} unless
 * configured otherwise, created when absent) and in it one group per running guest,
 * {@code qemu-ID-NAME.libvirt-qemu}, in each controller of {@code cgroup_controllers} that is
 * mounted and writable. {@code devices} is never used (its allow-list is libvirt's security
 * model, not a tunable), nor {@code net_cls}/{@code perf_event}. On a host with no usable v1
 * controller (a v2-only host, a daemon that is not root, {@code cgroup_controllers = [ ]}) the
 * driver has none, and answers as libvirtd does without cgroups.
 *
 * <p>Immutable after construction; any thread (its methods that touch files: workers and the
 * driver's event thread only, never the event loop).
 */
final class QemuCgroups {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    /** The controllers a guest's group gets, in libvirt's virCgroupController order. */
    static final List<String> DOMAIN_CONTROLLERS = List.of("cpu", "cpuacct", "cpuset", "memory", "blkio", "freezer");
    /** The controllers of the vcpuN / emulator sub-groups (virCgroupNewThread). */
    static final List<String> THREAD_CONTROLLERS = List.of("cpu", "cpuacct", "cpuset");
    /** The controller names virCgroupPartitionNeedsEscaping compares with (/proc/cgroups' usual list). */
    private static final Set<String> KNOWN_CONTROLLERS = Set.of("cpuset", "cpu", "cpuacct", "blkio", "memory",
            "devices", "freezer", "net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc");

    /** No cgroups: the driver's answers are libvirtd's with {@code cgroup_controllers = [ ]}. */
    static final QemuCgroups NONE = new QemuCgroups(Map.of(), "/machine", false);

    /**
     * controller name → its mount point, only the usable ones. On a hybrid host (v1 controllers
     * and a cgroup2 mount, systemd's "unified") cpuacct is the cgroup2 one: libvirt's v2 backend
     * claims cpuacct wherever cgroup2 is mounted (its cpu.stat always counts CPU time), before the
     * v1 backend looks.
     */
    private final Map<String, Path> mounts;
    /** cpuacct is read from the cgroup2 hierarchy (cpu.stat), not v1's cpuacct files. */
    private final boolean cpuacctV2;
    /** The default partition, as configured ({@code /machine}). */
    private final String partition;

    private QemuCgroups(Map<String, Path> mounts, String partition, boolean cpuacctV2) {
        this.mounts = Map.copyOf(mounts);
        this.partition = partition;
        this.cpuacctV2 = cpuacctV2;
    }

    /**
     * @param controllers {@code cgroup_controllers}: the names to use, or null for libvirt's default (all)
     * @param partition   the partition guests go in (libvirt's default {@code /machine})
     * @param privileged  the daemon runs as root (libvirt's session driver uses no cgroups)
     */
    static QemuCgroups detect(List<String> controllers, String partition, boolean privileged) {
        String p = partition == null ? "/machine" : partition;
        if (!p.startsWith("/")) {
            throw VirException.internalError(VirErrorDomain.CGROUP, "Partition path '" + p + "' must start with '/'");
        }
        if (!privileged) {
            return NONE;
        }
        Map<String, Path> found = new LinkedHashMap<>();
        Path mountsFile = Path.of("/proc/self/mounts");
        Map<String, Path> mounted = v1Mounts(mountsFile);
        for (String c : DOMAIN_CONTROLLERS) {
            Path m = mounted.get(c);
            if (m != null && (controllers == null || controllers.contains(c)) && Files.isWritable(m)) {
                found.put(c, m);
            }
        }
        if (found.isEmpty()) { // a v2-only host included: jvirtd has no v2 backend (yet)
            LOG.log(Level.INFO, "no usable cgroup v1 controller: guests run in no cgroup of their own");
            return NONE;
        }
        Path unified = v2Mount(mountsFile);
        boolean v2 = unified != null && Files.isWritable(unified)
                && (controllers == null || controllers.contains("cpuacct"));
        if (v2) {
            found.put("cpuacct", unified);
        }
        LOG.log(Level.INFO, "cgroup controllers for guests: {0} in partition {1}{2}", found.keySet(), p,
                v2 ? " (cpuacct: cgroup2 at " + unified + ")" : "");
        return new QemuCgroups(found, p, v2);
    }

    /** The v1 controllers' mount points, from a mounts table (controller → first mount). */
    static Map<String, Path> v1Mounts(Path mountsFile) {
        Map<String, Path> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(mountsFile)) {
                String[] f = line.split(" ");
                if (f.length < 4 || !"cgroup".equals(f[2])) {
                    continue;
                }
                for (String opt : f[3].split(",")) {
                    if (KNOWN_CONTROLLERS.contains(opt)) {
                        out.putIfAbsent(opt, Path.of(f[1].replace("\\040", " ")));
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot read {0}: {1}", mountsFile, e.getMessage());
        }
        return out;
    }

    /** The cgroup2 mount point, or null. */
    static Path v2Mount(Path mountsFile) {
        try {
            for (String line : Files.readAllLines(mountsFile)) {
                String[] f = line.split(" ");
                if (f.length >= 3 && "cgroup2".equals(f[2])) {
                    return Path.of(f[1].replace("\\040", " "));
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot read {0}: {1}", mountsFile, e.getMessage());
        }
        return null;
    }

    boolean enabled() {
        return !mounts.isEmpty();
    }

    boolean has(String controller) {
        return mounts.containsKey(controller);
    }

    /** virCgroupSetPartitionSuffix: each component but a top-level machine/system/user gets ".partition". */
    static String suffixed(String path) {
        String[] parts = path.split("/", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String t = parts[i];
            if (i == 1 && (t.equals("machine") || t.equals("system") || t.equals("user"))) {
                out.add(t);
                continue;
            }
            if (!t.isEmpty() && t.indexOf('.') < 0) {
                t = t + ".partition";
            }
            out.add(t.isEmpty() ? t : escaped(t));
        }
        return String.join("/", out);
    }

    /** virCgroupPartitionEscape: a name cgroupfs could take for one of its own files gets a leading '_'. */
    static String escaped(String name) {
        boolean needs = name.startsWith("cgroup.") || name.startsWith("_") || name.startsWith(".");
        int dot = name.indexOf('.');
        if (!needs && dot > 0 && KNOWN_CONTROLLERS.contains(name.substring(0, dot))) {
            needs = true;
        }
        return needs ? "_" + name : name;
    }

    /**
     * virDomainDriverGenerateMachineName for a privileged driver: {@code qemu-ID-NAME}, NAME kept
     * to hostname characters, runs of '.'/'-' cut to their first, at most 64 characters, no
     * trailing '.' or '-'.
     */
    static String machineName(int id, String name) {
        StringBuilder b = new StringBuilder("qemu-").append(id).append('-');
        boolean skip = true;
        for (int i = 0; i < name.length() && b.length() < 64; i++) {
            char c = name.charAt(i);
            if (c == '.' || c == '-') {
                if (!skip) {
                    b.append(c);
                    skip = true;
                }
                continue;
            }
            if (c < 128 && (Character.isLetterOrDigit(c))) {
                b.append(c);
                skip = false;
            }
        }
        int end = b.length();
        while (end > 0 && (b.charAt(end - 1) == '-' || b.charAt(end - 1) == '.')) {
            end--;
        }
        return b.substring(0, end);
    }

    /** The group's name in the partition (virCgroupNewDomainPartition). */
    static String groupName(int id, String name) {
        return escaped(machineName(id, name) + ".libvirt-qemu");
    }

    /** The partition a running domain is in: its {@code <resource><partition>}, else the default. */
    private String partitionOf(DomainDef live) {
        String p = live.resourcePartition();
        return p != null ? p : partition;
    }

    /** The group a running domain has (or would have): its folder in each usable controller. */
    QemuCgroup groupOf(DomainDef live) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        String p = suffixed(partitionOf(live));
        String rel = (p.length() > 1 ? p.substring(1) + "/" : "") + groupName(live.id(), live.name());
        mounts.forEach((c, m) -> dirs.put(c, m.resolve(rel)));
        return new QemuCgroup(dirs, cpuacctV2);
    }

    /**
     * qemuInitCgroup + virCgroupNewMachineManual + virCgroupAddProcess: the partition and the
     * domain's group in every usable controller, QEMU's process (all its threads) in it, then
     * its threads in the vcpuN / emulator sub-groups (qemuProcessSetupVcpus / SetupEmulator).
     * Null when the driver uses no cgroups. On failure nothing is left behind and libvirt's
     * error is thrown. Worker thread, QEMU still paused ({@code -S}).
     */
    QemuCgroup place(DomainDef live, long pid) {
        if (!enabled()) {
            return null;
        }
        String p = partitionOf(live);
        if (!p.startsWith("/")) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                    "Resource partition '" + p + "' must start with '/'");
        }
        live.setResourcePartition(p); // qemuInitCgroup: the live definition names it
        String dirs = suffixed(p);
        boolean create = p.equals(partition); // libvirt creates only /machine, jvirtd its configured default
        for (Map.Entry<String, Path> e : mounts.entrySet()) {
            if (!create && !Files.isDirectory(e.getValue().resolve(dirs.substring(1)))) {
                // virCgroupNewIgnoreError: a partition that does not exist leaves the guest in no group
                LOG.log(Level.WARNING, "cgroup partition {0} does not exist: domain {1} runs in no cgroup",
                        p, live.name());
                return null;
            }
        }
        QemuCgroup g = groupOf(live);
        try {
            for (Map.Entry<String, Path> e : mounts.entrySet()) {
                makePartition(e.getKey(), e.getValue(), dirs);
            }
            g.create();
            g.addProcess(pid);
            g.placeThreads(pid);
            return g;
        } catch (VirException e) {
            g.remove();
            throw e;
        }
    }

    /** The partition's folders down from the mount, each new cpuset one given its parent's CPUs and nodes. */
    private static void makePartition(String controller, Path mount, String dirs) {
        Path dir = mount;
        for (String part : dirs.substring(1).split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Path parent = dir;
            dir = dir.resolve(part);
            QemuCgroup.makeDir(controller, parent, dir);
        }
    }

    /** A running guest's group after a daemon restart, or null when it has none here. */
    QemuCgroup find(DomainDef live) {
        if (!enabled()) {
            return null;
        }
        QemuCgroup g = groupOf(live);
        return g.exists() ? g : null;
    }

    /** virCgroupRemove for a run that ended: its group and sub-groups, wherever they exist. */
    void removeGroupOf(DomainDef live) {
        if (enabled()) {
            groupOf(live).remove();
        }
    }
}
