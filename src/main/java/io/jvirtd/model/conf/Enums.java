package io.jvirtd.model.conf;

import java.util.List;

/**
 * libvirt 9.0's enum string tables used when checking domain XML (VIR_ENUM_IMPL lists); the
 * public ones are also what every driver checks its arguments against. Immutable.
 */
public final class Enums {

    private Enums() {
    }

    public static final List<String> VIRT_TYPES = List.of("none", "qemu", "kqemu", "kvm", "xen", "lxc",
            "uml", "openvz", "test", "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve",
            "vz", "hvf");

    static final List<String> OS_TYPES = List.of("hvm", "xen", "linux", "exe", "uml", "xenpvh");

    /** virArch names except "none" (which virArchFromString maps to the error value). */
    public static final List<String> ARCHES = List.of("alpha", "armv6l", "armv7l", "armv7b", "aarch64",
            "cris", "i686", "ia64", "lm32", "m68k", "microblaze", "microblazeel", "mips", "mipsel",
            "mips64", "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64",
            "ppc64le", "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb", "sparc",
            "sparc64", "unicore32", "x86_64", "xtensa", "xtensaeb");

    static final List<String> BOOT_DEVS = List.of("fd", "cdrom", "hd", "network");

    public static final List<String> LIFECYCLE_ACTIONS = List.of("destroy", "restart", "rename-restart",
            "preserve", "coredump-destroy", "coredump-restart");

    static final List<String> LOCK_FAILURE = List.of("default", "poweroff", "restart", "pause",
            "ignore");

    static final List<String> FEATURES = List.of("acpi", "apic", "pae", "hap", "viridian",
            "privnet", "hyperv", "kvm", "pvspinlock", "capabilities", "pmu", "vmport", "gic",
            "smm", "ioapic", "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs", "ccf-assist", "xen",
            "cfpc", "sbbc", "ibs", "tcg");

    static final List<String> PERF_EVENTS = List.of("cmt", "mbmt", "mbml", "cpu_cycles",
            "instructions", "cache_references", "cache_misses", "branch_instructions",
            "branch_misses", "bus_cycles", "stalled_cycles_frontend", "stalled_cycles_backend",
            "ref_cpu_cycles", "cpu_clock", "task_clock", "page_faults", "context_switches",
            "cpu_migrations", "page_faults_min", "page_faults_maj", "alignment_faults",
            "emulation_faults");

    static final List<String> CLOCK_OFFSETS = List.of("utc", "localtime", "variable", "timezone",
            "absolute");

    static final List<String> TRISTATE_BOOL = List.of("yes", "no");
    static final List<String> TRISTATE_SWITCH = List.of("on", "off");
}
