package io.jvirtd.driver.test;

import java.util.List;

/**
 * The CPU model names libvirt 9.0's CPU map (src/cpu_map/index.xml) lists per architecture
 * family, in its order: what virConnectGetCPUModelNames answers. Names only; jvirtd has no
 * feature data for them yet (see {@link CpuBaseline}). Immutable.
 */
final class CpuModels {

    static final List<String> X86 = List.of(
            "486", "pentium", "pentium2", "pentium3", "pentiumpro", "coreduo", "n270", "core2duo", "qemu32",
            "kvm32", "cpu64-rhel5", "cpu64-rhel6", "qemu64", "kvm64", "Conroe", "Penryn", "Nehalem", "Nehalem-IBRS",
            "Westmere", "Westmere-IBRS", "SandyBridge", "SandyBridge-IBRS", "IvyBridge", "IvyBridge-IBRS",
            "Haswell-noTSX", "Haswell-noTSX-IBRS", "Haswell", "Haswell-IBRS", "Broadwell-noTSX", "Broadwell-noTSX-IBRS",
            "Broadwell", "Broadwell-IBRS", "Skylake-Client", "Skylake-Client-IBRS", "Skylake-Client-noTSX-IBRS",
            "Skylake-Server", "Skylake-Server-IBRS", "Skylake-Server-noTSX-IBRS", "Cascadelake-Server",
            "Cascadelake-Server-noTSX", "Icelake-Client", "Icelake-Client-noTSX", "Icelake-Server",
            "Icelake-Server-noTSX", "Cooperlake", "Snowridge", "athlon", "phenom", "Opteron_G1", "Opteron_G2",
            "Opteron_G3", "Opteron_G4", "Opteron_G5", "EPYC", "EPYC-IBPB", "EPYC-Rome", "EPYC-Milan", "Dhyana");

    static final List<String> PPC64 = List.of("POWER6", "POWER7", "POWER8", "POWER9", "POWER10",
            "POWERPC_e5500", "POWERPC_e6500");

    private CpuModels() {
    }

    /** The models of {@code arch}, for an architecture whose CPU driver has a model list. */
    static List<String> of(String arch) {
        return arch.startsWith("ppc64") ? PPC64 : X86;
    }
}
