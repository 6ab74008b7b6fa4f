package io.jvirtd.rpc.xdr;

import static io.jvirtd.rpc.xdr.XdrTestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class XdrReaderTest {

    @Test
    void readsBigEndianPrimitives() {
        XdrReader in = reader(
                "fffffffe",           // int -2
                "00000001 00000000",  // hyper 2^32
                "3ff00000 00000000",  // double 1.0
                "00000000",           // bool false
                "00000001");          // bool true
        assertEquals(-2, in.readInt());
        assertEquals(1L << 32, in.readHyper());
        assertEquals(1.0, in.readDouble());
        assertFalse(in.readBool());
        assertTrue(in.readBool());
        assertEquals(0, in.remaining());
    }

    @Test
    void unsignedIntKeepsItsBitPattern() {
        assertEquals(0xffffffff, reader("ffffffff").readInt());
        assertEquals(-1L, reader("ffffffff ffffffff").readHyper());
    }

    @Test
    void boolAcceptsAnyNonZeroWordLikeLibtirpc() {
        assertTrue(reader("00000002").readBool());
    }

    @Test
    void stringConsumesItsPadding() {
        XdrReader in = reader(
                "00000003 66763000",  // "fv0" + 1 pad byte
                "0000002a");          // next word
        assertEquals("fv0", in.readString(100));
        assertEquals(42, in.readInt());
    }

    @Test
    void stringOfFourBytesHasNoPadding() {
        XdrReader in = reader("00000004 74657374 00000007");  // "test", then 7
        assertEquals("test", in.readString(4));
        assertEquals(7, in.readInt());
    }

    @Test
    void stringIsUtf8() {
        // "é" is c3 a9 in UTF-8; 2 pad bytes
        assertEquals("é", reader("00000002 c3a90000").readString(10));
    }

    @Test
    void opaqueAndFixedOpaqueConsumePadding() {
        XdrReader in = reader(
                "00000005 01020304 05000000",  // opaque<> of 5 bytes, 3 pad
                "aabbcc00",                    // opaque[3], 1 pad
                "00000009");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, in.readOpaque(5));
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc}, in.readFixedOpaque(3));
        assertEquals(9, in.readInt());
    }

    @Test
    void charArraysAreOneWordPerChar() {
        XdrReader in = reader(
                "00000002 00000068 00000069",  // char<>: count 2, 'h', 'i'
                "00000041 ffffffe9");          // char[2]: 'A', (signed char) 0xe9
        assertArrayEquals(new byte[] {'h', 'i'}, in.readCharArray(10));
        assertArrayEquals(new byte[] {'A', (byte) 0xe9}, in.readFixedCharArray(2));
    }

    @Test
    void readsOnlyItsSlice() {
        byte[] buf = hex("11111111 00000005 22222222");
        XdrReader in = new XdrReader(buf, 4, 4);
        assertEquals(4, in.position());
        assertEquals(5, in.readInt());
        assertEquals(8, in.position());
        assertThrows(XdrException.class, in::readInt);
    }

    @Test
    void truncatedIntThrows() {
        XdrException e = assertThrows(XdrException.class, () -> reader("000000").readInt());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedHyperThrows() {
        assertThrows(XdrException.class, () -> reader("00000000").readHyper());
    }

    @Test
    void stringMissingItsPaddingThrows() {
        // count 3 and the 3 bytes are there, the pad byte is not
        byte[] buf = hex("00000003 66763000");
        XdrReader in = new XdrReader(buf, 0, 7);
        assertThrows(XdrException.class, () -> in.readString(10));
    }

    @Test
    void stringOverItsMaximumThrowsBeforeReading() {
        XdrException e = assertThrows(XdrException.class,
                () -> reader("00000005 68656c6c 6f000000").readString(4));
        assertEquals("string length 5 exceeds maximum 4", e.getMessage());
    }

    @Test
    void countWithTopBitSetIsTooLongNotNegative() {
        XdrException e = assertThrows(XdrException.class,
                () -> reader("ffffffff").readOpaque(Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void hugeDeclaredStringThrowsWithoutAllocating() {
        // The probe libvirtd was fed (docs/protocol.md §4): a string declaring 0x7fffffff bytes.
        XdrReader in = reader("7fffffff 41414141");
        long before = XdrTestBytes.allocatedBytes();
        XdrException e = assertThrows(XdrException.class, () -> in.readString(Integer.MAX_VALUE));
        long allocated = XdrTestBytes.allocatedBytes() - before;
        assertTrue(e.getMessage().contains("only 4 remain"), e.getMessage());
        assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void hugeDeclaredCharArrayThrowsWithoutAllocating() {
        // 0x10000000 chars would need 1 GiB of words; 4 bytes remain.
        XdrReader in = reader("10000000 00000041");
        long before = XdrTestBytes.allocatedBytes();
        assertThrows(XdrException.class, () -> in.readCharArray(Integer.MAX_VALUE));
        assertTrue(XdrTestBytes.allocatedBytes() - before < 1 << 20);
    }

    @Test
    void hugeFixedOpaqueThrowsInsteadOfWrapping() {
        // padded(0x7fffffff) must not overflow into a negative "needed" size.
        assertThrows(XdrException.class, () -> reader("00000000").readFixedOpaque(0x7fffffff));
    }

    private static XdrReader reader(String... words) {
        byte[] b = hex(words);
        return new XdrReader(b, 0, b.length);
    }
}
