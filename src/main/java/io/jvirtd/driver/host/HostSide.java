package io.jvirtd.driver.host;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host-side drivers one host's connections share: memory facts, interfaces, node devices and
 * the (empty) network and nwfilter drivers, all reading below one root folder. Immutable; its parts are
 * stateless and thread-safe.
 */
public final class HostSide {

    private final Path root;
    private final HostMemory memory;
    private final HostInterfaces interfaces;
    private final HostNodeDevices nodeDevices;
    private final NoNetworks networks = new NoNetworks();
    private final NoNwfilters nwfilters = new NoNwfilters();

    /**
     * @param root the folder holding {@code proc}, {@code sys} and {@code run}: "/" for the real host
     * @param privileged whether the daemon runs as root (only root reads a PCI function's whole config space)
     */
    public HostSide(Path root, boolean privileged) {
        this.root = root;
        SysfsNet net = new SysfsNet(root);
        this.memory = new HostMemory(root);
        this.interfaces = new HostInterfaces(net);
        this.nodeDevices = new HostNodeDevices(new SysfsDevices(root, net, privileged));
    }

    public HostMemory memory() {
        return memory;
    }

    public HostInterfaces interfaces() {
        return interfaces;
    }

    public HostNodeDevices nodeDevices() {
        return nodeDevices;
    }

    public NoNetworks networks() {
        return networks;
    }

    public NoNwfilters nwfilters() {
        return nwfilters;
    }

    /** Whether the firmware's SMBIOS tables are readable (libvirt's sysinfo comes from them). */
    public boolean hasSmbios() {
        return Files.isReadable(root.resolve("sys/firmware/dmi/tables/DMI"));
    }
}
