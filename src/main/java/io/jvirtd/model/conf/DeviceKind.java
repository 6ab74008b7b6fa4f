package io.jvirtd.model.conf;

/**
 * The device kinds of a domain, in the order libvirt prints them inside {@code <devices>}
 * ({@code virDomainDefFormatInternal}); the element name is what the XML uses.
 */
public enum DeviceKind {
    DISK("disk"),
    CONTROLLER("controller"),
    LEASE("lease"),
    FILESYSTEM("filesystem"),
    INTERFACE("interface"),
    SMARTCARD("smartcard"),
    SERIAL("serial"),
    PARALLEL("parallel"),
    CONSOLE("console"),
    CHANNEL("channel"),
    INPUT("input"),
    TPM("tpm"),
    GRAPHICS("graphics"),
    SOUND("sound"),
    AUDIO("audio"),
    VIDEO("video"),
    HOSTDEV("hostdev"),
    REDIRDEV("redirdev"),
    REDIRFILTER("redirfilter"),
    HUB("hub"),
    WATCHDOG("watchdog"),
    MEMBALLOON("memballoon"),
    RNG("rng"),
    NVRAM("nvram"),
    PANIC("panic"),
    SHMEM("shmem"),
    MEMORY("memory"),
    IOMMU("iommu"),
    VSOCK("vsock");

    private final String element;

    DeviceKind(String element) {
        this.element = element;
    }

    /** The element name inside {@code <devices>}. */
    public String element() {
        return element;
    }

    /** The kind for an element name, or null when libvirt has no such device. */
    public static DeviceKind byElement(String name) {
        for (DeviceKind k : values()) {
            if (k.element.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
