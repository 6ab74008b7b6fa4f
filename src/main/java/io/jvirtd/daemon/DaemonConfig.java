package io.jvirtd.daemon;

import io.jvirtd.rpc.server.ClientMemoryBudget;
import io.jvirtd.rpc.server.ServerLimits;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The daemon's settings: libvirtd.conf's key names and libvirt 9.0's defaults, except where
 * jvirtd runs out of the box instead (docs/architecture.md §8: {@code --listen} gives TCP on
 * 127.0.0.1 with auth "none"). Filled by the process leader before anything starts; read-only
 * afterwards.
 */
public final class DaemonConfig {

    // Network.
    public boolean listenTcp = true;
    public boolean listenTls = true;
    public String tcpPort = "16509";
    public String tlsPort = "16514";
    public String listenAddr = "127.0.0.1";
    public Path unixSockDir = defaultSocketDir();
    public String unixSockGroup;
    public String unixSockRoPerms = "0777";
    public String unixSockRwPerms = "0700";
    public String unixSockAdminPerms = "0700";
    public String authUnixRw = "none";
    public String authUnixRo = "none";
    public String authTcp = "none";
    public String authTls = "none";
    /** [key_file] [cert_file] [ca_file] [crl_file]: null means libvirt's default paths (see TlsSetup). */
    public String keyFile;
    public String certFile;
    public String caFile;
    public String crlFile;
    public boolean tlsNoVerifyCertificate;
    public boolean tlsNoSanityCertificate;
    public List<String> tlsAllowedDnList;
    /** The file sets listen_tls or a credential path: TLS problems then stop start-up (see TlsSetup). */
    public boolean tlsRequested;

    // Limits and threads of the "libvirtd" server.
    public int maxClients = 5000;
    public int maxQueuedClients = 1000;
    public int maxAnonymousClients = 20;
    public int minWorkers = 5;
    public int maxWorkers = 20;
    public int prioWorkers = 5;
    public int maxClientRequests = 5;
    public int keepaliveInterval = 5;
    public int keepaliveCount = 5;

    // Memory clients may make the daemon hold (jvirtd's own, issue 17; see ClientMemoryBudget).
    /** [client_memory_budget] bytes for all clients together; null: automatic, from the heap. */
    public Long clientMemoryBudget;
    /** [client_memory_budget_restricted] the part clients before CONNECT_OPEN and read-only clients may hold; null: automatic. */
    public Long clientMemoryBudgetRestricted;
    /** [client_memory_timeout] seconds to finish an admitted message or to read pending output. */
    public int clientMemoryTimeout = 30;
    /**
     * [client_event_queue_limit] bytes of events one client may have waiting before the oldest
     * are dropped (jvirtd's own, issue 18; see ServerClient#sendEvent).
     */
    public long clientEventQueueLimit = ServerLimits.MAX_QUEUED_EVENT_BYTES;
    /** Smallest client_event_queue_limit: a few events of any kind must fit. */
    public static final long MIN_EVENT_QUEUE_LIMIT = 4096;

    // The "admin" server.
    public int adminMinWorkers = 5;
    public int adminMaxWorkers = 20;
    public int adminMaxClients = 5000;
    public int adminMaxQueuedClients = 20;
    public int adminMaxClientRequests = 5;
    public int adminKeepaliveInterval = 5;
    public int adminKeepaliveCount = 5;

    // Logging.
    public int logLevel = 3;
    public String logFilters;
    public String logOutputs;

    public String hostUuid;

