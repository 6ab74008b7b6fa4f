package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.NetworkDef;
import io.jvirtd.model.domain.Uuids;
import io.jvirtd.model.event.NetworkEvent;
import io.jvirtd.model.network.NetworkRef;
import io.jvirtd.model.spi.NetworkOps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection's view of its host's networks: test_driver.c's network entry points
 * (testNetworkDriver), over the host's {@link NetworkList}. Errors the test driver raises
 * itself are in domain TEST; those of the network object list and XML code in NETWORK, as in
 * libvirt.
 *
 * <p>Thread safety: worker threads call this concurrently; the state is the host's, guarded by
 * its list lock. Events are posted under it and dispatched after it is released.
 */
final class MockNetworks implements NetworkOps {

    private static final VirErrorDomain TEST = VirErrorDomain.TEST;
    private static final int LIST_ALL_FLAGS = LIST_INACTIVE | LIST_ACTIVE | LIST_PERSISTENT | LIST_TRANSIENT
            | LIST_AUTOSTART | LIST_NO_AUTOSTART;

    private final MockHost host;
    private final ConnectionCallbacks callbacks;

    MockNetworks(MockHost host, ConnectionCallbacks callbacks) {
        this.host = host;
        this.callbacks = callbacks;
    }

    @Override
    public int connectNetworkEventRegisterAny(NetworkRef filterOrNull, int eventId, Consumer<NetworkEvent> listener) {
        byte[] uuid = filterOrNull == null ? null : filterOrNull.uuid();
        return callbacks.track(host.events().register(NetworkEvent.class, eventId,
                uuid == null ? null : e -> Arrays.equals(uuid, e.network().uuid()), listener));
    }

    @Override
    public void connectNetworkEventDeregisterAny(int callbackId) {
        callbacks.deregister(callbackId);
    }

    private NetworkList list() {
        return host.networks();
    }

    private static NetworkRef ref(NetworkList.Net n) {
        return new NetworkRef(n.def.name(), n.def.uuid());
    }

    /** testNetworkObjFindByUUID. */
    private static NetworkList.Net byUuid(NetworkList l, byte[] uuid) {
        NetworkList.Net n = l.findByUuidLocked(uuid);
        if (n == null) {
            throw VirException.of(VirErrorNumber.NO_NETWORK, TEST,
                    "no network with matching uuid '" + Uuids.format(uuid) + "'");
        }
        return n;
    }

    /** testNetworkObjFindByName. */
    static NetworkList.Net byName(NetworkList l, String name) {
        NetworkList.Net n = l.findByNameLocked(name);
        if (n == null) {
            throw VirException.of(VirErrorNumber.NO_NETWORK, TEST, "no network with matching name '" + name + "'");
        }
        return n;
    }

    private NetworkEvent post(NetworkList.Net n, int type) {
        NetworkEvent ev = new NetworkEvent(ref(n), type, 0);
        host.events().post(ev);
        return ev;
    }

    private int count(boolean active) {
        return list().locked(l -> (int) l.allLocked().stream().filter(n -> n.active == active).count());
    }

    private List<String> names(boolean active, int maxnames) {
        return list().locked(l -> {
            List<String> out = new ArrayList<>();
            for (NetworkList.Net n : l.allLocked()) {
                if (out.size() >= maxnames) {
                    break;
                }
                if (n.active == active) {
                    out.add(n.def.name());
                }
            }
            return out;
        });
    }

    @Override
    public int connectNumOfNetworks() {
        return count(true);
    }

    @Override
    public List<String> connectListNetworks(int maxnames) {
        return names(true, maxnames);
    }

    @Override
    public int connectNumOfDefinedNetworks() {
        return count(false);
    }

    @Override
    public List<String> connectListDefinedNetworks(int maxnames) {
        return names(false, maxnames);
    }

    @Override
    public List<NetworkRef> connectListAllNetworks(int flags) {
        VirException.checkFlags(flags, LIST_ALL_FLAGS, TEST, "testConnectListAllNetworks");
        return list().locked(l -> {
            List<NetworkRef> out = new ArrayList<>();
            for (NetworkList.Net n : l.allLocked()) {
                if (matches(n, flags)) {
                    out.add(ref(n));
                }
            }
            return out;
        });
    }

    /** virNetworkObjMatch. */
    private static boolean matches(NetworkList.Net n, int flags) {
        if ((flags & (LIST_ACTIVE | LIST_INACTIVE)) != 0
                && !((flags & LIST_ACTIVE) != 0 && n.active || (flags & LIST_INACTIVE) != 0 && !n.active)) {
            return false;
        }
        if ((flags & (LIST_PERSISTENT | LIST_TRANSIENT)) != 0
                && !((flags & LIST_PERSISTENT) != 0 && n.persistent || (flags & LIST_TRANSIENT) != 0 && !n.persistent)) {
            return false;
        }
        return (flags & (LIST_AUTOSTART | LIST_NO_AUTOSTART)) == 0
                || (flags & LIST_AUTOSTART) != 0 && n.autostart || (flags & LIST_NO_AUTOSTART) != 0 && !n.autostart;
    }

    @Override
    public NetworkRef networkLookupByUUID(byte[] uuid) {
        return list().locked(l -> ref(byUuid(l, uuid)));
    }

    @Override
    public NetworkRef networkLookupByName(String name) {
        return list().locked(l -> ref(byName(l, name)));
    }

    @Override
    public boolean networkIsActive(NetworkRef net) {
        return list().locked(l -> byUuid(l, net.uuid()).active);
    }

    @Override
    public boolean networkIsPersistent(NetworkRef net) {
        return list().locked(l -> byUuid(l, net.uuid()).persistent);
    }

