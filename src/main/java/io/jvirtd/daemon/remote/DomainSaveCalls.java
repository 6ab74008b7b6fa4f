package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.REMOTE_DOMAIN_SAVE_PARAMS_MAX;
import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.LifecycleActions;
import io.jvirtd.model.domain.Screenshot;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.nio.file.Path;
import java.util.List;

/**
 * Saving and restoring domains (files, managed save, core dumps) and talking to the guest
 * (NMI, keys, signals, lifecycle actions, file systems, passwords). File names are made
 * absolute against the daemon's working directory, as the public API does before the driver.
 * Stateless; worker threads.
 */
final class DomainSaveCalls {

    private static final VirErrorDomain D = VirErrorDomain.DOMAIN;
    /** virDomainSaveRestoreFlags. */
    private static final int SAVE_RUNNING = 2;
    private static final int SAVE_PAUSED = 4;
    /** VIR_DOMAIN_SAVE_IMAGE_XML_SECURE: refused on read-only connections. */
    private static final int SAVE_IMAGE_XML_SECURE = 1;
    /** virDomainCoreDumpFlags. */
    private static final int DUMP_CRASH = 1;
    private static final int DUMP_LIVE = 2;
    private static final int DUMP_RESET = 8;
    /** VIR_DOMAIN_CORE_DUMP_FORMAT_LAST. */
    private static final int DUMP_FORMAT_LAST = 5;
    /** VIR_KEYCODE_SET_LAST. */
    private static final int KEYCODE_SET_LAST = 10;
    /** VIR_DOMAIN_SEND_KEY_MAX_KEYS. */
    private static final int SEND_KEY_MAX_KEYS = 16;

    private DomainSaveCalls() {
    }

    static void bind(ProcedureTable t) {
        save(t);
        guest(t);
    }

