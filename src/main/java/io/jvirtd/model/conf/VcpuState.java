package io.jvirtd.model.conf;

/**
 * One vCPU of a definition as libvirt's {@code virDomainVcpuDef} holds it: online or not,
 * hot-pluggable or not, and its order of enabling (0: none). Immutable.
 *
 * @param online       {@code enabled='yes'}
 * @param hotpluggable {@code hotpluggable='yes'} (after parsing never absent: online ones
 *                     default to no, offline ones to yes, as virDomainVcpuDefPostParse)
 * @param order        {@code order}, 0 when unset
 */
public record VcpuState(boolean online, boolean hotpluggable, int order) {
}
