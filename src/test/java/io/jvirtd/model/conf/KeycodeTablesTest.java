package io.jvirtd.model.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * libvirt's key code translation (virKeycodeValueTranslate) on known keys: the codes virsh
 * send-key sends for KEY_A, VK_SPACE and friends become the qnum codes QEMU takes, and codes a
 * set lacks translate to -1 (libvirtd's "cannot translate keycode" error).
 */
class KeycodeTablesTest {

    private static final int LINUX = 0;
    private static final int XT = 1;
    private static final int ATSET1 = 2;
    private static final int ATSET2 = 3;
    private static final int ATSET3 = 4;
    private static final int OSX = 5;
    private static final int XT_KBD = 6;
    private static final int USB = 7;
    private static final int WIN32 = 8;
    private static final int QNUM = KeycodeTables.QNUM;

    @Test
    void theLetterAIsQnum0x1eFromEverySet() {
        assertEquals(0x1e, KeycodeTables.translate(LINUX, QNUM, 30));      // KEY_A
        assertEquals(0x1e, KeycodeTables.translate(XT, QNUM, 0x1e));       // XT is AT set 1
        assertEquals(0x1e, KeycodeTables.translate(ATSET1, QNUM, 0x1e));
        assertEquals(0x1e, KeycodeTables.translate(ATSET2, QNUM, 0x1c));
        assertEquals(0x1e, KeycodeTables.translate(ATSET3, QNUM, 0x1c));
        assertEquals(0x1e, KeycodeTables.translate(OSX, QNUM, 0));         // kVK_ANSI_A
        assertEquals(0x1e, KeycodeTables.translate(XT_KBD, QNUM, 0x1e));
        assertEquals(0x1e, KeycodeTables.translate(USB, QNUM, 4));
        assertEquals(0x1e, KeycodeTables.translate(WIN32, QNUM, 0x41));    // VK_A
    }

    @Test
    void extendedKeysGetQnumsHighBit() {
        assertEquals(0x9d, KeycodeTables.translate(LINUX, QNUM, 97));      // KEY_RIGHTCTRL: e0 1d
        assertEquals(0xb8, KeycodeTables.translate(LINUX, QNUM, 100));     // KEY_RIGHTALT: e0 38
        assertEquals(0x39, KeycodeTables.translate(WIN32, QNUM, 0x20));    // VK_SPACE
        assertEquals(97, KeycodeTables.translate(QNUM, LINUX, 0x9d));
    }

    @Test
    void codesASetLacksDoNotTranslate() {
        assertEquals(-1, KeycodeTables.translate(USB, QNUM, 1));           // what libvirtd refused
        assertEquals(-1, KeycodeTables.translate(LINUX, QNUM, 1000));
        assertEquals(-1, KeycodeTables.translate(LINUX, QNUM, -1));
        assertEquals(-1, KeycodeTables.translate(10, QNUM, 1));            // no such code set
        assertTrue(KeycodeTables.valid(LINUX, 30));
        assertFalse(KeycodeTables.valid(USB, 1));
        assertEquals("os_x", KeycodeTables.name(OSX));
        assertEquals("(null)", KeycodeTables.name(42));
    }
}
