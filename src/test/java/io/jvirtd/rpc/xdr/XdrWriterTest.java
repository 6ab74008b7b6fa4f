package io.jvirtd.rpc.xdr;

import static io.jvirtd.rpc.xdr.XdrTestBytes.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class XdrWriterTest {

    @Test
    void writesBigEndianPrimitives() {
        XdrWriter out = new XdrWriter(0);
        out.writeInt(-2);
        out.writeHyper(1L << 32);
        out.writeDouble(1.0);
        out.writeBool(false);
        out.writeBool(true);
        assertEquals("fffffffe"              // int -2
                + " 00000001 00000000"       // hyper 2^32
                + " 3ff00000 00000000"       // double 1.0
                + " 00000000"                // false
                + " 00000001",               // true
                words(out.toByteArray()));
    }

    @Test
    void stringIsCountBytesAndZeroPadding() {
        XdrWriter out = new XdrWriter(4);
        assertEquals(3, out.writeString("fv0"));
        assertEquals("00000003 66763000", words(out.toByteArray()));
    }

    @Test
    void nonAsciiStringIsUtf8AndReturnsByteCount() {
        XdrWriter out = new XdrWriter(4);
        assertEquals(2, out.writeString("é"));
        assertEquals("00000002 c3a90000", words(out.toByteArray()));
    }

    @Test
    void opaqueAndFixedOpaquePad() {
        XdrWriter out = new XdrWriter(4);
        out.writeOpaque(new byte[] {1, 2, 3, 4, 5});
        out.writeFixedOpaque(new byte[] {9}, 1);
        assertEquals("00000005 01020304 05000000"  // opaque<> 5 bytes + 3 pad
                + " 09000000",                     // opaque[1] + 3 pad
                words(out.toByteArray()));
    }

    @Test
    void fixedOpaqueOfWrongSizeIsRefused() {
        assertThrows(XdrException.class, () -> new XdrWriter(4).writeFixedOpaque(new byte[15], 16));
    }

    @Test
    void charArraysWidenEachCharAndPadWithNul() {
        XdrWriter out = new XdrWriter(4);
        out.writeCharArray(new byte[] {'h', 'i'}, 3);
        out.writeFixedCharArray(new byte[] {(byte) 0xe9}, 2);
        assertEquals("00000003 00000068 00000069 00000000"  // count 3: 'h' 'i' NUL
                + " ffffffe9 00000000",                     // char[2]: signed 0xe9, NUL
                words(out.toByteArray()));
    }

    @Test
    void paddingIsZeroEvenWhenTheBufferIsReused() {
        XdrWriter out = new XdrWriter(8);
        out.writeHyper(-1L);
        out.reset();
        out.writeOpaque(new byte[] {7});
        assertEquals("00000001 07000000", words(out.toByteArray()));
    }

    @Test
    void growsPastItsInitialCapacity() {
        XdrWriter out = new XdrWriter(0);
        for (int i = 0; i < 1000; i++) {
            out.writeInt(i);
        }
        assertEquals(4000, out.position());
        assertEquals(999, new XdrReader(out.array(), 3996, 4).readInt());
    }

    @Test
    void lengthWordCanBeReservedAndPatchedLater() {
        XdrWriter out = new XdrWriter(4);
        out.setPosition(4);
        out.writeInt(0x20008086);
        out.putInt(0, out.position());
        assertEquals("00000008 20008086", words(out.toByteArray()));
    }

    @Test
    void patchingOutsideTheWrittenBytesIsRefused() {
        XdrWriter out = new XdrWriter(16);
        out.writeInt(1);
        assertThrows(IndexOutOfBoundsException.class, () -> out.putInt(4, 0));
    }
}
