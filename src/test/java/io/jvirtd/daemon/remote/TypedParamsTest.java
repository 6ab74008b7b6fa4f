package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirException;
import io.jvirtd.protocol.remote.RemoteTypes.TypedParam;
import io.jvirtd.protocol.remote.RemoteTypes.TypedParamValue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Typed parameters between wire and model as libvirtd's virTypedParams(De)Serialize do them. */
class TypedParamsTest {

    private static final List<TypedParameter> BLKIOTUNE = List.of(
            TypedParameter.ofULLong("total_bytes_sec", 1000L),
            TypedParameter.ofString("group_name", "g1"),
            TypedParameter.ofBoolean("b", true));

    @Test
    void stringsAreDroppedUnlessTheCallAllowsThem() {
        assertEquals(List.of(new TypedParam("total_bytes_sec", new TypedParamValue.ULLongValue(1000L)),
                new TypedParam("b", new TypedParamValue.BooleanValue(1))), TypedParams.toWire(BLKIOTUNE, 0, 20));
        assertEquals(3, TypedParams.toWire(BLKIOTUNE, TypedParams.STRING_OKAY, 20).size());
    }

    @Test
    void countQueryAnswersTheCountAndNoParameters() {
        int[] n = new int[1];
        assertEquals(List.of(), TypedParams.answer(BLKIOTUNE, 0, TypedParams.STRING_OKAY, 20, n));
        assertEquals(3, n[0]);
        assertEquals(1, TypedParams.answer(BLKIOTUNE, 1, TypedParams.STRING_OKAY, 20, n).size());
        assertEquals(0, n[0]);
    }

    @Test
    void moreParametersThanTheWireTakesIsLibvirtdsRpcError() {
        VirException e = assertThrows(VirException.class, () -> TypedParams.toWire(BLKIOTUNE, 4, 2));
        assertEquals("too many parameters '3' for limit '2'", e.message());
        assertEquals(39, e.code());
    }

    @Test
    void receivedParametersKeepTheirTypesAndFieldNamesAreBounded() {
        List<TypedParameter> p = TypedParams.fromWire(List.of(
                new TypedParam("weight", new TypedParamValue.UIntValue(-1)),
                new TypedParam("s", new TypedParamValue.StringValue("x"))), 16);
        assertEquals(TypedParameter.Type.UINT, p.get(0).type());
        assertEquals(-1, p.get(0).intValue());
        assertEquals("x", p.get(1).stringValue());
        String longName = "f".repeat(80);
        VirException e = assertThrows(VirException.class, () -> TypedParams.fromWire(
                List.of(new TypedParam(longName, new TypedParamValue.IntValue(1))), 16));
        assertEquals("internal error: parameter " + longName + " too big for destination", e.message());
    }
}
