package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.domain.DomainFlags;
import io.jvirtd.model.domain.DomainListFilter;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.DomainState;
import io.jvirtd.model.domain.StateReason;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.LifecycleCodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The test driver's domain listing, lookup, define/create/undefine, lifecycle (start, stop,
 * suspend, reboot ...), save/restore, managed save, core dump, rename and event registration,
 * with test_driver.c's states, reasons, errors and events.
 *
 * <p>Thread safety: see {@link DomainAccess}. Events are queued under the domain lock in the
 * order the changes happen and delivered after it is released.
 */
abstract class DomainLifecycleOps extends DomainAccess {

    DomainLifecycleOps(MockHost host) {
        super(host);
    }

    // ------------------------------------------------------------------ listing

    /**
     * Visits every domain under its lock (virDomainObjList iteration) to read it: the visit must
     * not change the domain, whose cached XML stays valid.
     */
    final void forEachDomain(Consumer<MockDomain> visit) {
        for (MockDomain d : host.domains().all()) {
            d.lock();
            try {
                if (!d.removed) {
                    visit.accept(d);
                }
            } finally {
                d.unlockUnchanged();
            }
        }
    }

    @Override
    public int connectNumOfDomains() {
        int[] n = {0};
        forEachDomain(d -> {
            if (d.isActive()) {
                n[0]++;
            }
        });
        return n[0];
    }

