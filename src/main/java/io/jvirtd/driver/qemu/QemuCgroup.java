package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One running guest's cgroup v1 group, {@code PARTITION/qemu-ID-NAME.libvirt-qemu} in each
 * controller the driver uses, with libvirt's sub-groups {@code emulator} and {@code vcpuN} in
 * cpu, cpuacct and cpuset (virCgroupNewThread). Reads and writes its control files with
 * libvirt's errors ("Unable to write to '...'").
 *
 * <p>Immutable (the folder names); its files are the kernel's. Workers and the driver's event
 * thread only: every method does file I/O.
 */
final class QemuCgroup {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    /** QEMU names its vCPU threads so with {@code debug-threads=on}: {@code CPU 0/TCG}, {@code CPU 3/KVM}. */
    private static final Pattern VCPU_THREAD = Pattern.compile("CPU (\\d+)/\\w+");
    /** A group that still had tasks when its guest stopped (QEMU exiting): tries, 20 ms apart. */
    private static final int REMOVE_TRIES = 100;

    /** controller → the group's folder. */
    private final Map<String, Path> dirs;
    /** "cpuacct" is a cgroup2 group: cpu.stat, no thread sub-groups ({@link QemuCgroups}). */
    private final boolean cpuacctV2;

    QemuCgroup(Map<String, Path> dirs, boolean cpuacctV2) {
        this.dirs = Map.copyOf(dirs);
        this.cpuacctV2 = cpuacctV2;
    }

    boolean cpuacctV2() {
        return cpuacctV2;
    }

    boolean has(String controller) {
        return dirs.containsKey(controller);
    }

    /** The folder of the group ({@code sub} null) or of one sub-group, in {@code controller}. */
    Path dir(String controller, String sub) {
        Path d = dirs.get(controller);
        return sub == null ? d : d.resolve(sub);
    }

    boolean exists() {
        return dirs.values().stream().anyMatch(Files::isDirectory);
    }

    /** virCgroupMakeGroup of the domain's group, memory.use_hierarchy on (VIR_CGROUP_MEM_HIERACHY). */
    void create() {
        for (Map.Entry<String, Path> e : dirs.entrySet()) {
            makeDir(e.getKey(), e.getValue().getParent(), e.getValue());
            if (e.getKey().equals("memory")) {
                Path f = e.getValue().resolve("memory.use_hierarchy");
                if (Files.exists(f) && !"1".equals(readOrNull(f))) {
                    write(f, "1");
                }
            }
        }
    }

