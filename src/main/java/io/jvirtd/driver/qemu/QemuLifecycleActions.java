package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.DomainDef;
import io.jvirtd.model.conf.LifecycleActions;
import io.jvirtd.model.domain.DomainRef;

import java.util.Map;

/**
 * virDomainSetLifecycleAction as libvirt 9.0's QEMU driver does it (qemuDomainSetLifecycleAction),
 * and the lifecycle rules it shares with define and start: the combinations the QEMU driver
 * refuses (qemuValidateLifecycleAction), and QEMU's reboot action. QEMU 7.2 has QMP
 * {@code set-action}, so, as libvirt, the driver starts every guest with {@code -no-shutdown}
 * and tells QEMU {@code reboot: shutdown} for {@code <on_reboot>destroy}; a live change of the
 * reboot action sends {@code set-action} again ({@code shutdown} or {@code reset}); the other
 * live changes only change the definition, whose actions the driver applies itself. Stateless;
 * worker threads; the QMP round trip under the domain's job with no lock held.
 */
final class QemuLifecycleActions {

    private static final int DESTROY = 0;
    private static final int RESTART = 1;
    private static final int RENAME_RESTART = 2;
    private static final int PRESERVE = 3;

    private final QemuLifecycle life;

    QemuLifecycleActions(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainSetLifecycleAction. */
    void set(DomainRef dom, int type, int action, int flags) {
        VirException.checkFlags(flags, AffectedDefs.AFFECT_LIVE | AffectedDefs.AFFECT_CONFIG, VirErrorDomain.QEMU,
                "qemuDomainSetLifecycleAction");
        LifecycleActions.checkAllowed(type, action);
        QemuDomain d = life.domains.get(dom);
        d.beginJob();
        try {
            AffectedDefs defs = AffectedDefs.resolve(d, flags);
            String liveReboot = null;
            synchronized (d) {
                if (defs.live() != null) {
                    validateWith(defs.live(), type, action);
                    liveReboot = defs.live().onReboot();
                }
            }
            if (defs.persistent() != null) {
                validateWith(defs.persistent(), type, action);
            }
            if (defs.live() != null) {
                // qemuDomainModifyLifecycleActionLive: only the reboot action goes to QEMU
                if (type == LifecycleActions.REBOOT && !LifecycleActions.ACTIONS.get(action).equals(liveReboot)
                        && (action == DESTROY || action == RESTART)) {
                    QmpMonitor mon = QemuLifecycle.runningMonitor(d);
                    mon.execute("set-action", Map.of("reboot", action == DESTROY ? "shutdown" : "reset"),
                            QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
                }
                synchronized (d) {
                    LifecycleActions.set(defs.live(), type, action);
                }
                life.saveStatus(d);
            }
            if (defs.persistent() != null) {
                LifecycleActions.set(defs.persistent(), type, action);
                defs.savePersistent(life, d);
            }
        } finally {
            d.endJob();
        }
    }

    /** qemuDomainSetLifecycleActionValidate: {@code def}'s actions with {@code type} changed to {@code action}. */
    private static void validateWith(DomainDef def, int type, int action) {
        String a = LifecycleActions.ACTIONS.get(action);
        validate(type == LifecycleActions.POWEROFF ? a : def.onPoweroff(),
                type == LifecycleActions.REBOOT ? a : def.onReboot(),
                type == LifecycleActions.CRASH ? a : def.onCrash());
    }

    /** qemuValidateLifecycleAction: what the QEMU driver refuses, in libvirt's order. */
    static void validate(String onPoweroff, String onReboot, String onCrash) {
        String rename = LifecycleActions.ACTIONS.get(RENAME_RESTART);
        String preserve = LifecycleActions.ACTIONS.get(PRESERVE);
        if (rename.equals(onPoweroff) || rename.equals(onReboot) || rename.equals(onCrash)) {
            throw unsupported("qemu driver doesn't support the 'rename-restart' action for "
                    + "'on_reboot'/'on_poweroff'/'on_crash'");
        }
        if (preserve.equals(onPoweroff) || preserve.equals(onReboot)) {
            throw unsupported("qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'");
        }
        if ("restart".equals(onPoweroff) && "destroy".equals(onReboot)) {
            // libvirt's message, its missing quote included
            throw unsupported("qemu driver doesn't support 'onReboot' set to 'destroy and 'onPoweroff' set to 'reboot'");
        }
    }

    /** qemuProcessSetupLifecycleActions: the QMP arguments a start sends for {@code live}, or null. */
    static Map<String, Object> atStart(DomainDef live) {
        return "destroy".equals(live.onReboot()) ? Map.of("reboot", "shutdown") : null;
    }

    private static VirException unsupported(String message) {
        return VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.QEMU, message);
    }
}
