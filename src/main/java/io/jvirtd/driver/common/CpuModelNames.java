package io.jvirtd.driver.common;

import io.jvirtd.model.CpuMap;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.Enums;

import java.util.List;

/**
 * virConnectGetCPUModelNames as both drivers answer it: an architecture libvirt does not know is
 * refused (in the caller's error domain), x86 and ppc64 give the model names of libvirt's CPU map.
 * Stateless; any thread.
 */
public final class CpuModelNames {

    private CpuModelNames() {
    }

    public static List<String> of(String arch, VirErrorDomain domain) {
        if (!Enums.ARCHES.contains(arch)) {
            throw VirException.invalidArg(domain, "cannot find architecture " + arch);
        }
        return CpuMap.modelNames(arch);
    }
}