    /** mkdir of one group folder; a new cpuset one inherits its parent's CPUs, nodes and migration (v1 starts them empty). */
    static void makeDir(String controller, Path parent, Path dir) {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return;
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.CGROUP, 13,
                    "Failed to create v1 controller " + controller + " for group", e.getMessage());
        }
        if (controller.equals("cpuset") && Files.exists(parent.resolve("cpuset.cpus"))) {
            for (String f : List.of("cpuset.cpus", "cpuset.mems", "cpuset.memory_migrate")) {
                Path from = parent.resolve(f);
                if (Files.exists(from)) {
                    write(dir.resolve(f), read(from));
                }
            }
        }
    }

    /** virCgroupAddProcess: every thread of {@code pid} into the group, in each controller. */
    void addProcess(long pid) {
        for (Path d : dirs.values()) {
            write(d.resolve("cgroup.procs"), Long.toString(pid));
        }
    }

    /**
     * qemuProcessSetupVcpus / qemuProcessSetupEmulator's placement: each vCPU thread into
     * {@code vcpuN}, every other thread of QEMU into {@code emulator} (libvirt moves QEMU's first
     * thread there before it execs, so all later ones start there), in cpu, cpuacct and cpuset.
     * Threads are told apart by the names {@code debug-threads=on} gives them. Run again after
     * vCPUs are hot-plugged: threads already placed stay where they are.
     */
    void placeThreads(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(tasks)) {
            for (Path t : s) {
                String comm = readOrNull(t.resolve("comm"));
                if (comm == null) {
                    continue; // the thread ended
                }
                Matcher m = VCPU_THREAD.matcher(comm);
                addThread(m.matches() ? "vcpu" + m.group(1) : "emulator", t.getFileName().toString());
            }
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.CGROUP, 2, "Unable to read " + tasks, e.getMessage());
        }
    }

    /** virCgroupNewThread(create): the sub-group in cpu, cpuacct (v1) and cpuset. */
    void makeThreadGroup(String sub) {
        for (String c : QemuCgroups.THREAD_CONTROLLERS) {
            if (has(c) && !(c.equals("cpuacct") && cpuacctV2) && !Files.isDirectory(dir(c, sub))) {
                makeDir(c, dir(c, null), dir(c, sub));
            }
        }
    }

    /** virCgroupDelThread: a sub-group whose thread has gone. */
    void removeSubGroup(String sub) {
        for (String c : QemuCgroups.THREAD_CONTROLLERS) {
            if (has(c)) {
                rmdir(dir(c, sub));
            }
        }
    }

    /** virCgroupNewThread(create) + virCgroupAddThread. */
    void addThread(String sub, String tid) {
        makeThreadGroup(sub);
        for (String c : QemuCgroups.THREAD_CONTROLLERS) {
            if (!has(c) || c.equals("cpuacct") && cpuacctV2) {
                continue;
            }
            Path d = dir(c, sub);
            try {
                write(d.resolve("tasks"), tid);
            } catch (VirException e) {
                if (e.getMessage() != null && e.getMessage().contains("No such process")) {
                    return; // the thread ended between the listing and the move
                }
                throw e;
            }
        }
    }

    /** A control file of the group or a sub-group, stripped; libvirt's error when it cannot be read. */
    String get(String controller, String sub, String file) {
        return read(dir(controller, sub).resolve(file));
    }

    long getLong(String controller, String sub, String file) {
        String v = get(controller, sub, file);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            try {
                return Long.parseUnsignedLong(v);
            } catch (NumberFormatException e2) {
                throw VirException.internalError(VirErrorDomain.CGROUP,
                        "Unable to parse '" + v + "' as an integer");
            }
        }
    }

    void set(String controller, String sub, String file, String value) {
        write(dir(controller, sub).resolve(file), value);
    }

    /** The sub-groups of {@code controller} whose names start with {@code prefix} ({@code vcpu}). */
    List<String> subGroups(String controller, String prefix) {
        try (var s = Files.list(dir(controller, null))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * virCgroupRemove: the sub-groups, then the group, in every controller. A group whose tasks
     * have not all exited yet (QEMU closes its monitor before its last thread ends) is tried
     * again for up to two seconds; what still fails is logged, never thrown.
     */
    void remove() {
        for (Path d : dirs.values()) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (var s = Files.list(d)) {
                for (Path sub : s.filter(Files::isDirectory).toList()) {
                    rmdir(sub);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot list cgroup {0}: {1}", d, e.getMessage());
            }
            rmdir(d);
        }
    }

    private static void rmdir(Path d) {
        for (int i = 0; ; i++) {
            try {
                Files.deleteIfExists(d);
                return;
            } catch (IOException e) {
                if (i >= REMOVE_TRIES) {
                    LOG.log(Level.WARNING, "cannot remove cgroup {0}: {1}", d, e.getMessage());
                    return;
                }
            }
            try {
                Thread.sleep(20); // a product retry: the kernel frees the group when its last task exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.CGROUP, e instanceof NoSuchFileException ? 2 : 5,
                    "Unable to read from '" + f + "'", e instanceof NoSuchFileException
                            ? "No such file or directory" : String.valueOf(e.getMessage()));
        }
    }

    private static String readOrNull(Path f) {
        try {
            return Files.readString(f, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return null;
        }
    }

    /** virCgroupSetValueRaw: one write; the kernel's refusal is libvirt's "Unable to write to". */
    static void write(Path f, String value) {
        try {
            Files.writeString(f, value, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage());
            int errno = 22;
            String strerror = "Invalid argument";
            if (e instanceof NoSuchFileException) {
                errno = 2;
                strerror = "No such file or directory";
            } else if (why.contains("No such process")) {
                errno = 3;
                strerror = "No such process";
            } else if (why.contains("Permission denied")) {
                errno = 13;
                strerror = "Permission denied";
            } else if (why.contains("Device or resource busy")) {
                errno = 16;
                strerror = "Device or resource busy";
            }
            throw VirException.systemError(VirErrorDomain.CGROUP, errno, "Unable to write to '" + f + "'", strerror);
        }
    }
}
