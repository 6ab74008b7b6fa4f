package io.jvirtd.rpc.server;

/** How a client reached us; the numbers are libvirt's admin-API transport codes. */
public enum Transport {
    UNIX(0), TCP(1), TLS(2);

    private final int code;

    Transport(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
