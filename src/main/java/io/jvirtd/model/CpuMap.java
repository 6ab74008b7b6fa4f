package io.jvirtd.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The CPU models of libvirt 9.0's CPU map (src/cpu_map/index.xml) per architecture family, in
 * its order, with the vendor each x86 model names: what virConnectGetCPUModelNames answers, and
 * which of an emulator's CPU definitions domain capabilities list (with their vendor). Names and
 * vendors only; jvirtd has no feature data for the models. Immutable.
 */
public final class CpuMap {

    /** One model; {@code vendor} is null where the map names none (libvirt prints "unknown"). */
    public record Model(String name, String vendor) {
    }

    private static final String INTEL = "Intel";
    private static final String AMD = "AMD";

    public static final List<Model> X86 = List.of(
            m("486", null), m("pentium", null), m("pentium2", null), m("pentium3", null), m("pentiumpro", null),
            m("coreduo", INTEL), m("n270", INTEL), m("core2duo", INTEL), m("qemu32", null), m("kvm32", null),
            m("cpu64-rhel5", null), m("cpu64-rhel6", null), m("qemu64", null), m("kvm64", null),
            m("Conroe", INTEL), m("Penryn", INTEL), m("Nehalem", INTEL), m("Nehalem-IBRS", INTEL),
            m("Westmere", INTEL), m("Westmere-IBRS", INTEL), m("SandyBridge", INTEL), m("SandyBridge-IBRS", INTEL),
            m("IvyBridge", INTEL), m("IvyBridge-IBRS", INTEL), m("Haswell-noTSX", INTEL),
            m("Haswell-noTSX-IBRS", INTEL), m("Haswell", INTEL), m("Haswell-IBRS", INTEL),
            m("Broadwell-noTSX", INTEL), m("Broadwell-noTSX-IBRS", INTEL), m("Broadwell", INTEL),
            m("Broadwell-IBRS", INTEL), m("Skylake-Client", INTEL), m("Skylake-Client-IBRS", INTEL),
            m("Skylake-Client-noTSX-IBRS", INTEL), m("Skylake-Server", INTEL), m("Skylake-Server-IBRS", INTEL),
            m("Skylake-Server-noTSX-IBRS", INTEL), m("Cascadelake-Server", INTEL),
            m("Cascadelake-Server-noTSX", INTEL), m("Icelake-Client", INTEL), m("Icelake-Client-noTSX", INTEL),
            m("Icelake-Server", INTEL), m("Icelake-Server-noTSX", INTEL), m("Cooperlake", INTEL),
            m("Snowridge", INTEL), m("athlon", AMD), m("phenom", AMD), m("Opteron_G1", AMD), m("Opteron_G2", AMD),
            m("Opteron_G3", AMD), m("Opteron_G4", AMD), m("Opteron_G5", AMD), m("EPYC", AMD), m("EPYC-IBPB", AMD),
            m("EPYC-Rome", AMD), m("EPYC-Milan", AMD), m("Dhyana", "Hygon"));

    public static final List<Model> PPC64 = List.of(m("POWER6", null), m("POWER7", null), m("POWER8", null),
            m("POWER9", null), m("POWER10", null), m("POWERPC_e5500", null), m("POWERPC_e6500", null));

    private static final Map<String, Model> X86_BY_NAME = X86.stream()
            .collect(Collectors.toUnmodifiableMap(Model::name, Function.identity()));

    private CpuMap() {
    }

    private static Model m(String name, String vendor) {
        return new Model(name, vendor);
    }

    /** Architectures whose libvirt CPU driver has no model list (arm, s390): empty answer. */
    private static final Set<String> ARCHES_WITHOUT_MODELS =
            Set.of("armv6l", "armv7l", "armv7b", "aarch64", "s390", "s390x");
    /** Architectures whose model list comes from libvirt's CPU map (x86, ppc64). */
    private static final Set<String> ARCHES_WITH_MODELS = Set.of("i686", "x86_64", "ppc64", "ppc64le");

    /**
     * libvirt's virCPUGetModels, what every driver's virConnectGetCPUModelNames answers for a
     * known architecture: the map's models, none for arm and s390.
     *
     * @throws VirException NO_SUPPORT (CPU) for an architecture no CPU driver handles
     */
    public static List<String> modelNames(String arch) {
        if (ARCHES_WITHOUT_MODELS.contains(arch)) {
            return List.of();
        }
        if (!ARCHES_WITH_MODELS.contains(arch)) {
            throw VirException.of(VirErrorNumber.NO_SUPPORT, VirErrorDomain.CPU,
                    "'" + arch + "' architecture is not supported by CPU driver");
        }
        return (arch.startsWith("ppc64") ? PPC64 : X86).stream().map(Model::name).toList();
    }

    /** The x86 model called {@code name}, if libvirt's map has it. */
    public static Optional<Model> x86(String name) {
        return Optional.ofNullable(X86_BY_NAME.get(name));
    }
}