    private static void save(ProcedureTable t) {
        t.bind(DOMAIN_SAVE, DomainSaveArgs.class, Void.class, (s, a) -> {
            s.domains().domainSave(Handles.dom(a.dom()), absolute(a.to()));
            return null;
        });
        t.bind(DOMAIN_SAVE_FLAGS, DomainSaveFlagsArgs.class, Void.class, (s, a) -> {
            saveFlags(a.flags(), "virDomainSaveFlags");
            s.domains().domainSaveFlags(Handles.dom(a.dom()), absolute(a.to()), a.dxml(), a.flags());
            return null;
        });
        t.bind(DOMAIN_RESTORE, DomainRestoreArgs.class, Void.class, (s, a) -> {
            s.domains().domainRestore(absolute(a.from()));
            return null;
        });
        t.bind(DOMAIN_RESTORE_FLAGS, DomainRestoreFlagsArgs.class, Void.class, (s, a) -> {
            saveFlags(a.flags(), "virDomainRestoreFlags");
            s.domains().domainRestoreFlags(absolute(a.from()), a.dxml(), a.flags());
            return null;
        });
        t.bind(DOMAIN_SAVE_IMAGE_GET_XML_DESC, DomainSaveImageGetXmlDescArgs.class,
                DomainSaveImageGetXmlDescRet.class, (s, a) -> new DomainSaveImageGetXmlDescRet(
                        s.domains().domainSaveImageGetXMLDesc(absolute(a.file()), a.flags())));
        t.bind(DOMAIN_SAVE_IMAGE_DEFINE_XML, DomainSaveImageDefineXmlArgs.class, Void.class, (s, a) -> {
            saveFlags(a.flags(), "virDomainSaveImageDefineXML");
            s.domains().domainSaveImageDefineXML(absolute(a.file()), a.dxml(), a.flags());
            return null;
        });
        t.bind(DOMAIN_MANAGED_SAVE_GET_XML_DESC, DomainManagedSaveGetXmlDescArgs.class,
                DomainManagedSaveGetXmlDescRet.class, (s, a) -> {
                    // the public API refuses the flag before any driver is asked
                    if (s.isReadOnly() && (a.flags() & SAVE_IMAGE_XML_SECURE) != 0) {
                        throw VirException.operationDenied(D, "virDomainManagedSaveGetXMLDesc with secure flag");
                    }
                    return new DomainManagedSaveGetXmlDescRet(
                            s.domains().domainManagedSaveGetXMLDesc(Handles.dom(a.dom()), a.flags()));
                });
        t.bind(DOMAIN_MANAGED_SAVE, DomainManagedSaveArgs.class, Void.class, (s, a) -> {
            saveFlags(a.flags(), "virDomainManagedSave");
            s.domains().domainManagedSave(Handles.dom(a.dom()), a.flags());
            return null;
        });
        t.bind(DOMAIN_HAS_MANAGED_SAVE_IMAGE, DomainHasManagedSaveImageArgs.class, DomainHasManagedSaveImageRet.class,
                (s, a) -> new DomainHasManagedSaveImageRet(DomainInfoCalls.bit(
                        s.domains().domainHasManagedSaveImage(Handles.dom(a.dom()), a.flags()))));
        t.bind(DOMAIN_MANAGED_SAVE_REMOVE, DomainManagedSaveRemoveArgs.class, Void.class, (s, a) -> {
            s.domains().domainManagedSaveRemove(Handles.dom(a.dom()), a.flags());
            return null;
        });
        t.bind(DOMAIN_MANAGED_SAVE_DEFINE_XML, DomainManagedSaveDefineXmlArgs.class, Void.class, (s, a) -> {
            s.domains().domainManagedSaveDefineXML(Handles.dom(a.dom()), a.dxml(), a.flags());
            return null;
        });
        // the parameters travel as the client gave them: libvirt's public API leaves the file name alone
        t.bind(DOMAIN_SAVE_PARAMS, DomainSaveParamsArgs.class, Void.class, (s, a) -> {
            saveFlags(a.flags(), "virDomainSaveParams");
            s.domains().domainSaveParams(Handles.dom(a.dom()),
                    TypedParams.fromWire(a.params(), REMOTE_DOMAIN_SAVE_PARAMS_MAX), a.flags());
            return null;
        });
        t.bind(DOMAIN_RESTORE_PARAMS, DomainRestoreParamsArgs.class, Void.class, (s, a) -> {
            saveFlags(a.flags(), "virDomainRestoreParams");
            s.domains().domainRestoreParams(TypedParams.fromWire(a.params(), REMOTE_DOMAIN_SAVE_PARAMS_MAX),
                    a.flags());
            return null;
        });
        t.bind(DOMAIN_CORE_DUMP, DomainCoreDumpArgs.class, Void.class, (s, a) -> {
            dumpFlags(a.flags(), "virDomainCoreDump");
            s.domains().domainCoreDump(Handles.dom(a.dom()), absolute(a.to()), a.flags());
            return null;
        });
        t.bind(DOMAIN_CORE_DUMP_WITH_FORMAT, DomainCoreDumpWithFormatArgs.class, Void.class, (s, a) -> {
            String api = "virDomainCoreDumpWithFormat";
            if (Integer.compareUnsigned(a.dumpformat(), DUMP_FORMAT_LAST) >= 0) {
                throw ApiChecks.invalidArg("flags", api, D, "dumpformat '" + a.dumpformat() + "' is not supported");
            }
            dumpFlags(a.flags(), api);
            s.domains().domainCoreDumpWithFormat(Handles.dom(a.dom()), absolute(a.to()), a.dumpformat(),
                    a.flags());
            return null;
        });
    }