    // jvirtd's own.
    /** [metrics_listen_addr] "HOST:PORT" of the Prometheus endpoint; null (the default) for none. */
    public String metricsListenAddr;
    /**
     * [test_slow_call] TEST ONLY, off by default: "PROC:MILLIS" makes every call to remote procedure
     * number PROC wait MILLIS ms on its worker before it is served, so tests can hold workers busy.
     * Honoured only when the JVM runs with -Djvirtd.test.hooks=true (see SlowCallHook).
     */
    public String testSlowCall;
    /**
     * [test_fault_plan] a fault plan file for the mock host's {@code test:///default}
     * (docs/fault-injection.md), read at start and again on SIGHUP; null (the default) for none.
     * It touches only test:// connections, so it needs no test-hooks switch.
     */
    public Path testFaultPlan;
    /**
     * [qemu_root] one folder for every file the QEMU driver writes (definitions, status and pid
     * files, monitor sockets, logs); null (the default) for jvirtd's own system or XDG folders.
     */
    public java.nio.file.Path qemuRoot;
    /**
     * [qemu_kvm] offer {@code type='kvm'} guests where a probe shows KVM works; false (the default)
     * runs TCG only, whatever /dev/kvm says (it exists on hosts that cannot run KVM guests).
     */
    public boolean qemuKvm;
    /**
     * [qemu_user], [qemu_group] who QEMU runs as, as qemu.conf's {@code user} and {@code group}: a
     * name, or "+N" for the number N; null (the default): the daemon's. Applied when the daemon
     * runs as root; an unknown name fails the QEMU driver's start (exit 1).
     */
    public String qemuUser;
    public String qemuGroup;
    /**
     * [qemu_cgroup_controllers] qemu.conf's {@code cgroup_controllers}: the cgroup v1 controllers
     * guests are placed in (of cpu, cpuacct, cpuset, memory, blkio, freezer); {@code [ ]} for
     * none; null (the default): every one the host mounts and root can write.
     */
    public List<String> qemuCgroupControllers;
    /**
     * [qemu_cgroup_partition] the cgroup partition guests are placed in, libvirt's
     * {@code <resource><partition>} default: {@code /machine} (the default). A daemon of its own
     * (tests) takes another, so that two daemons never share a group.
     */
    public String qemuCgroupPartition;

    private enum Type { INT, LONG, STRING, BOOL, LIST }

    private record Key(Type type, Setter setter) {
    }

    @FunctionalInterface
    private interface Setter {
        void set(DaemonConfig c, Object v);
    }

    private static final Map<String, Key> KEYS = new HashMap<>();

    private static void key(String name, Type type, Setter setter) {
        KEYS.put(name, new Key(type, setter));
    }

    /** Keys libvirtd knows that jvirtd accepts and does not act on (yet). */
    private static void ignored(String name, Type type) {
        key(name, type, (c, v) -> { });
    }

