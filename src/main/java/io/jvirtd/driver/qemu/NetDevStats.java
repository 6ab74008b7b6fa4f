package io.jvirtd.driver.qemu;

import io.jvirtd.model.domain.DomainInterfaceStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host network device's counters from {@code /proc/net/dev}, as libvirt's
 * virNetDevTapInterfaceStats reads them: for a tap device the host's receive is the guest's
 * transmit, so the directions are swapped. Stateless; any thread.
 */
final class NetDevStats {

    private NetDevStats() {
    }

    /** The counters of {@code ifname}, or null when it is not listed. */
    static DomainInterfaceStats read(String ifname, boolean swapped) {
        try {
            return parse(Files.readString(Path.of("/proc/net/dev")), ifname, swapped);
        } catch (IOException e) {
            return null;
        }
    }

    static DomainInterfaceStats parse(String procNetDev, String ifname, boolean swapped) {
        for (String line : procNetDev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).trim().equals(ifname)) {
                continue;
            }
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            long[] v = new long[16];
            for (int i = 0; i < 16 && i < f.length; i++) {
                v[i] = Long.parseLong(f[i]);
            }
            // receive: bytes packets errs drop (0-3); transmit: bytes packets errs drop (8-11)
            if (swapped) {
                return new DomainInterfaceStats(v[8], v[9], v[10], v[11], v[0], v[1], v[2], v[3]);
            }
            return new DomainInterfaceStats(v[0], v[1], v[2], v[3], v[8], v[9], v[10], v[11]);
        }
        return null;
    }
}
