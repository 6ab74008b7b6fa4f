package io.jvirtd.driver.qemu;

import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line arguments of user-mode interfaces as libvirt 9.0 builds them for QEMU 7.2
 * (qemuBuildInterfaceCommandLine): per interface a {@code -netdev {"type":"user","id":"hostnetN"}}
 * (N the alias's number) and its NIC, {@code -device} with the model as driver
 * ({@code virtio-net-pci} for virtio), the netdev, id, MAC, bootindex and PCI address.
 *
 * <p>Expects aliases and addresses assigned. Stateless; any thread.
 */
final class QemuNetArgs {

    private QemuNetArgs() {
    }

    static void interfaces(List<String> argv, DomainDef def, Map<DeviceDef, Integer> bootIndexes) {
        for (DeviceDef net : def.interfaces()) {
            argv.add("-netdev");
            argv.add(QmpCodec.json(netdev(net)));
            argv.add("-device");
            argv.add(QmpCodec.json(nic(def, net, bootIndexes.get(net))));
        }
    }

    /** The user-mode backend, as {@code -netdev} and {@code netdev_add} take it. */
    static Map<String, Object> netdev(DeviceDef net) {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("type", "user");
        host.put("id", netdevId(net));
        return host;
    }

    /** {@code hostnetN} for the interface {@code netN}. */
    static String netdevId(DeviceDef net) {
        return "host" + net.alias();
    }

    /** The NIC's {@code -device} ({@code device_add}) properties. */
    static Map<String, Object> nic(DomainDef def, DeviceDef net, Integer bootIndex) {
        Map<String, Object> nic = new LinkedHashMap<>();
        String model = net.modelType();
        nic.put("driver", "virtio".equals(model) ? "virtio-net-pci" : model);
        nic.put("netdev", netdevId(net));
        nic.put("id", net.alias());
        nic.put("mac", net.macAddress());
        if (bootIndex != null) {
            nic.put("bootindex", bootIndex);
        }
        QemuDeviceProps.address(nic, def, net);
        return nic;
    }
}