    static {
        key("listen_tcp", Type.BOOL, (c, v) -> c.listenTcp = (Boolean) v);
        key("listen_tls", Type.BOOL, (c, v) -> c.listenTls = (Boolean) v);
        key("tcp_port", Type.STRING, (c, v) -> c.tcpPort = (String) v);
        key("tls_port", Type.STRING, (c, v) -> c.tlsPort = (String) v);
        key("listen_addr", Type.STRING, (c, v) -> c.listenAddr = (String) v);
        key("unix_sock_dir", Type.STRING, (c, v) -> c.unixSockDir = Path.of((String) v));
        key("unix_sock_group", Type.STRING, (c, v) -> c.unixSockGroup = (String) v);
        key("unix_sock_ro_perms", Type.STRING, (c, v) -> c.unixSockRoPerms = (String) v);
        key("unix_sock_rw_perms", Type.STRING, (c, v) -> c.unixSockRwPerms = (String) v);
        key("unix_sock_admin_perms", Type.STRING, (c, v) -> c.unixSockAdminPerms = (String) v);
        key("auth_unix_rw", Type.STRING, (c, v) -> c.authUnixRw = (String) v);
        key("auth_unix_ro", Type.STRING, (c, v) -> c.authUnixRo = (String) v);
        key("auth_tcp", Type.STRING, (c, v) -> c.authTcp = (String) v);
        key("auth_tls", Type.STRING, (c, v) -> c.authTls = (String) v);
        key("key_file", Type.STRING, (c, v) -> c.keyFile = (String) v);
        key("cert_file", Type.STRING, (c, v) -> c.certFile = (String) v);
        key("ca_file", Type.STRING, (c, v) -> c.caFile = (String) v);
        key("crl_file", Type.STRING, (c, v) -> c.crlFile = (String) v);
        key("tls_no_verify_certificate", Type.BOOL, (c, v) -> c.tlsNoVerifyCertificate = (Boolean) v);
        key("tls_no_sanity_certificate", Type.BOOL, (c, v) -> c.tlsNoSanityCertificate = (Boolean) v);
        key("tls_allowed_dn_list", Type.LIST, (c, v) -> c.tlsAllowedDnList = strings(v));
        key("max_clients", Type.INT, (c, v) -> c.maxClients = (Integer) v);
        key("max_queued_clients", Type.INT, (c, v) -> c.maxQueuedClients = (Integer) v);
        key("max_anonymous_clients", Type.INT, (c, v) -> c.maxAnonymousClients = (Integer) v);
        key("min_workers", Type.INT, (c, v) -> c.minWorkers = (Integer) v);
        key("max_workers", Type.INT, (c, v) -> c.maxWorkers = (Integer) v);
        key("prio_workers", Type.INT, (c, v) -> c.prioWorkers = (Integer) v);
        key("max_client_requests", Type.INT, (c, v) -> c.maxClientRequests = (Integer) v);
        key("keepalive_interval", Type.INT, (c, v) -> c.keepaliveInterval = (Integer) v);
        key("keepalive_count", Type.INT, (c, v) -> c.keepaliveCount = (Integer) v);
        key("admin_min_workers", Type.INT, (c, v) -> c.adminMinWorkers = (Integer) v);
        key("admin_max_workers", Type.INT, (c, v) -> c.adminMaxWorkers = (Integer) v);
        key("admin_max_clients", Type.INT, (c, v) -> c.adminMaxClients = (Integer) v);
        key("admin_max_queued_clients", Type.INT, (c, v) -> c.adminMaxQueuedClients = (Integer) v);
        key("admin_max_client_requests", Type.INT, (c, v) -> c.adminMaxClientRequests = (Integer) v);
        key("admin_keepalive_interval", Type.INT, (c, v) -> c.adminKeepaliveInterval = (Integer) v);
        key("admin_keepalive_count", Type.INT, (c, v) -> c.adminKeepaliveCount = (Integer) v);
        key("log_level", Type.INT, (c, v) -> c.logLevel = (Integer) v);
        key("log_filters", Type.STRING, (c, v) -> c.logFilters = (String) v);
        key("log_outputs", Type.STRING, (c, v) -> c.logOutputs = (String) v);
        key("host_uuid", Type.STRING, (c, v) -> c.hostUuid = (String) v);
        key("client_memory_budget", Type.LONG, (c, v) -> c.clientMemoryBudget = (Long) v);
        key("client_memory_budget_restricted", Type.LONG, (c, v) -> c.clientMemoryBudgetRestricted = (Long) v);
        key("client_memory_timeout", Type.INT, (c, v) -> c.clientMemoryTimeout = (Integer) v);
        key("client_event_queue_limit", Type.LONG, (c, v) -> c.clientEventQueueLimit = (Long) v);
        key("metrics_listen_addr", Type.STRING, (c, v) -> c.metricsListenAddr = (String) v);
        key("test_slow_call", Type.STRING, (c, v) -> c.testSlowCall = (String) v);
        key("test_fault_plan", Type.STRING, (c, v) -> c.testFaultPlan = Path.of((String) v));
        key("qemu_root", Type.STRING, (c, v) -> c.qemuRoot = java.nio.file.Path.of((String) v));
        key("qemu_kvm", Type.BOOL, (c, v) -> c.qemuKvm = (Boolean) v);
        key("qemu_user", Type.STRING, (c, v) -> c.qemuUser = (String) v);
        key("qemu_group", Type.STRING, (c, v) -> c.qemuGroup = (String) v);
        key("qemu_cgroup_controllers", Type.LIST, (c, v) -> c.qemuCgroupControllers = strings(v));
        key("qemu_cgroup_partition", Type.STRING, (c, v) -> c.qemuCgroupPartition = (String) v);
        ignored("host_uuid_source", Type.STRING);
        ignored("tls_priority", Type.STRING);
        ignored("tcp_min_ssf", Type.INT);
        ignored("mdns_adv", Type.BOOL);
        ignored("mdns_name", Type.STRING);
        ignored("sasl_allowed_username_list", Type.LIST);
        ignored("access_drivers", Type.LIST);
        ignored("audit_level", Type.INT);
        ignored("audit_logging", Type.BOOL);
        ignored("keepalive_required", Type.BOOL);
        ignored("admin_keepalive_required", Type.BOOL);
        ignored("ovs_timeout", Type.INT);
        ignored("log_buffer_size", Type.INT);
    }

