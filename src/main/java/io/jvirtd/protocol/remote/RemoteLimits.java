package io.jvirtd.protocol.remote;

/**
 * The bounds of remote_protocol.x (libvirt 9.0) that the declared records use, under their
 * .x names so that a record and its struct can be compared side by side. Constants; any
 * thread.
 */
public final class RemoteLimits {
    public static final int REMOTE_STRING_MAX = 4194304;
    public static final int REMOTE_DOMAIN_LIST_MAX = 16384;
    public static final int REMOTE_CPUMAP_MAX = 2048;
    public static final int REMOTE_NODE_CPU_STATS_MAX = 16;
    public static final int REMOTE_NODE_MEMORY_STATS_MAX = 16;
    public static final int REMOTE_NODE_MAX_CELLS = 1024;
    public static final int REMOTE_AUTH_TYPE_LIST_MAX = 20;
    public static final int REMOTE_NODE_MEMORY_PARAMETERS_MAX = 64;
    public static final int REMOTE_NODE_SEV_INFO_MAX = 64;
    public static final int REMOTE_CPU_BASELINE_MAX = 256;
    public static final int REMOTE_CONNECT_CPU_MODELS_MAX = 8192;
    /** VIR_SECURITY_MODEL_BUFLEN: 256 chars and the NUL. */
    public static final int REMOTE_SECURITY_MODEL_MAX = 256 + 1;
    /** VIR_SECURITY_DOI_BUFLEN: 256 chars and the NUL. */
    public static final int REMOTE_SECURITY_DOI_MAX = 256 + 1;
    /** VIR_UUID_BUFLEN: a raw UUID. */
    public static final int VIR_UUID_BUFLEN = 16;

    private RemoteLimits() {
    }
}
