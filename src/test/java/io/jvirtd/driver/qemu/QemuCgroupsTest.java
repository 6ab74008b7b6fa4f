package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libvirt's names for a guest's cgroup, and the mount table read. */
class QemuCgroupsTest {

    @Test
    void machineNameKeepsHostnameCharactersAsLibvirtDoes() {
        assertEquals("qemu-1-cgh-tiny", QemuCgroups.machineName(1, "cgh-tiny"));
        assertEquals("qemu-7-a.b-c", QemuCgroups.machineName(7, "a..b--c"));
        assertEquals("qemu-3-guest", QemuCgroups.machineName(3, "gu_est-"));
        assertEquals("qemu-2-vm", QemuCgroups.machineName(2, "-.vm"));
        assertEquals("qemu-4", QemuCgroups.machineName(4, "__"));
        assertEquals(64, QemuCgroups.machineName(12, "x".repeat(100)).length());
        assertEquals("qemu-1-cgh-tiny.libvirt-qemu", QemuCgroups.groupName(1, "cgh-tiny"));
    }

    @Test
    void partitionsGetLibvirtsSuffixAndEscape() {
        assertEquals("/machine", QemuCgroups.suffixed("/machine"));
        assertEquals("/machine/web.partition", QemuCgroups.suffixed("/machine/web"));
        assertEquals("/jvirtd-it.partition", QemuCgroups.suffixed("/jvirtd-it"));
        assertEquals("/_cpu.partition", QemuCgroups.suffixed("/cpu"));
        assertEquals("/_cgroup.x", QemuCgroups.suffixed("/cgroup.x"));
        assertEquals("/a.b", QemuCgroups.suffixed("/a.b"));
    }

    @Test
    void mountTableGivesV1ControllersAndTheCgroup2Mount(@TempDir Path dir) throws Exception {
        Path mounts = dir.resolve("mounts");
        Files.writeString(mounts, "tmpfs /sys/fs/cgroup tmpfs rw 0 0\n"
                + "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,relatime,cpu,cpuacct 0 0\n"
                + "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\n"
                + "cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0\n"
                + "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n");
        assertEquals(Map.of("cpu", Path.of("/sys/fs/cgroup/cpu,cpuacct"), "cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct"),
                "memory", Path.of("/sys/fs/cgroup/memory")), QemuCgroups.v1Mounts(mounts));
        assertEquals(Path.of("/sys/fs/cgroup/unified"), QemuCgroups.v2Mount(mounts));
        Files.writeString(mounts, "proc /proc proc rw 0 0\n");
        assertNull(QemuCgroups.v2Mount(mounts));
        assertEquals(Map.of(), QemuCgroups.v1Mounts(mounts));
    }

    @Test
    void cgroupsOffIsNone() {
        assertEquals(false, QemuCgroups.detect(java.util.List.of(), "/machine", true).enabled());
        assertEquals(false, QemuCgroups.detect(null, "/machine", false).enabled());
    }
}