    /** Every key the daemon reads, including those it accepts for libvirtd.conf's sake and ignores. */
    static java.util.Set<String> knownKeys() {
        return java.util.Set.copyOf(KEYS.keySet());
    }

    /**
     * Applies the entries of a parsed file. Unknown keys are reported through {@code warn};
     * a value of the wrong type or out of range fails, naming file, line and key.
     */
    public static DaemonConfig from(String file, Map<String, ConfigFile.Entry> entries, Consumer<String> warn)
            throws ConfigException {
        DaemonConfig c = new DaemonConfig();
        for (ConfigFile.Entry e : entries.values()) {
            Key k = KEYS.get(e.key());
            if (k == null) {
                warn.accept(file + ":" + e.line() + ": unknown configuration key '" + e.key() + "' ignored");
                continue;
            }
            k.setter().set(c, typed(file, e, k.type()));
        }
        c.validate(file, entries);
        return c;
    }

    private static Object typed(String file, ConfigFile.Entry e, Type type) throws ConfigException {
        Object v = e.value();
        switch (type) {
            case INT:
            case BOOL:
                if (!(v instanceof Long)) {
                    throw bad(file, e, "expected a number, got " + describe(v));
                }
                long n = (Long) v;
                if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    throw bad(file, e, "number " + n + " is out of range");
                }
                return type == Type.BOOL ? Boolean.valueOf(n != 0) : Integer.valueOf((int) n);
            case LONG:
                if (!(v instanceof Long)) {
                    throw bad(file, e, "expected a number, got " + describe(v));
                }
                return v;
            case STRING:
                if (!(v instanceof String)) {
                    throw bad(file, e, "expected a string, got " + describe(v));
                }
                return v;
            default:
                if (v instanceof String) {
                    return List.of(v);
                }
                if (!(v instanceof List)) {
                    throw bad(file, e, "expected a list of strings, got " + describe(v));
                }
                return v;
        }
    }

    private void validate(String file, Map<String, ConfigFile.Entry> entries) throws ConfigException {
        requireNonNegative(file, entries, "max_clients", maxClients, 1);
        requireNonNegative(file, entries, "max_queued_clients", maxQueuedClients, 0);
        requireNonNegative(file, entries, "max_anonymous_clients", maxAnonymousClients, 0);
        requireNonNegative(file, entries, "max_client_requests", maxClientRequests, 1);
        requireNonNegative(file, entries, "min_workers", minWorkers, 0);
        requireNonNegative(file, entries, "max_workers", maxWorkers, 1);
        requireNonNegative(file, entries, "prio_workers", prioWorkers, 0);
        requireNonNegative(file, entries, "keepalive_count", keepaliveCount, 0);
        requireNonNegative(file, entries, "client_memory_timeout", clientMemoryTimeout, 1);
        if (clientEventQueueLimit < MIN_EVENT_QUEUE_LIMIT) {
            throw bad(file, entries.get("client_event_queue_limit"), "value " + clientEventQueueLimit
                    + " must be at least " + MIN_EVENT_QUEUE_LIMIT);
        }
        if (clientMemoryBudget != null && clientMemoryBudget < ClientMemoryBudget.MIN_LIMIT) {
            throw bad(file, entries.get("client_memory_budget"), "value " + clientMemoryBudget
                    + " must be at least " + ClientMemoryBudget.MIN_LIMIT + " (64 MiB: a largest message must fit)");
        }
        if (clientMemoryBudgetRestricted != null) {
            long budget = memorySettingsLimit(Runtime.getRuntime().maxMemory());
            if (clientMemoryBudgetRestricted < 0 || clientMemoryBudgetRestricted > budget) {
                throw bad(file, entries.get("client_memory_budget_restricted"), "value " + clientMemoryBudgetRestricted
                        + " must be between 0 and client_memory_budget (" + budget + ")");
            }
        }
        if (minWorkers > maxWorkers) {
            throw bad(file, entryOf(entries, "min_workers", "max_workers"),
                    "min_workers (" + minWorkers + ") must not exceed max_workers (" + maxWorkers + ")");
        }
        port(file, entries, "tcp_port", tcpPort);
        if (metricsListenAddr != null) {
            try {
                io.jvirtd.daemon.metrics.MetricsServer.parseAddress(metricsListenAddr);
            } catch (IllegalArgumentException e) {
                throw bad(file, entries.get("metrics_listen_addr"), e.getMessage());
            }
        }
        if (testSlowCall != null && !testSlowCall.matches("\\d{1,9}:\\d{1,9}")) {
            throw bad(file, entries.get("test_slow_call"), "expected \"PROC:MILLIS\", got '" + testSlowCall + "'");
        }
        port(file, entries, "tls_port", tlsPort);
        tlsRequested = (listenTls && entries.containsKey("listen_tls")) || keyFile != null || certFile != null
                || caFile != null;
        for (String key : List.of("unix_sock_ro_perms", "unix_sock_rw_perms", "unix_sock_admin_perms")) {
            ConfigFile.Entry e = entries.get(key);
            if (e != null && !((String) e.value()).matches("0?[0-7]{3,4}")) {
                throw bad(file, e, "invalid octal file mode '" + e.value() + "'");
            }
        }
        for (String key : List.of("auth_unix_rw", "auth_unix_ro", "auth_tcp", "auth_tls")) {
            ConfigFile.Entry e = entries.get(key);
            if (e != null && !"none".equals(e.value())) {
                throw bad(file, e, "unsupported authentication type '" + e.value()
                        + "': jvirtd supports \"none\" only");
            }
        }
    }

    /**
     * The budget clients count against: the configured sizes, or the automatic ones for a heap
     * of {@code maxHeap} bytes (ClientMemoryBudget.automaticLimit / automaticRestricted).
     */
    public ClientMemoryBudget.Settings memorySettings(long maxHeap) {
        long limit = memorySettingsLimit(maxHeap);
        long restricted = clientMemoryBudgetRestricted != null ? clientMemoryBudgetRestricted
                : ClientMemoryBudget.automaticRestricted(limit);
        return new ClientMemoryBudget.Settings(limit, restricted, clientMemoryTimeout * 1000L);
    }

    private long memorySettingsLimit(long maxHeap) {
        return clientMemoryBudget != null ? clientMemoryBudget : ClientMemoryBudget.automaticLimit(maxHeap);
    }

    private static void requireNonNegative(String file, Map<String, ConfigFile.Entry> entries, String key,
                                           int value, int min) throws ConfigException {
        if (value < min && entries.containsKey(key)) {
            throw bad(file, entries.get(key), "value " + value + " must be at least " + min);
        }
    }

    private static void port(String file, Map<String, ConfigFile.Entry> entries, String key, String value)
            throws ConfigException {
        ConfigFile.Entry e = entries.get(key);
        if (e == null) {
            return;
        }
        try {
            int p = Integer.parseInt(value);
            if (p >= 0 && p <= 65535) {
                return;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(file, e, "invalid port '" + value + "'");
    }

    private static ConfigFile.Entry entryOf(Map<String, ConfigFile.Entry> entries, String a, String b) {
        return entries.containsKey(a) ? entries.get(a) : entries.get(b);
    }

    private static ConfigException bad(String file, ConfigFile.Entry e, String what) {
        return new ConfigException(file + ":" + (e == null ? "?" : e.line()) + ": key '"
                + (e == null ? "?" : e.key()) + "': " + what);
    }

    private static String describe(Object v) {
        if (v instanceof String) {
            return "the string \"" + v + "\"";
        }
        if (v instanceof List) {
            return "a list";
        }
        return "the number " + v;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object v) {
        return (List<String>) v;
    }

    static Path defaultSocketDir() {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/run/jvirtd");
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        return runtime != null ? Path.of(runtime, "jvirtd") : Path.of(System.getProperty("java.io.tmpdir"), "jvirtd");
    }
}
