package io.jvirtd.model.domain;

import java.util.List;
import java.util.Objects;

/**
 * One {@code virDomainInterface} of virDomainInterfaceAddresses: name, MAC address (may be null)
 * and addresses.
 */
public record DomainInterface(String name, String hwaddr, List<IpAddress> addrs) {

    /** {@code virDomainIPAddress}: type 0 IPv4, 1 IPv6 (virIPAddrType), address text, prefix. */
    public record IpAddress(int type, String addr, int prefix) {
        public static final int TYPE_IPV4 = 0;
        public static final int TYPE_IPV6 = 1;

        public IpAddress {
            Objects.requireNonNull(addr, "addr");
        }
    }

    public DomainInterface {
        Objects.requireNonNull(name, "name");
        addrs = List.copyOf(addrs);
    }
}
