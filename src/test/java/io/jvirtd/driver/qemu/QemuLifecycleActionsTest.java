package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.LifecycleActions;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The lifecycle-action combinations libvirt 9.0 allows (its messages as libvirtd printed them in
 * qemu/libvirtd-9.0/domain-api.txt) and QEMU's reboot action at start.
 */
class QemuLifecycleActionsTest {

    @Test
    void theCombinationsTheQemuDriverRefuses() {
        assertEquals("unsupported configuration: qemu driver doesn't support 'onReboot' set to 'destroy and "
                + "'onPoweroff' set to 'reboot'", message(() -> QemuLifecycleActions.validate("restart", "destroy", "destroy")));
        assertEquals("unsupported configuration: qemu driver doesn't support the 'preserve' action for "
                + "'on_reboot'/'on_poweroff'", message(() -> QemuLifecycleActions.validate("preserve", "restart", "destroy")));
        assertEquals("unsupported configuration: qemu driver doesn't support the 'rename-restart' action for "
                + "'on_reboot'/'on_poweroff'/'on_crash'",
                message(() -> QemuLifecycleActions.validate("destroy", "restart", "rename-restart")));
        assertDoesNotThrow(() -> QemuLifecycleActions.validate("restart", "restart", "coredump-destroy"));
        assertDoesNotThrow(() -> QemuLifecycleActions.validate("destroy", "destroy", "preserve"));
    }

    @Test
    void poweroffAndRebootTakeNoCoredumpAndTheRangesAreThePublicApis() {
        assertEquals("unsupported configuration: Lifecycle event 'reboot' doesn't support 'coredump-destroy' action",
                message(() -> LifecycleActions.checkAllowed(LifecycleActions.REBOOT, 4)));
        assertDoesNotThrow(() -> LifecycleActions.checkAllowed(LifecycleActions.CRASH, 5));
        assertEquals("invalid argument: invalid lifecycle type '3'", message(() -> LifecycleActions.checkRange(3, 0)));
        assertEquals("invalid argument: invalid lifecycle action '4294967295'",
                message(() -> LifecycleActions.checkRange(0, -1)));
    }

    @Test
    void onlyOnRebootDestroyTellsQemuAtStart() {
        var def = QemuLifecycle.parse("<domain type='qemu'><name>a</name><memory>16384</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>");
        assertNull(QemuLifecycleActions.atStart(def));
        def.setOnReboot("destroy");
        assertEquals(Map.of("reboot", "shutdown"), QemuLifecycleActions.atStart(def));
    }

    private static String message(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(VirException.class, call).getMessage();
    }
}
