package io.jvirtd.rpc.xdr;

import static io.jvirtd.rpc.xdr.XdrTestBytes.decode;
import static io.jvirtd.rpc.xdr.XdrTestBytes.encode;
import static io.jvirtd.rpc.xdr.XdrTestBytes.hex;
import static io.jvirtd.rpc.xdr.XdrTestBytes.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class XdrCodecTest {

    // ---- declarations under test ----

    record Primitives(int i, long h, boolean b, double d, short s, byte c, char us) { }

    record Boxed(Integer i, Long h, Boolean b, Double d) { }

    record Handle(String name, @XdrFixed(16) byte[] uuid, int id) { }

    record WithOptionals(@XdrOptional String name, @XdrOptional Handle dom, int flags) { }

    record Lists(@XdrMax(3) List<Integer> ints, @XdrMax(2) List<String> names,
                 @XdrMax(2) List<Handle> handles) { }

    record Bounded(@XdrMax(4) String s, @XdrMax(2) byte[] o) { }

    record FixedChars(@XdrChars @XdrFixed(4) String model, @XdrChars @XdrFixed(3) byte[] raw) { }

    record VarChars(@XdrChars @XdrMax(5) String model, @XdrChars @XdrMax(2) byte[] raw) { }

    record Empty() { }

    @XdrUnion
    sealed interface Value {
        @XdrArm(1) record I(int i) implements Value { }

        @XdrArm(7) record S(String s) implements Value { }

        @XdrArm(-1) record None() implements Value { }
    }

    record Param(String field, Value value) { }

    record Hugely(@XdrMax(Integer.MAX_VALUE) List<Long> items) { }

    record Checked(int n) {
        Checked {
            if (n < 0) {
                throw new IllegalArgumentException("negative");
            }
        }
    }

    // ---- structs ----

    @Test
    void primitivesAreWordsInDeclarationOrder() {
        Primitives p = new Primitives(-1, 1L << 40, true, 2.0, (short) -2, (byte) -3, (char) 0xffff);
        byte[] wire = hex(
                "ffffffff",           // int -1
                "00000100 00000000",  // hyper 2^40
                "00000001",           // bool true
                "40000000 00000000",  // double 2.0
                "fffffffe",           // short -2, sign-extended to a word
                "fffffffd",           // (signed) char -3, sign-extended
                "0000ffff");          // unsigned short 65535, zero-extended
        assertEquals(words(wire), words(encode(Primitives.class, p)));
        assertEquals(p, decode(Primitives.class, wire));
    }

    @Test
    void boxedComponentsRoundTrip() {
        Boxed b = new Boxed(300, 5L, false, 0.5);
        assertEquals(b, decode(Boxed.class, encode(Boxed.class, b)));
    }

    @Test
    void nullInANonOptionalComponentIsRefusedNamingIt() {
        XdrException e = assertThrows(XdrException.class,
                () -> encode(Boxed.class, new Boxed(null, 1L, true, 1.0)));
        assertEquals("Boxed.i", e.field());
        XdrException s = assertThrows(XdrException.class,
                () -> encode(Handle.class, new Handle(null, new byte[16], 1)));
        assertEquals("Handle.name", s.field());
    }

    @Test
    void nestedStructIsInlined() {
        byte[] uuid = hex("4dea22b3 1d52d8f3 2516782e 98ab3fa0");
        byte[] wire = hex(
                "00000000",                             // name absent
                "00000001",                             // dom present
                "00000003 66763000",                    //   name "fv0"
                "4dea22b3 1d52d8f3 2516782e 98ab3fa0",  //   uuid[16]
                "00000001",                             //   id 1
                "00000004");                            // flags 4
        WithOptionals w = decode(WithOptionals.class, wire);
        assertNull(w.name());
        assertEquals("fv0", w.dom().name());
        assertArrayEquals(uuid, w.dom().uuid());
        assertEquals(1, w.dom().id());
        assertEquals(4, w.flags());
        assertEquals(words(wire), words(encode(WithOptionals.class, w)));
    }

    @Test
    void optionalPresentIsFlagThenValue() {
        byte[] wire = encode(WithOptionals.class, new WithOptionals("x", null, 0));
        assertEquals("00000001 00000001 78000000"  // name present, "x" + 3 pad
                + " 00000000"                      // dom absent
                + " 00000000",                     // flags
                words(wire));
    }

    @Test
    void variableArraysAreCountThenElements() {
        Lists l = new Lists(List.of(1, 2), List.of("a"), List.of());
        byte[] wire = hex(
                "00000002 00000001 00000002",  // ints: 2 elements
                "00000001 00000001 61000000",  // names: 1 element, "a"
                "00000000");                   // handles: none
        assertEquals(words(wire), words(encode(Lists.class, l)));
        assertEquals(l, decode(Lists.class, wire));
    }

    @Test
    void decodedListsAreUnmodifiable() {
        Lists l = decode(Lists.class, hex("00000001 00000005", "00000000", "00000000"));
        assertThrows(UnsupportedOperationException.class, () -> l.ints().set(0, 1));
    }

    @Test
    void arrayOverItsMaximumFailsBothWays() {
        XdrException in = assertThrows(XdrException.class,
                () -> decode(Lists.class, hex("00000004 00000001 00000002 00000003 00000004")));
        assertEquals("Lists.ints", in.field());
        assertThrows(XdrException.class,
                () -> encode(Lists.class, new Lists(List.of(1, 2, 3, 4), List.of(), List.of())));
    }

    @Test
    void hugeDeclaredArrayThrowsWithoutAllocatingIt() {
        // 0x10000000 hypers would be a 1 GiB Object[] before reading a single element.
        byte[] wire = hex("10000000 00000000 00000001");
        long before = XdrTestBytes.allocatedBytes();
        XdrException e = assertThrows(XdrException.class, () -> decode(Hugely.class, wire));
        assertTrue(XdrTestBytes.allocatedBytes() - before < 1 << 20);
        assertTrue(e.getMessage().startsWith("Hugely.items: array length 268435456 needs"),
                e.getMessage());
    }

    @Test
    void stringAndOpaqueBoundsAreCheckedBothWays() {
        assertThrows(XdrException.class, () -> encode(Bounded.class, new Bounded("12345", new byte[0])));
        assertThrows(XdrException.class, () -> encode(Bounded.class, new Bounded("", new byte[3])));
        XdrException e = assertThrows(XdrException.class,
                () -> decode(Bounded.class, hex("00000005 31323334 35000000 00000000")));
        assertEquals("Bounded.s: string length 5 exceeds maximum 4", e.getMessage());
    }

    @Test
    void stringBoundCountsUtf8BytesNotChars() {
        // "éé" is 2 chars but 4 bytes: fits @XdrMax(4); "ééé" (6 bytes) does not.
        Bounded fits = new Bounded("éé", new byte[0]);
        assertEquals("éé", decode(Bounded.class, encode(Bounded.class, fits)).s());
        assertThrows(XdrException.class, () -> encode(Bounded.class, new Bounded("ééé", new byte[0])));
    }

    @Test
    void truncatedStructThrowsNamingTheMissingField() {
        XdrException e = assertThrows(XdrException.class,
                () -> decode(Handle.class, hex("00000001 61000000", "00112233")));
        assertEquals("Handle.uuid", e.field());
    }

    // ---- char arrays ----

    @Test
    void fixedCharArrayPadsWithNulAndDropsThemOnDecode() {
        byte[] wire = hex(
                "00000069 00000038 00000036 00000000",  // model[4] "i86" NUL
                "00000001 00000002 00000000");          // raw[3] {1,2} then NUL
        FixedChars f = new FixedChars("i86", new byte[] {1, 2});
        assertEquals(words(wire), words(encode(FixedChars.class, f)));
        FixedChars back = decode(FixedChars.class, wire);
        assertEquals("i86", back.model());
        assertArrayEquals(new byte[] {1, 2, 0}, back.raw());
    }

    @Test
    void fixedCharArrayTooLongIsRefused() {
        assertThrows(XdrException.class,
                () -> encode(FixedChars.class, new FixedChars("i9866", new byte[0])));
    }

    @Test
    void variableCharStringCountsItsTerminatingNul() {
        // As libvirt sends the security model: strlen + 1 chars.
        byte[] wire = hex(
                "00000003 00000061 00000062 00000000",  // model<5>: 3 chars "ab" NUL
                "00000002 00000001 00000002");          // raw<2>: 2 chars, no NUL added
        VarChars v = new VarChars("ab", new byte[] {1, 2});
        assertEquals(words(wire), words(encode(VarChars.class, v)));
        VarChars back = decode(VarChars.class, wire);
        assertEquals("ab", back.model());
        assertArrayEquals(new byte[] {1, 2}, back.raw());
    }

    @Test
    void variableCharStringBoundIncludesTheNul() {
        // @XdrMax(5): "abcd" + NUL fits, "abcde" + NUL does not.
        encode(VarChars.class, new VarChars("abcd", new byte[0]));
        assertThrows(XdrException.class, () -> encode(VarChars.class, new VarChars("abcde", new byte[0])));
    }

    // ---- unions ----

    @Test
    void unionIsDiscriminantThenArm() {
        byte[] wire = hex(
                "00000001 66000000",  // field "f"
                "00000007",           // discriminant 7: string arm
                "00000002 68690000"); // s = "hi"
        Param p = new Param("f", new Value.S("hi"));
        assertEquals(words(wire), words(encode(Param.class, p)));
        assertEquals(p, decode(Param.class, wire));
    }

    @Test
    void voidArmIsJustTheDiscriminant() {
        assertEquals("ffffffff", words(encode(Value.class, new Value.None())));
        assertEquals(new Value.None(), decode(Value.class, hex("ffffffff")));
    }

    @Test
    void unknownDiscriminantThrowsNamingTheField() {
        XdrException e = assertThrows(XdrException.class,
                () -> decode(Param.class, hex("00000001 66000000", "00000009")));
        assertEquals("Param.value", e.field());
        assertTrue(e.detail().contains("discriminant 9"), e.detail());
    }

    @Test
    void voidTypeEncodesNothingAndDecodesToNull() {
        assertEquals(0, encode(Void.class, null).length);
        assertNull(decode(Void.class, new byte[0]));
    }

    @Test
    void emptyRecordEncodesNothing() {
        assertEquals(0, encode(Empty.class, new Empty()).length);
        assertEquals(new Empty(), decode(Empty.class, new byte[0]));
    }

    @Test
    void decodeRunsTheCompactConstructorsChecks() {
        assertThrows(IllegalArgumentException.class, () -> decode(Checked.class, hex("ffffffff")));
    }

    @Test
    void extraBytesAfterTheValueAreLeftUnread() {
        // libvirtd ignores trailing bytes after valid args; the reader just stops.
        byte[] b = hex("00000005 00000006");
        XdrReader in = new XdrReader(b, 0, b.length);
        assertEquals(new Checked(5), XdrCodec.of(Checked.class).decode(in));
        assertEquals(4, in.remaining());
    }

    @Test
    void codecIsBuiltOncePerClass() {
        assertSame(XdrCodec.of(Param.class), XdrCodec.of(Param.class));
    }

    @Test
    void nestedFailurePathNamesEveryLevel() {
        byte[] wire = hex(
                "00000000",                           // name absent
                "00000001",                           // dom present
                "7fffffff");                          //   name length 0x7fffffff
        XdrException e = assertThrows(XdrException.class, () -> decode(WithOptionals.class, wire));
        assertEquals("WithOptionals.dom.name", e.field());
    }

    @Test
    void listElementFailureNamesTheIndex() {
        record Params(@XdrMax(4) List<Param> params) { }
        byte[] wire = hex(
                "00000002",                           // 2 params
                "00000001 61000000 00000001 00000005",  // [0] "a" = int 5
                "00000001 62000000 00000063");          // [1] "b", discriminant 99
        XdrException e = assertThrows(XdrException.class, () -> decode(Params.class, wire));
        assertEquals("Params.params[1].value", e.field());
    }

    // ---- bad declarations fail when the codec is built ----

    record ListWithoutMax(List<Integer> items) { }

    record OptionalPrimitive(@XdrOptional int n) { }

    record FixedString(@XdrFixed(4) String s) { }

    record CharsOnInt(@XdrChars int n) { }

    record MaxOnStruct(@XdrMax(3) Empty e) { }

    record UnsupportedType(java.util.Map<String, String> m) { }

    record CharsWithoutBound(@XdrChars String s) { }

    @XdrUnion
    sealed interface ArmWithoutTag {
        record A(int a) implements ArmWithoutTag { }
    }

    @XdrUnion
    sealed interface DuplicateArms {
        @XdrArm(1) record A(int a) implements DuplicateArms { }

        @XdrArm(1) record B(int b) implements DuplicateArms { }
    }

    interface NotAUnion { }

    record Recursive(int n, @XdrOptional Recursive next) { }

    @Test
    void badDeclarationsFailWhenTheCodecIsBuilt() {
        assertBad(ListWithoutMax.class, "ListWithoutMax.items", "@XdrMax");
        assertBad(OptionalPrimitive.class, "OptionalPrimitive.n", "@XdrOptional");
        assertBad(FixedString.class, "FixedString.s", "fixed-length string");
        assertBad(CharsOnInt.class, "CharsOnInt.n", "@XdrChars");
        assertBad(MaxOnStruct.class, "MaxOnStruct.e", "@XdrMax");
        assertBad(UnsupportedType.class, "UnsupportedType.m", "Map");
        assertBad(CharsWithoutBound.class, "CharsWithoutBound.s", "@XdrMax");
        assertBad(ArmWithoutTag.class, "ArmWithoutTag", "@XdrArm");
        assertBad(DuplicateArms.class, "DuplicateArms", "share discriminant 1");
        assertBad(NotAUnion.class, "NotAUnion", "neither a record");
        assertBad(Recursive.class, "Recursive", "recursive");
    }

    private static void assertBad(Class<?> type, String where, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> XdrCodec.of(type));
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(why), e.getMessage());
    }
}
