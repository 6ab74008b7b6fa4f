package io.jvirtd.driver.mockhost;

import io.jvirtd.driver.common.DomainObjList;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DeviceDef;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.XmlNode;
import io.jvirtd.model.domain.DomainListAdd;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.event.DomainEvent;


/**
 * The domain-object steps test_driver.c builds its calls from: adding a definition to the host
 * (virDomainObjListAdd + virDomainObjAssignDef), the start and stop state changes
 * (testDomainStartState / testDomainShutdownState), removal, interface naming and taint checks.
 *
 * <p>Stateless. Methods taking a {@link MockDomain} expect its lock held by the caller.
 */
final class Domains {

    private Domains() {
    }

    /** The outcome of {@link #addOrAssign}: the domain, locked by the caller's thread. */
    record Added(MockDomain domain, boolean isNew, boolean hadOldDef) {
    }

    /**
     * virDomainObjListAdd: publishes {@code def} as a new domain, or gives it to the domain
     * with the same UUID and name. Returns with that domain locked.
     *
     * @param live VIR_DOMAIN_OBJ_LIST_ADD_LIVE: the definition is the running one
     * @param checkLive VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE: refuse a domain that is active or
     *                  transient
     */
    static Added addOrAssign(MockHost host, DomainDef def, boolean live, boolean checkLive) {
        DomainObjList<MockDomain> list = host.domains();
        byte[] uuid = def.uuid();
        while (true) {
            MockDomain fresh = new MockDomain(list.nextSeq(), def);
            fresh.lock();
            MockDomain other = list.addIfAbsent(fresh, uuid, def.name());
            if (other == null) {
                return new Added(fresh, true, false);
            }
            fresh.unlock();
            other.lock();
            boolean keep = false;
            try {
                if (other.removed) {
                    continue;
                }
                DomainListAdd.check(def.name(), uuid, other.name(), other.def.uuid(), checkLive, other.isActive(),
                        other.persistent);
                boolean hadOld = assignDef(other, def, live);
                keep = true;
                return new Added(other, false, hadOld);
            } finally {
                if (!keep) {
                    other.unlock();
                }
            }
        }
    }

    /**
     * virDomainObjAssignDef.
     *
     * @return whether an old definition was replaced (libvirt's {@code oldDef != NULL})
     */
    static boolean assignDef(MockDomain dom, DomainDef def, boolean live) {
        if (dom.isActive()) {
            boolean had = dom.newDef != null;
            dom.newDef = def;
            return had;
        }
        if (live) {
            if (dom.newDef == null) {
                dom.newDef = dom.def;
            }
            dom.def = def;
            return false;
        }
        dom.def = def;
        return true;
    }

    /** testDomainStartState: running with a fresh id; the persistent definition is kept aside. */
    static void startState(MockHost host, MockDomain dom, int runningReason) {
        dom.setState(DomainState.RUNNING, runningReason);
        int oldId = dom.def.id();
        int id = host.domains().allocateId();
        dom.def.setId(id);
        host.domains().clearId(dom, oldId);
        host.domains().setId(dom, id);
        dom.setDefTransient();
        dom.hasManagedSave = false;
    }

    /** testDomainShutdownState: shut off, back to the persistent definition. */
    static void shutdownState(MockHost host, MockDomain dom, int shutoffReason) {
        int oldId = dom.def.id();
        dom.removeTransientDef();
        dom.setState(DomainState.SHUTOFF, shutoffReason);
        if (dom.def.id() != oldId) {
            host.domains().clearId(dom, oldId);
        }
    }

    /** virDomainObjListRemove: the domain leaves the host; stale handles find nothing. */
    static void remove(MockHost host, MockDomain dom) {
        dom.removed = true;
        host.domains().remove(dom, dom.def.uuid(), dom.name(), dom.def.id());
    }

    /** Removes a transient domain that just stopped (what test_driver.c does after each stop). */
    static void removeIfTransient(MockHost host, MockDomain dom) {
        if (!dom.persistent) {
            remove(host, dom);
        }
    }

