package io.jvirtd.driver.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainDiskError;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The pure parts of send-key and domblkerror: qnum codes with libvirt's error, query-block's io-status. */
class QemuGuestControlTest {

    @Test
    void keysBecomeQnumCodesAndQnumPassesAsItIs() {
        assertArrayEquals(new long[] {0x1e, 0x30}, QemuGuestControl.qnumCodes(0, new int[] {30, 48}));
        assertArrayEquals(new long[] {0x1e}, QemuGuestControl.qnumCodes(7, new int[] {4}));
        assertArrayEquals(new long[] {0x12345, 0xffffffffL}, QemuGuestControl.qnumCodes(9, new int[] {0x12345, -1}));
    }

    @Test
    void anUntranslatableKeyGetsLibvirtsError() {
        VirException e = assertThrows(VirException.class, () -> QemuGuestControl.qnumCodes(7, new int[] {4, 1}));
        assertEquals("internal error: cannot translate keycode 1 of usb codeset to qnum keycode", e.getMessage());
        e = assertThrows(VirException.class, () -> QemuGuestControl.qnumCodes(0, new int[] {-2}));
        assertEquals("internal error: cannot translate keycode 4294967294 of linux codeset to qnum keycode",
                e.getMessage());
    }

    @Test
    void ioStatusOfEachGuestDevice() {
        Object reply = List.of(
                Map.of("qdev", "/machine/peripheral/virtio-disk0/virtio-backend", "io-status", "nospace"),
                Map.of("qdev", "ide0-0-0", "io-status", "failed"),
                Map.of("qdev", "/machine/peripheral/virtio-disk1/virtio-backend", "io-status", "ok"),
                Map.of("device", "", "qdev", "/machine/peripheral/virtio-disk2/virtio-backend"));
        Map<String, Integer> got = QemuGuestControl.ioStatusByAlias(reply);
        assertEquals(Map.of("virtio-disk0", DomainDiskError.NO_SPACE, "ide0-0-0", DomainDiskError.UNSPEC,
                "virtio-disk1", DomainDiskError.NONE, "virtio-disk2", DomainDiskError.NONE), got);
    }
}
