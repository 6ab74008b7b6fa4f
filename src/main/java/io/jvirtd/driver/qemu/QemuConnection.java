package io.jvirtd.driver.qemu;

import io.jvirtd.driver.common.CpuModelNames;
import io.jvirtd.driver.host.HostInterfaces;
import io.jvirtd.driver.host.HostNodeDevices;
import io.jvirtd.driver.host.HostSide;
import io.jvirtd.driver.host.NoNetworks;
import io.jvirtd.driver.host.NoNwfilters;
import io.jvirtd.driver.secret.SecretConnection;
import io.jvirtd.driver.storage.DirStorageOps;
import io.jvirtd.model.DriverFeature;
import io.jvirtd.model.NodeCpuMap;
import io.jvirtd.model.NodeInfo;
import io.jvirtd.model.NodeMemoryStat;
import io.jvirtd.model.SecurityModel;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.spi.HypervisorConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One client connection to the QEMU driver: the host and connection calls it implements so far
 * (version, host name, capabilities, CPU model names, domxml-to-native, the CPU map), its domain family
 * ({@link QemuDomainOps}), the host's {@code dir} storage pools ({@link DirStorageOps}) and the
 * secret driver's calls ({@link SecretConnection}); every other family and call answers NO_SUPPORT through the SPI's
 * defaults, as libvirtd's QEMU driver would for a slot it leaves empty. Thread-safe.
 */
final class QemuConnection implements HypervisorConnection {

    /** The driver's name ({@code qemuHypervisorDriver.name}). */
    static final String NAME = "QEMU";

    private final QemuLifecycle life;
    private final QemuDomainOps domains;
    private final DirStorageOps storage;
    private final SecretConnection secrets;
    private final HostSide host;

    QemuConnection(QemuLifecycle life, DirStorageOps storage, SecretConnection secrets, HostSide host) {
        this.life = life;
        this.domains = new QemuDomainOps(life);
        this.storage = storage;
        this.secrets = secrets;
        this.host = host;
    }

    @Override
    public String driverName() {
        return NAME;
    }

    /**
     * qemuNodeGetSecurityModel: the first of the capabilities' security models, libvirt's
     * primary security driver, which is "none" here (dac is stacked behind it).
     */
    @Override
    public SecurityModel nodeGetSecurityModel() {
        return new SecurityModel("none", "0");
    }

    @Override
    public long getVersion() {
        return EmulatorCaps.of(QemuXmlOptions.DEFAULT_EMULATOR).versionNumber();
    }

    @Override
    public String getHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.NONE, 5, "cannot read host name", e.getMessage());
        }
    }

    @Override
    public NodeInfo nodeGetInfo() {
        return new HostFacts(Path.of("/")).nodeInfo(); // virsh vcpupin sizes its CPU maps with it
    }

    @Override
    public String getCapabilities() {
        return life.capabilities.capabilitiesXml();
    }

    @Override
    public String getDomainCapabilities(String emulator, String arch, String machine, String virttype, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuConnectGetDomainCapabilities");
        return life.capabilities.domainCapabilitiesXml(emulator, arch, machine, virttype);
    }

    @Override
    public List<String> getCpuModelNames(String arch, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuConnectGetCPUModelNames");
        return CpuModelNames.of(arch, VirErrorDomain.QEMU);
    }

    @Override
    public String domainXmlToNative(String nativeFormat, String domainXml, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuConnectDomainXMLToNative");
        if (!"qemu-argv".equals(nativeFormat)) {
            throw VirException.invalidArg(VirErrorDomain.QEMU, "unsupported config type " + nativeFormat);
        }
        return life.nativeCommandLine(domainXml);
    }

    /** virNodeGetCPUMap (virHostCPUGetMap): the online CPUs of the present ones, from sysfs. */
    @Override
    public NodeCpuMap nodeGetCpuMap(int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.NONE, "virHostCPUGetMap");
        try {
            Path cpus = Path.of("/sys/devices/system/cpu");
            List<Integer> present = HostFacts.cpuList(Files.readString(cpus.resolve("present")));
            List<Integer> online = HostFacts.cpuList(Files.readString(cpus.resolve("online")));
            int total = present.isEmpty() ? 0 : present.get(present.size() - 1) + 1;
            byte[] map = new byte[(total + 7) / 8];
            for (int c : online) {
                if (c < total) {
                    map[c / 8] |= (byte) (1 << (c % 8));
                }
            }
            return new NodeCpuMap(map, online.size(), total);
        } catch (IOException | RuntimeException e) {
            throw VirException.internalError(VirErrorDomain.NONE, "cannot read the host's CPUs: " + e.getMessage());
        }
    }

    /**
     * qemuConnectSupportsFeature's global features (virDriverFeatureIsGlobal): typed-parameter
     * strings (so clients send and receive blkdeviotune's group_name and numatune's nodeset), the network update order
     * and fd passing. The migration features libvirt's QEMU driver answers too stay off: jvirtd
     * migrates no guest.
     */
    @Override
    public boolean supportsFeature(int feature) {
        DriverFeature f = DriverFeature.byNumber(feature);
        return f == DriverFeature.TYPED_PARAM_STRING || f == DriverFeature.NETWORK_UPDATE_HAS_CORRECT_ORDER
                || f == DriverFeature.FD_PASSING;
    }

    @Override
    public List<NodeMemoryStat> nodeGetMemoryStats(int cellNum, int flags) {
        return host.memory().stats(cellNum, flags);
    }

    @Override
    public long[] nodeGetCellsFreeMemory(int startCell, int maxCells) {
        return host.memory().cellsFree(startCell, maxCells);
    }

    @Override
    public long nodeGetFreeMemory() {
        return host.memory().freeMemory();
    }

    @Override
    public List<TypedParameter> nodeGetMemoryParameters(int flags) {
        return host.memory().ksmParameters(flags);
    }

    @Override
    public void nodeSetMemoryParameters(List<TypedParameter> params, int flags) {
        host.memory().setKsmParameters(params, flags);
    }

    /**
     * qemuConnectGetSysinfo: libvirt formats what dmidecode reads from the SMBIOS tables. jvirtd does
     * not decode them, so a host that has them gets NO_SUPPORT; one without them (this kind of
     * virtual machine) gets libvirtd's own answer.
     */
    @Override
    public String getSysinfo(int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuConnectGetSysinfo");
        if (host.hasSmbios()) {
            throw HypervisorConnection.unsupported("virConnectGetSysinfo");
        }
        throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU,
                "Host SMBIOS information is not available");
    }

    @Override
    public HostInterfaces interfaces() {
        return host.interfaces();
    }

    @Override
    public HostNodeDevices nodeDevices() {
        return host.nodeDevices();
    }

    @Override
    public NoNetworks networks() {
        return host.networks();
    }

    @Override
    public NoNwfilters nwfilters() {
        return host.nwfilters();
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public boolean isEncrypted() {
        return false;
    }

    @Override
    public QemuDomainOps domains() {
        return domains;
    }

    @Override
    public DirStorageOps storage() {
        return storage;
    }

    @Override
    public SecretConnection secrets() {
        return secrets;
    }

    @Override
    public void close() {
        secrets.close();
        domains.close();
        storage.close();
    }
}
