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
            String netdev = "host" + net.alias();
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("type", "user");
            host.put("id", netdev);
            argv.add("-netdev");
            argv.add(QmpCodec.json(host));
            Map<String, Object> nic = new LinkedHashMap<>();
            String model = net.modelType();
            nic.put("driver", "virtio".equals(model) ? "virtio-net-pci" : model);
            nic.put("netdev", netdev);
            nic.put("id", net.alias());
            nic.put("mac", net.macAddress());
            Integer boot = bootIndexes.get(net);
            if (boot != null) {
                nic.put("bootindex", boot);
            }
            QemuDeviceProps.address(nic, def, net);
            argv.add("-device");
            argv.add(QmpCodec.json(nic));
        }
    }
}