    @Override
    public int[] connectListDomains(int maxids) {
        List<Integer> ids = new ArrayList<>();
        forEachDomain(d -> {
            if (d.isActive() && ids.size() < maxids) {
                ids.add(d.def.id());
            }
        });
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public int connectNumOfDefinedDomains() {
        int[] n = {0};
        forEachDomain(d -> {
            if (!d.isActive()) {
                n[0]++;
            }
        });
        return n[0];
    }

    @Override
    public List<String> connectListDefinedDomains(int maxnames) {
        List<String> names = new ArrayList<>();
        forEachDomain(d -> {
            if (!d.isActive() && names.size() < maxnames) {
                names.add(d.name());
            }
        });
        return names;
    }

    @Override
    public List<DomainRef> connectListAllDomains(int flags) {
        checkFlags(flags, DomainListFilter.ALL, "testConnectListAllDomains");
        List<DomainRef> out = new ArrayList<>();
        forEachDomain(d -> {
            if (matches(d, flags)) {
                out.add(d.ref());
            }
        });
        return out;
    }

    /** virDomainObjMatchFilter over this domain's facts. The caller holds its lock (or is forEachDomain). */
    static boolean matches(MockDomain d, int f) {
        return DomainListFilter.matches(new DomainListFilter.Facts(d.isActive(), d.persistent, d.state,
                d.hasManagedSave, d.autostart, d.snapshots.size(), d.checkpoints.size()), f);
    }

    // ------------------------------------------------------------------ lookup

    @Override
    public DomainRef domainLookupByID(int id) {
        MockDomain d = host.domains().byId(id);
        if (d != null) {
            d.lock();
            try {
                if (!d.removed && d.def.id() == id) {
                    return d.ref();
                }
            } finally {
                d.unlockUnchanged();
            }
        }
        throw Domains.notFound();
    }

    @Override
    public DomainRef domainLookupByUUID(byte[] uuid) {
        MockDomain d = host.domains().byUuid(uuid);
        if (d != null) {
            d.lock();
            try {
                if (!d.removed) {
                    return d.ref();
                }
            } finally {
                d.unlockUnchanged();
            }
        }
        throw Domains.notFound();
    }

    @Override
    public DomainRef domainLookupByName(String name) {
        MockDomain d = host.domains().byName(name);
        if (d != null) {
            d.lock();
            try {
                if (!d.removed && d.name().equals(name)) {
                    return d.ref();
                }
            } finally {
                d.unlockUnchanged();
            }
        }
        throw Domains.notFound();
    }

    // ------------------------------------------------------------------ define, create, undefine

    @Override
    public DomainRef domainCreateXML(String xml, int flags) {
        checkFlags(flags, DomainFlags.START_VALIDATE, "testDomainCreateXML");
        int parseFlags = DomainDef.PARSE_INACTIVE;
        if ((flags & DomainFlags.START_VALIDATE) != 0) {
            parseFlags |= DomainDef.PARSE_VALIDATE_SCHEMA;
        }
        DomainDef def = DomainDef.parse(xml, parseFlags, MockXmlOptions.OPTIONS, host.schemas());
        MockXmlOptions.generateIfnames(def);
        Domains.Added added = Domains.addOrAssign(host, def, true, true);
        MockDomain d = added.domain();
        try {
            Domains.startState(host, d, StateReason.Running.BOOTED);
            Domains.lifecycle(host, d, LifecycleCodes.STARTED, LifecycleCodes.STARTED_BOOTED);
            return d.ref();
        } finally {
            d.unlock();
            host.events().dispatch();
        }
    }

    @Override
    public DomainRef domainCreateXMLWithFiles(String xml, int[] fds, int flags) {
        return domainCreateXML(xml, flags);
    }

    @Override
    public DomainRef domainDefineXML(String xml) {
        return domainDefineXMLFlags(xml, 0);
    }

    @Override
    public DomainRef domainDefineXMLFlags(String xml, int flags) {
        checkFlags(flags, DomainFlags.DEFINE_VALIDATE, "testDomainDefineXMLFlags");
        int parseFlags = DomainDef.PARSE_INACTIVE;
        if ((flags & DomainFlags.DEFINE_VALIDATE) != 0) {
            parseFlags |= DomainDef.PARSE_VALIDATE_SCHEMA;
        }
        DomainDef def = DomainDef.parse(xml, parseFlags, MockXmlOptions.OPTIONS, host.schemas());
        int nl = def.name().indexOf('\n');
        if (nl >= 0) {
            throw VirException.of(VirErrorNumber.XML_DETAIL, VirErrorDomain.XML,
                    "invalid char in name: \n");
        }
        MockXmlOptions.generateIfnames(def);
        Domains.Added added = Domains.addOrAssign(host, def, false, false);
        MockDomain d = added.domain();
        try {
            d.persistent = true;
            Domains.lifecycle(host, d, LifecycleCodes.DEFINED, added.hadOldDef()
                    ? LifecycleCodes.DEFINED_UPDATED : LifecycleCodes.DEFINED_ADDED);
            return d.ref();
        } finally {
            d.unlock();
            host.events().dispatch();
        }
    }

    @Override
    public void domainUndefine(DomainRef dom) {
        domainUndefineFlags(dom, 0);
    }

    @Override
    public void domainUndefineFlags(DomainRef dom, int flags) {
        checkFlags(flags, DomainFlags.UNDEFINE_MANAGED_SAVE | DomainFlags.UNDEFINE_SNAPSHOTS_METADATA,
                "testDomainUndefineFlags");
        onDomain(dom, d -> {
            if (d.hasManagedSave && (flags & DomainFlags.UNDEFINE_MANAGED_SAVE) == 0) {
                throw VirException.operationInvalid(VirErrorDomain.TEST,
                        "Refusing to undefine while domain managed save image exists");
            }
            int nsnapshots = d.snapshots.size();
            if (!d.isActive() && nsnapshots > 0
                    && (flags & DomainFlags.UNDEFINE_SNAPSHOTS_METADATA) == 0) {
                throw VirException.operationInvalid(VirErrorDomain.TEST,
                        "cannot delete inactive domain with " + nsnapshots + " snapshots");
            }
            Domains.lifecycle(host, d, LifecycleCodes.UNDEFINED, LifecycleCodes.UNDEFINED_REMOVED);
            d.hasManagedSave = false;
            if (d.isActive()) {
                d.persistent = false;
            } else {
                Domains.remove(host, d);
            }
        });
    }

    @Override
    public DomainRef domainCreate(DomainRef dom) {
        return domainCreateWithFlags(dom, 0);
    }

    @Override
    public DomainRef domainCreateWithFlags(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainCreateWithFlags");
        return withDomain(dom, d -> {
            if (d.state != DomainState.SHUTOFF) {
                throw VirException.internalError(VirErrorDomain.TEST,
                        "Domain '" + dom.name() + "' is already running");
            }
            Domains.startState(host, d, StateReason.Running.BOOTED);
            Domains.lifecycle(host, d, LifecycleCodes.STARTED, LifecycleCodes.STARTED_BOOTED);
            return d.ref();
        });
    }

    @Override
    public DomainRef domainCreateWithFiles(DomainRef dom, int[] fds, int flags) {
        return domainCreateWithFlags(dom, flags);
    }

    @Override
    public void domainRename(DomainRef dom, String newName, int flags) {
        checkFlags(flags, 0, "testDomainRename");
        onDomain(dom, d -> {
            if (d.isActive()) {
                throw VirException.operationInvalid(VirErrorDomain.TEST, "cannot rename active domain");
            }
            if (!d.persistent) {
                throw VirException.operationInvalid(VirErrorDomain.TEST, "cannot rename a transient domain");
            }
            if (d.state != DomainState.SHUTOFF) {
                throw VirException.operationInvalid(VirErrorDomain.TEST,
                        "domain has to be shutoff before renaming");
            }
            String oldName = d.name();
            if (oldName.equals(newName)) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "Can't rename domain to itself");
            }
            if (newName.indexOf('/') >= 0) {
                if (host.domains().byName(newName) != null) {
                    throw nameTaken(newName);
                }
                throw VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.TEST,
                        "name " + newName + " cannot contain '/'");
            }
            if (!host.domains().rename(d, oldName, newName)) {
                throw nameTaken(newName);
            }
            Domains.lifecycle(host, d, LifecycleCodes.UNDEFINED, LifecycleCodes.UNDEFINED_RENAMED);
            d.def.setName(newName);
            Domains.lifecycle(host, d, LifecycleCodes.DEFINED, LifecycleCodes.DEFINED_RENAMED);
        });
    }

    private static VirException nameTaken(String name) {
        return VirException.operationInvalid(VirErrorDomain.DOMAIN,
                "domain with name '" + name + "' already exists");
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void domainSuspend(DomainRef dom) {
        onDomain(dom, d -> {
            if (d.state == DomainState.SHUTOFF || d.state == DomainState.PAUSED) {
                throw VirException.internalError(VirErrorDomain.TEST,
                        "domain '" + dom.name() + "' not running");
            }
            d.setState(DomainState.PAUSED, StateReason.Paused.USER);
            Domains.lifecycle(host, d, LifecycleCodes.SUSPENDED, LifecycleCodes.SUSPENDED_PAUSED);
        });
    }

    @Override
    public void domainResume(DomainRef dom) {
        onDomain(dom, d -> {
            if (d.state != DomainState.PAUSED) {
                throw VirException.internalError(VirErrorDomain.TEST,
                        "domain '" + dom.name() + "' not paused");
            }
            d.setState(DomainState.RUNNING, StateReason.Running.UNPAUSED);
            Domains.lifecycle(host, d, LifecycleCodes.RESUMED, LifecycleCodes.RESUMED_UNPAUSED);
        });
    }

    @Override
    public void domainShutdown(DomainRef dom) {
        domainShutdownFlags(dom, 0);
    }

    @Override
    public void domainShutdownFlags(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainShutdownFlags");
        onDomain(dom, d -> {
            if (d.state == DomainState.SHUTOFF) {
                throw VirException.internalError(VirErrorDomain.TEST,
                        "domain '" + dom.name() + "' not running");
            }
            Domains.actionSetState(d, d.def.onPoweroff());
            stopIfShutOff(d);
        });
    }

    @Override
    public void domainReboot(DomainRef dom, int flags) {
        checkFlags(flags, Flags.REBOOT_ALL, "testDomainReboot");
        onDomain(dom, d -> {
            d.checkActive();
            Domains.actionSetState(d, d.def.onReboot());
            stopIfShutOff(d);
        });
    }

    /** What shutdown and reboot do when the lifecycle action left the domain shut off. */
    private void stopIfShutOff(MockDomain d) {
        if (d.state == DomainState.SHUTOFF) {
            Domains.shutdownState(host, d, StateReason.Shutoff.SHUTDOWN);
            Domains.lifecycle(host, d, LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_SHUTDOWN);
            Domains.removeIfTransient(host, d);
        }
    }

    @Override
    public void domainReset(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainReset");
        onDomain(dom, MockDomain::checkActive);
    }

    @Override
    public void domainDestroy(DomainRef dom) {
        domainDestroyFlags(dom, 0);
    }

    @Override
    public void domainDestroyFlags(DomainRef dom, int flags) {
        checkFlags(flags, DomainFlags.DESTROY_GRACEFUL, "testDomainDestroyFlags");
        onDomain(dom, d -> {
            d.checkActive();
            Domains.shutdownState(host, d, StateReason.Shutoff.DESTROYED);
            Domains.lifecycle(host, d, LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_DESTROYED);
            Domains.removeIfTransient(host, d);
        });
    }

    // ------------------------------------------------------------------ save, restore, dump

    @Override
    public void domainSave(DomainRef dom, String to) {
        domainSaveFlags(dom, to, null, 0);
    }

    @Override
    public void domainSaveFlags(DomainRef dom, String to, String dxml, int flags) {
        checkFlags(flags, 0, "testDomainSaveFlags");
        if (dxml != null) {
            throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.TEST,
                    "xml modification unsupported");
        }
        DomainDef[] copy = new DomainDef[1];
        int runId = withDomain(dom, d -> {
            d.checkActive();
            copy[0] = d.def.copy();
            return d.def.id();
        });
        // format and write with no lock held; then stop the run we saved, if it still is one
        SaveImage.write(Path.of(to), copy[0].name(), copy[0].format(DomainDef.XML_SECURE));
        onDomain(dom, d -> {
            if (d.def.id() != runId) {
                throw MockDomain.notRunning();
            }
            Domains.shutdownState(host, d, StateReason.Shutoff.SAVED);
            Domains.lifecycle(host, d, LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_SAVED);
            Domains.removeIfTransient(host, d);
        });
    }

    @Override
    public void domainRestore(String from) {
        domainRestoreFlags(from, null, 0);
    }

    @Override
    public void domainRestoreFlags(String from, String dxml, int flags) {
        checkFlags(flags, 0, "testDomainRestoreFlags");
        if (dxml != null) {
            throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.TEST,
                    "xml modification unsupported");
        }
        DomainDef def = SaveImage.read(Path.of(from));
        MockXmlOptions.generateIfnames(def);
        Domains.Added added = Domains.addOrAssign(host, def, true, true);
        MockDomain d = added.domain();
        try {
            Domains.startState(host, d, StateReason.Running.RESTORED);
            Domains.lifecycle(host, d, LifecycleCodes.STARTED, LifecycleCodes.STARTED_RESTORED);
        } finally {
            d.unlock();
            host.events().dispatch();
        }
    }

    @Override
    public void domainSaveImageDefineXML(String file, String dxml, int flags) {
        checkFlags(flags, Flags.SAVE_RUNNING | Flags.SAVE_PAUSED, "testDomainSaveImageDefineXML");
        SaveImage.read(Path.of(file));
        DomainDef def = DomainDef.parse(dxml, DomainDef.PARSE_INACTIVE, MockXmlOptions.OPTIONS);
        SaveImage.write(Path.of(file), def.name(), def.format(DomainDef.XML_SECURE));
    }

    @Override
    public String domainSaveImageGetXMLDesc(String file, int flags) {
        checkFlags(flags, Flags.SAVE_IMAGE_XML_SECURE, "testDomainSaveImageGetXMLDesc");
        return SaveImage.read(Path.of(file)).format(DomainDef.XML_SECURE);
    }

    @Override
    public void domainManagedSave(DomainRef dom, int flags) {
        checkFlags(flags, Flags.SAVE_BYPASS_CACHE | Flags.SAVE_RUNNING | Flags.SAVE_PAUSED,
                "testDomainManagedSave");
        onDomain(dom, d -> {
            d.checkActive();
            if (!d.persistent) {
                throw VirException.operationInvalid(VirErrorDomain.TEST,
                        "cannot do managed save for transient domain");
            }
            Domains.shutdownState(host, d, StateReason.Shutoff.SAVED);
            Domains.lifecycle(host, d, LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_SAVED);
            d.hasManagedSave = true;
        });
    }

    @Override
    public boolean domainHasManagedSaveImage(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainHasManagedSaveImage");
        return withDomain(dom, d -> d.hasManagedSave);
    }

    @Override
    public void domainManagedSaveRemove(DomainRef dom, int flags) {
        checkFlags(flags, 0, "testDomainManagedSaveRemove");
        onDomain(dom, d -> d.hasManagedSave = false);
    }

    @Override
    public void domainCoreDump(DomainRef dom, String to, int flags) {
        domainCoreDumpWithFormat(dom, to, Flags.CORE_DUMP_FORMAT_RAW, flags);
    }

    @Override
    public void domainCoreDumpWithFormat(DomainRef dom, String to, int format, int flags) {
        checkFlags(flags, Flags.DUMP_CRASH, "testDomainCoreDumpWithFormat");
        int runId = withDomain(dom, d -> {
            d.checkActive();
            return d.def.id();
        });
        SaveImage.writeCoreDump(Path.of(to), dom.name());
        if (format != Flags.CORE_DUMP_FORMAT_RAW) {
            throw VirException.of(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.TEST,
                    "kdump-compressed format is not supported here");
        }
        if ((flags & Flags.DUMP_CRASH) != 0) {
            onDomain(dom, d -> {
                if (d.def.id() != runId) {
                    throw MockDomain.notRunning();
                }
                Domains.shutdownState(host, d, StateReason.Shutoff.CRASHED);
                Domains.lifecycle(host, d, LifecycleCodes.STOPPED, LifecycleCodes.STOPPED_CRASHED);
                Domains.removeIfTransient(host, d);
            });
        }
    }

    // ------------------------------------------------------------------ events

    @Override
    public int connectDomainEventRegisterAny(DomainRef domOrNull, int eventId,
                                             Consumer<DomainEvent> listener) {
        return host.events().register(eventId, domOrNull, listener);
    }

    @Override
    public void connectDomainEventDeregisterAny(int callbackId) {
        host.events().deregister(callbackId);
    }
}