    @Override
    public NetworkRef networkCreateXML(String xml) {
        return networkCreateXMLFlags(xml, 0);
    }

    @Override
    public NetworkRef networkCreateXMLFlags(String xml, int flags) {
        VirException.checkFlags(flags, VALIDATE, TEST, "testNetworkCreateXMLFlags");
        NetworkDef def = NetworkDef.parse(xml, (flags & VALIDATE) != 0, host.schemas());
        NetworkRef r = list().locked(l -> {
            NetworkList.Net n = l.assignDefLocked(def, true, true);
            n.active = true;
            post(n, NetworkEvent.STARTED);
            return ref(n);
        });
        host.events().dispatch();
        return r;
    }

    @Override
    public NetworkRef networkDefineXML(String xml) {
        return networkDefineXMLFlags(xml, 0);
    }

    @Override
    public NetworkRef networkDefineXMLFlags(String xml, int flags) {
        VirException.checkFlags(flags, VALIDATE, TEST, "testNetworkDefineXMLFlags");
        NetworkDef def = NetworkDef.parse(xml, (flags & VALIDATE) != 0, host.schemas());
        NetworkRef r = list().locked(l -> {
            NetworkList.Net n = l.assignDefLocked(def, false, false);
            post(n, NetworkEvent.DEFINED);
            return ref(n);
        });
        host.events().dispatch();
        return r;
    }

    @Override
    public void networkUndefine(NetworkRef net) {
        list().locked(l -> {
            NetworkList.Net n = byName(l, net.name());
            if (n.active) {
                throw VirException.operationInvalid(TEST, "Network '" + net.name() + "' is still running");
            }
            // testNetworkUndefine names the event after the handle it was given
            host.events().post(new NetworkEvent(net, NetworkEvent.UNDEFINED, 0));
            l.removeLocked(n);
            return null;
        });
        host.events().dispatch();
    }

    @Override
    public void networkUpdate(NetworkRef net, int command, int section, int parentIndex, String xml, int flags) {
        VirException.checkFlags(flags, UPDATE_AFFECT_LIVE | UPDATE_AFFECT_CONFIG, TEST, "testNetworkUpdate");
        list().locked(l -> {
            NetworkList.Net n = byUuid(l, net.uuid());
            int f = flags;
            if ((f & (UPDATE_AFFECT_LIVE | UPDATE_AFFECT_CONFIG)) == 0) {
                f |= n.active ? UPDATE_AFFECT_LIVE : UPDATE_AFFECT_CONFIG;
            }
            objUpdate(n, command, section, parentIndex, xml, f);
            return null;
        });
    }

    /** virNetworkObjUpdate: both copies are changed and re-checked before either is replaced. */
    private static void objUpdate(NetworkList.Net n, int command, int section, int parentIndex, String xml,
                                  int flags) {
        if (!n.active && (flags & UPDATE_AFFECT_LIVE) != 0) {
            throw VirException.operationInvalid(VirErrorDomain.NETWORK, "network is not running");
        }
        if ((flags & UPDATE_AFFECT_CONFIG) != 0) {
            if (!n.persistent) {
                throw VirException.operationInvalid(VirErrorDomain.NETWORK,
                        "cannot change persistent config of a transient network");
            }
            if (n.active && n.newDef == null) {
                n.newDef = n.def.copy(NetworkDef.XML_INACTIVE);
            }
        }
        NetworkDef live = null;
        NetworkDef config = null;
        if ((flags & UPDATE_AFFECT_LIVE) != 0) {
            live = n.def.copy(0);
            live.update(command, section, parentIndex, xml);
            live.copy(0);
        }
        if ((flags & UPDATE_AFFECT_CONFIG) != 0) {
            config = n.persistentDef().copy(NetworkDef.XML_INACTIVE);
            config.update(command, section, parentIndex, xml);
            config.copy(NetworkDef.XML_INACTIVE);
        }
        if (config != null) {
            if (n.active) {
                n.newDef = config;
            } else {
                n.def = config;
            }
        }
        if (live != null) {
            n.def = live;
        }
    }

    @Override
    public void networkCreate(NetworkRef net) {
        list().locked(l -> {
            NetworkList.Net n = byName(l, net.name());
            if (n.active) {
                throw VirException.operationInvalid(TEST, "Network '" + net.name() + "' is already running");
            }
            n.active = true;
            post(n, NetworkEvent.STARTED);
            return null;
        });
        host.events().dispatch();
    }

    @Override
    public void networkDestroy(NetworkRef net) {
        list().locked(l -> {
            NetworkList.Net n = byName(l, net.name());
            n.active = false;
            post(n, NetworkEvent.STOPPED);
            if (!n.persistent) {
                l.removeLocked(n);
            }
            return null;
        });
        host.events().dispatch();
    }

    @Override
    public String networkGetXMLDesc(NetworkRef net, int flags) {
        VirException.checkFlags(flags, 0, TEST, "testNetworkGetXMLDesc");
        return list().locked(l -> byName(l, net.name()).def.format(flags));
    }

    @Override
    public String networkGetBridgeName(NetworkRef net) {
        return list().locked(l -> {
            NetworkDef def = byName(l, net.name()).def;
            if (def.bridge() == null) {
                throw VirException.internalError(TEST, "network '" + def.name() + "' does not have a bridge name.");
            }
            return def.bridge();
        });
    }

    @Override
    public boolean networkGetAutostart(NetworkRef net) {
        return list().locked(l -> byName(l, net.name()).autostart);
    }

    @Override
    public void networkSetAutostart(NetworkRef net, boolean autostart) {
        list().locked(l -> {
            byName(l, net.name()).autostart = autostart;
            return null;
        });
    }
}
