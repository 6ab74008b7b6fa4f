package io.jvirtd.model.conf;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.List;

/**
 * virDomainSetLifecycleAction's model part, shared by the drivers: the virDomainLifecycle and
 * virDomainLifecycleAction numbers and names, libvirt's check of which actions an event may take
 * (virDomainDefLifecycleActionAllowed), and reading or changing a definition's
 * {@code <on_poweroff>}, {@code <on_reboot>}, {@code <on_crash>}. Stateless.
 */
public final class LifecycleActions {

    public static final int POWEROFF = 0;
    public static final int REBOOT = 1;
    public static final int CRASH = 2;

    /** virDomainLifecycle names, by number. */
    public static final List<String> TYPES = List.of("poweroff", "reboot", "crash");
    /** virDomainLifecycleAction names, by number. */
    public static final List<String> ACTIONS = Enums.LIFECYCLE_ACTIONS;

    private LifecycleActions() {
    }

    /** virDomainSetLifecycleAction's own range checks (the public API's, before any driver). */
    public static void checkRange(int type, int action) {
        if (Integer.compareUnsigned(type, TYPES.size()) >= 0) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN,
                    "invalid lifecycle type '" + Integer.toUnsignedString(type) + "'");
        }
        if (Integer.compareUnsigned(action, ACTIONS.size()) >= 0) {
            throw VirException.invalidArg(VirErrorDomain.DOMAIN,
                    "invalid lifecycle action '" + Integer.toUnsignedString(action) + "'");
        }
    }

    /** virDomainDefLifecycleActionAllowed: poweroff and reboot take no coredump action. */
    public static void checkAllowed(int type, int action) {
        if ((type == POWEROFF || type == REBOOT) && action >= 4) {
            throw VirException.of(VirErrorNumber.CONFIG_UNSUPPORTED, VirErrorDomain.DOMAIN,
                    "Lifecycle event '" + TYPES.get(type) + "' doesn't support '" + ACTIONS.get(action) + "' action");
        }
    }

    /** The action {@code def} takes on event {@code type}. */
    public static String get(DomainDef def, int type) {
        return switch (type) {
            case POWEROFF -> def.onPoweroff();
            case REBOOT -> def.onReboot();
            default -> def.onCrash();
        };
    }

    /** Sets the action {@code def} takes on event {@code type} (both already range-checked). */
    public static void set(DomainDef def, int type, int action) {
        String a = ACTIONS.get(action);
        switch (type) {
            case POWEROFF -> def.setOnPoweroff(a);
            case REBOOT -> def.setOnReboot(a);
            default -> def.setOnCrash(a);
        }
    }
}
