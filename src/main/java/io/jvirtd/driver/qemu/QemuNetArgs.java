package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

    /**
     * qemuProcessSetLinkStates, sent before the CPUs start: {@code set_link} down for each
     * interface with {@code <link state='down'/>} (QEMU starts every link up). The answers by
     * alias, for {@link #awaitLinksDown}.
     */
    static Map<String, CompletableFuture<Object>> setLinksDown(QmpMonitor mon, DomainDef live) {
        Map<String, CompletableFuture<Object>> sent = new LinkedHashMap<>();
        for (DeviceDef net : live.interfaces()) {
            if ("down".equals(net.node().childAttr("link", "state"))) {
                sent.put(net.alias(), mon.send("set_link", setLinkArgs(net.alias(), false)));
            }
        }
        return sent;
    }

    /** {@code set_link}'s arguments for the interface with alias {@code alias}. */
    static Map<String, Object> setLinkArgs(String alias, boolean up) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", alias);
        args.put("up", up);
        return args;
    }

    /** Waits for {@link #setLinksDown}'s answers; a refusal fails the start with libvirt's error. */
    static void awaitLinksDown(QmpMonitor mon, Map<String, CompletableFuture<Object>> sent, long timeoutMillis) {
        for (Map.Entry<String, CompletableFuture<Object>> e : sent.entrySet()) {
            try {
                mon.await(e.getValue(), "set_link", timeoutMillis);
            } catch (VirException refused) {
                throw VirException.format(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.QEMU,
                        "Couldn't set link state on interface: %s", e.getKey());
            }
        }
    }
}