    private static void guest(ProcedureTable t) {
        // the picture follows the reply as a stream (RemoteStreams)
        t.bind(DOMAIN_SCREENSHOT, DomainScreenshotArgs.class, DomainScreenshotRet.class, (s, a) -> {
            Screenshot shot = s.domains().domainScreenshot(Handles.dom(a.dom()),
                    a.screen(), a.flags());
            s.openStream(shot.stream(), true, false);
            return new DomainScreenshotRet(shot.mimeType());
        });
        // the console's bytes travel both ways as a stream after the (empty) reply
        t.bind(DOMAIN_OPEN_CONSOLE, DomainOpenConsoleArgs.class, Void.class, (s, a) -> {
            s.openStream(s.domains().domainOpenConsole(Handles.dom(a.dom()), a.dev_name(), a.flags()), true,
                    false);
            return null;
        });
        t.bind(DOMAIN_INJECT_NMI, DomainInjectNmiArgs.class, Void.class, (s, a) -> {
            s.domains().domainInjectNMI(Handles.dom(a.dom()), a.flags());
            return null;
        });
        t.bind(DOMAIN_SEND_KEY, DomainSendKeyArgs.class, Void.class, (s, a) -> {
            String api = "virDomainSendKey";
            ApiChecks.positive(a.keycodes().size(), "nkeycodes", api, D);
            if (Integer.compareUnsigned(a.codeset(), KEYCODE_SET_LAST) >= 0) {
                throw ApiChecks.invalidArg("codeset", api, D, "Unsupported codeset '" + a.codeset() + "'");
            }
            if (a.keycodes().size() > SEND_KEY_MAX_KEYS) {
                throw ApiChecks.invalidArg("nkeycodes", api, D, "nkeycodes must be <= " + SEND_KEY_MAX_KEYS);
            }
            int[] keys = a.keycodes().stream().mapToInt(Integer::intValue).toArray();
            s.domains().domainSendKey(Handles.dom(a.dom()), a.codeset(), a.holdtime(), keys, a.flags());
            return null;
        });
        // virDomainSendProcessSignal checks pid_value before its read-only check
        t.checkFirst(DOMAIN_SEND_PROCESS_SIGNAL, DomainSendProcessSignalArgs.class,
                (s, a) -> ApiChecks.nonZero(a.pid_value(), "pid_value", "virDomainSendProcessSignal", D));
        t.bind(DOMAIN_SEND_PROCESS_SIGNAL, DomainSendProcessSignalArgs.class, Void.class, (s, a) -> {
            s.domains().domainSendProcessSignal(Handles.dom(a.dom()), a.pid_value(), a.signum(), a.flags());
            return null;
        });
        t.bind(DOMAIN_SET_LIFECYCLE_ACTION, DomainSetLifecycleActionArgs.class, Void.class, (s, a) -> {
            LifecycleActions.checkRange(a.type(), a.action()); // the public API's, after its read-only check
            s.domains().domainSetLifecycleAction(Handles.dom(a.dom()), a.type(), a.action(), a.flags());
            return null;
        });
        t.bind(DOMAIN_FSFREEZE, DomainFsfreezeArgs.class, DomainFsfreezeRet.class, (s, a) -> new DomainFsfreezeRet(
                s.domains().domainFSFreeze(Handles.dom(a.dom()), List.copyOf(a.mountpoints()), a.flags())));
        t.bind(DOMAIN_FSTHAW, DomainFsthawArgs.class, DomainFsthawRet.class, (s, a) -> new DomainFsthawRet(
                s.domains().domainFSThaw(Handles.dom(a.dom()), List.copyOf(a.mountpoints()), a.flags())));
        t.bind(DOMAIN_FSTRIM, DomainFstrimArgs.class, Void.class, (s, a) -> {
            s.domains().domainFSTrim(Handles.dom(a.dom()), a.mountPoint(), a.minimum(), a.flags());
            return null;
        });
        t.bind(DOMAIN_SET_USER_PASSWORD, DomainSetUserPasswordArgs.class, Void.class, (s, a) -> {
            ApiChecks.nonNull(a.user(), "user", "virDomainSetUserPassword", D);
            ApiChecks.nonNull(a.password(), "password", "virDomainSetUserPassword", D);
            s.domains().domainSetUserPassword(Handles.dom(a.dom()), a.user(), a.password(), a.flags());
            return null;
        });
    }

    private static void saveFlags(int flags, String api) {
        ApiChecks.exclusive(flags, SAVE_RUNNING, "VIR_DOMAIN_SAVE_RUNNING", SAVE_PAUSED, "VIR_DOMAIN_SAVE_PAUSED",
                api, D);
    }

    private static void dumpFlags(int flags, String api) {
        ApiChecks.exclusive(flags, DUMP_CRASH, "VIR_DUMP_CRASH", DUMP_LIVE, "VIR_DUMP_LIVE", api, D);
        ApiChecks.exclusive(flags, DUMP_CRASH, "VIR_DUMP_CRASH", DUMP_RESET, "VIR_DUMP_RESET", api, D);
        ApiChecks.exclusive(flags, DUMP_LIVE, "VIR_DUMP_LIVE", DUMP_RESET, "VIR_DUMP_RESET", api, D);
    }

    /** g_canonicalize_filename(name, NULL): absolute against the daemon's working directory. */
    private static String absolute(String name) {
        return Path.of(name).toAbsolutePath().normalize().toString();
    }
}
