package io.jvirtd.model.domain;

/** virDomainInterfaceStats' {@code virDomainInterfaceStatsStruct}; -1 means "not available". */
public record DomainInterfaceStats(long rxBytes, long rxPackets, long rxErrs, long rxDrop,
                                   long txBytes, long txPackets, long txErrs, long txDrop) {
}
