package io.jvirtd.driver.qemu;

import io.jvirtd.driver.host.HostSide;
import io.jvirtd.driver.schema.RelaxNgSchemas;
import io.jvirtd.driver.secret.SecretDriver;
import io.jvirtd.driver.storage.DirStorage;
import io.jvirtd.model.SchemaValidator;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.model.spi.DriverEventLoop;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.model.spi.HypervisorDriver;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * libvirt's QEMU driver for {@code qemu:///system} (and {@code qemu:///session}, which a
 * privileged daemon also accepts, as libvirtd does): real guests under
 * {@code qemu-system-x86_64} with TCG. A stateful driver: {@link #start} runs after the event
 * loop and before the network, reads the persistent definitions and reattaches to the guests
 * that kept running while the daemon was away. Its connections also serve the secret driver
 * ({@link SecretDriver}, folder {@code secrets} beside the definitions), as libvirtd's do.
 *
 * <p>Threads: {@link #open} from workers; the domain operations are {@link QemuLifecycle}'s.
 * QMP monitors are read by the daemon's event loop; what their events change is done on the
 * driver's one event thread ({@code qemu-event}), in arrival order, never blocking it.
 */
public final class QemuDriver implements HypervisorDriver {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");

    private final boolean privileged;
    private final QemuPaths paths;
    private final EventBus events = new EventBus();
    private final QemuDomains domains = new QemuDomains();
    private final ExecutorService eventThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qemu-event");
        t.setDaemon(true);
        return t;
    });
    private final QemuCapabilities capabilities;
    private final QemuRunAs runAs;
    private final SchemaValidator schemas;
    private final Settings settings;
    private volatile QemuLifecycle lifecycle;
    /** The storage driver a qemu:/// connection also serves, as libvirtd's does. */
    private final DirStorage storage;
    /** The host facts, interfaces, node devices and (empty) networks a qemu:/// connection also serves. */
    private final HostSide host;
    private volatile SecretDriver secrets;

    /**
     * The daemon's settings for this driver.
     *
     * @param qemuRoot the {@code qemu_root} folder holding every file the driver writes, or null
     *                 for the defaults (jvirtd's own folders, never libvirtd's)
     * @param offerKvm {@code qemu_kvm}: offer {@code type='kvm'} where a probe shows KVM works;
     *                 false runs TCG only, whatever {@code /dev/kvm} says
     * @param hostUuid the daemon's {@code host_uuid}, or null for the DMI one (else a random one)
     * @param user     {@code qemu_user} (qemu.conf's {@code user}: a name or "+UID"), or null: the daemon's
     * @param group    {@code qemu_group} (qemu.conf's {@code group}), or null: the daemon's
     * @param cgroupControllers {@code qemu_cgroup_controllers} (qemu.conf's {@code cgroup_controllers}),
     *                 or null: every usable one ({@link QemuCgroups})
     * @param cgroupPartition {@code qemu_cgroup_partition}, or null: {@code /machine}
     */
    public record Settings(Path qemuRoot, boolean offerKvm, String hostUuid, String user, String group,
                           List<String> cgroupControllers, String cgroupPartition) {

        /** QEMU runs as the daemon's user and group. */
        public Settings(Path qemuRoot, boolean offerKvm, String hostUuid) {
            this(qemuRoot, offerKvm, hostUuid, null, null);
        }

        /** Guests in libvirt's default cgroups. */
        public Settings(Path qemuRoot, boolean offerKvm, String hostUuid, String user, String group) {
            this(qemuRoot, offerKvm, hostUuid, user, group, null, null);
        }
    }

    /** With the host's libvirt schemas for the XML calls' VALIDATE flags. */
    public QemuDriver(Settings settings) {
        this(settings, RelaxNgSchemas.system());
    }

    /** @param schemas what checks XML against libvirt's schemas (VALIDATE flags) */
    public QemuDriver(Settings settings, SchemaValidator schemas) {
        this.schemas = schemas;
        this.settings = settings;
        this.privileged = "root".equals(System.getProperty("user.name"));
        this.host = new HostSide(Path.of("/"), privileged);
        this.paths = settings.qemuRoot() != null ? QemuPaths.under(settings.qemuRoot())
                : QemuPaths.defaults(privileged, System.getenv(), Path.of(System.getProperty("user.home")));
        this.storage = new DirStorage(paths.storageConfigDir(), paths.storageStateDir(), events, "qemu-img");
        this.runAs = QemuRunAs.of(settings.user(), settings.group(), privileged, QemuCapabilities.processLabel());
        this.capabilities = new QemuCapabilities(QemuXmlOptions.DEFAULT_EMULATOR, settings.offerKvm(),
                new HostFacts(Path.of("/")), settings.hostUuid(), runAs.label());
    }

    @Override
    public String name() {
        return QemuConnection.NAME;
    }

    @Override
    public String uriScheme() {
        return "qemu";
    }

    @Override
    public void start(DriverEventLoop loop) {
        storage.start(); // before the guests: their volume disks resolve through the pools
        domains.inhibitIdleExitOn(loop);
        secrets = SecretDriver.load(paths.secretsDir(), schemas);
        QemuCgroups cgroups = QemuCgroups.detect(settings.cgroupControllers(), settings.cgroupPartition(), privileged);
        QemuLifecycle l = new QemuLifecycle(paths, domains, events, loop, eventThread, capabilities, runAs, schemas,
                storage, cgroups);
        l.loadAndReattach();
        QemuSnapshots.loadAll(paths, domains);
        new QemuSnapshots(l).resumeDeletes(); // a snapshot delete a killed daemon left half done
        l.diskJobs.recover(); // and the block jobs clients started
        lifecycle = l;
        l.autostart();
    }

    @Override
    public void stop() {
        QemuLifecycle l = lifecycle;
        if (l != null) {
            l.detachAll();
        }
        eventThread.shutdown();
        try {
            eventThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<HypervisorConnection> open(URI uri, String requestedName, boolean readOnly) {
        if (!"qemu".equals(uri.getScheme()) || uri.getRawAuthority() != null || uri.isOpaque()) {
            return Optional.empty();
        }
        String path = uri.getPath();
        boolean ok = privileged ? "/system".equals(path) || "/session".equals(path) : "/session".equals(path);
        if (!ok) {
            throw VirException.format(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                    "unexpected qemu URI path '%s', try qemu:///%s", path, privileged ? "system" : "session");
        }
        QemuLifecycle l = lifecycle;
        if (l == null) {
            throw VirException.internalError(VirErrorDomain.QEMU, "qemu state driver is not active");
        }
        LOG.log(Level.DEBUG, "open {0}", requestedName);
        return Optional.of(new QemuConnection(l, storage.connection(), secrets.connect(), host));
    }

    /** For tests: the folders in use. */
    Map<String, Path> folders() {
        return Map.of("secrets", paths.secretsDir(), "config", paths.configDir(), "state", paths.stateDir(), "lib", paths.libDir(),
                "log", paths.logDir());
    }
}