    /** Queues a lifecycle event for the domain as it is now. */
    static void lifecycle(MockHost host, MockDomain dom, int event, int detail) {
        host.events().post(new DomainEvent.Lifecycle(dom.ref(), event, detail));
    }

    // virDomainTaintFlags bit numbers used by the test driver
    static final int TAINT_HIGH_PRIVILEGES = 2;
    static final int TAINT_SHELL_SCRIPTS = 3;
    static final int TAINT_CDROM_PASSTHROUGH = 8;
    static final int TAINT_CUSTOM_DTB = 9;
    static final int TAINT_DEPRECATED_CONFIG = 12;

    /** virDomainTaintMessage, indexed by taint bit. */
    static final String[] TAINT_MESSAGES = {
        "custom configuration parameters specified",
        "custom monitor control commands issued",
        "running with undesirable elevated privileges",
        "network configuration using opaque shell scripts",
        "potentially unsafe disk format probing",
        "managing externally launched configuration",
        "potentially unsafe use of host CPU passthrough",
        "configuration potentially modified by hook script",
        "use of host cdrom passthrough",
        "custom device tree blob used",
        "custom guest agent control commands issued",
        "hypervisor feature autodetection override",
        "use of deprecated configuration settings",
        "custom device configuration",
    };

    /** testDomainObjCheckTaint: what node-file domains get tainted for. */
    static void checkTaint(MockDomain dom) {
        DomainDef def = dom.def;
        for (DeviceDef disk : def.disks()) {
            if ("yes".equals(disk.node().attr("rawio"))) {
                dom.taint |= 1 << TAINT_HIGH_PRIVILEGES;
            }
            XmlNode src = disk.node().child("source");
            if ("cdrom".equals(disk.diskDevice()) && "block".equals(disk.type())
                    && src != null && src.attr("dev") != null) {
                dom.taint |= 1 << TAINT_CDROM_PASSTHROUGH;
            }
        }
        for (DeviceDef hostdev : def.devices(io.jvirtd.model.conf.DeviceKind.HOSTDEV)) {
            if ("scsi".equals(hostdev.type()) && "yes".equals(hostdev.node().attr("rawio"))) {
                dom.taint |= 1 << TAINT_HIGH_PRIVILEGES;
            }
        }
        for (DeviceDef nic : def.interfaces()) {
            if (nic.node().child("script") != null) {
                dom.taint |= 1 << TAINT_SHELL_SCRIPTS;
            }
        }
        XmlNode cpu = def.cpuNode();
        if (cpu != null) {
            String mode = cpu.attr("mode");
            if ((mode == null || "custom".equals(mode))
                    && "Deprecated-Test".equals(cpu.childText("model"))) {
                dom.taint |= 1 << TAINT_DEPRECATED_CONFIG;
                dom.deprecations.add("CPU model Deprecated-Test");
            }
        }
        if (def.osValue("dtb") != null) {
            dom.taint |= 1 << TAINT_CUSTOM_DTB;
        }
    }

    /** testDomainGenerateIOThreadInfos: default poll values for every configured IOThread. */
    static void generateIoThreadInfos(MockDomain dom) {
        for (int id : dom.def.iothreadIds()) {
            dom.iothreads.add(new MockDomain.IoThreadPoll(id));
        }
    }

    /** libvirt's lookup error without detail: "Domain not found" (domain TEST). */
    static VirException notFound() {
        return VirException.of(VirErrorNumber.NO_DOMAIN, VirErrorDomain.TEST, null);
    }

    /** testDomainActionSetState: the state a lifecycle action leaves a domain in. */
    static void actionSetState(MockDomain dom, String action) {
        if ("restart".equals(action) || "rename-restart".equals(action)) {
            dom.setState(DomainState.RUNNING, StateReason.Running.BOOTED);
        } else {
            dom.setState(DomainState.SHUTOFF, StateReason.Shutoff.SHUTDOWN);
        }
    }
}
