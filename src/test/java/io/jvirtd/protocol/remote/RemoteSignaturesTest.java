package io.jvirtd.protocol.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.protocol.remote.RemoteSignatures.Signature;
import org.junit.jupiter.api.Test;

class RemoteSignaturesTest {

    @Test
    void voidSidesAreVoidClass() {
        assertEquals(new Signature(Void.class, Void.class),
                RemoteSignatures.of(RemoteProcedure.CONNECT_CLOSE));
        assertEquals(new Signature(Void.class, RemoteTypes.AuthListRet.class),
                RemoteSignatures.of(RemoteProcedure.AUTH_LIST));
        assertEquals(new Signature(RemoteTypes.ConnectOpenArgs.class, Void.class),
                RemoteSignatures.of(RemoteProcedure.CONNECT_OPEN));
    }

    @Test
    void undeclaredProcedureHasNoSignature() {
        assertNull(RemoteSignatures.of(RemoteProcedure.DOMAIN_SUSPEND));
    }

    @Test
    void recordsAreNamedAfterTheirProcedure() {
        RemoteSignatures.all().forEach((p, s) -> {
            String stem = camel(p.name());
            assertTrue(s.args() == Void.class || s.args().getSimpleName().equals(stem + "Args"),
                    p + " args " + s.args());
            assertTrue(s.ret() == Void.class || s.ret().getSimpleName().equals(stem + "Ret"),
                    p + " ret " + s.ret());
        });
    }

    @Test
    void onlyCallsAreDeclared() {
        RemoteSignatures.all().keySet().forEach(p ->
                assertEquals(RemoteProcedure.Kind.CALL, p.kind(), p.name()));
    }

    private static String camel(String constant) {
        StringBuilder s = new StringBuilder();
        for (String part : constant.split("_")) {
            s.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        }
        return s.toString();
    }
}
