package io.jvirtd.model.domain;

import io.jvirtd.model.TypedParameter;

import java.util.List;

/**
 * virDomainGetCPUStats' answer in wire form: {@code count} is the C return value (stats per CPU,
 * or when {@code nparams} was 0 the number of stats or CPUs asked about), {@code params} the
 * filled parameters in order, CPU-major, with the empty slots of libvirt's sparse array left out
 * (as virTypedParamsSerialize skips them).
 */
public record DomainCpuStats(int count, List<TypedParameter> params) {
    public DomainCpuStats {
        params = List.copyOf(params);
    }
}
