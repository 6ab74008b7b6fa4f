package io.jvirtd.protocol.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.protocol.remote.RemoteSignatures.EventSignature;
import io.jvirtd.protocol.remote.RemoteSignatures.Signature;
import io.jvirtd.rpc.xdr.XdrCodec;
import java.lang.reflect.Modifier;
import java.util.EnumSet;
import java.util.Set;
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
        assertEquals(new Signature(RemoteTypes.DomainSuspendArgs.class, Void.class),
                RemoteSignatures.of(RemoteProcedure.DOMAIN_SUSPEND));
    }

    @Test
    void everyCallHasASignatureAndEveryEventAMessage() {
        Set<RemoteProcedure> calls = EnumSet.noneOf(RemoteProcedure.class);
        Set<RemoteProcedure> events = EnumSet.noneOf(RemoteProcedure.class);
        for (RemoteProcedure p : RemoteProcedure.values()) {
            if (p.kind() == RemoteProcedure.Kind.CALL) {
                assertNotNull(RemoteSignatures.of(p), p.name());
                assertNull(RemoteSignatures.eventOf(p), p.name());
                calls.add(p);
            } else {
                assertNotNull(RemoteSignatures.eventOf(p), p.name());
                assertNull(RemoteSignatures.of(p), p.name());
                events.add(p);
            }
        }
        assertEquals(calls, RemoteSignatures.all().keySet());
        assertEquals(events, RemoteSignatures.events().keySet());
        assertEquals(443, calls.size() + events.size());
        assertEquals(51, events.size());
    }

    @Test
    void everyDeclaredCodecBuildsAndIsCached() {
        RemoteSignatures.all().forEach((p, s) -> {
            assertSame(XdrCodec.of(s.args()), s.argsCodec(), p.name());
            assertSame(XdrCodec.of(s.ret()), s.retCodec(), p.name());
        });
        RemoteSignatures.events().forEach((p, e) ->
                assertSame(XdrCodec.of(e.msg()), e.msgCodec(), p.name()));
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
        RemoteSignatures.events().forEach((p, e) ->
                assertEquals(camel(p.name()) + "Msg", e.msg().getSimpleName(), p.name()));
    }

    @Test
    void eventMessagesOfBothGenerations() {
        assertEquals(new EventSignature(RemoteTypes.DomainEventCallbackLifecycleMsg.class),
                RemoteSignatures.eventOf(RemoteProcedure.DOMAIN_EVENT_CALLBACK_LIFECYCLE));
        assertEquals(new EventSignature(RemoteTypes.DomainEventLifecycleMsg.class),
                RemoteSignatures.eventOf(RemoteProcedure.DOMAIN_EVENT_LIFECYCLE));
        assertEquals(new EventSignature(RemoteTypes.ConnectEventConnectionClosedMsg.class),
                RemoteSignatures.eventOf(RemoteProcedure.CONNECT_EVENT_CONNECTION_CLOSED));
    }

    @Test
    void everyGeneratedTypeIsAPublicRecordOrUnion() {
        for (Class<?> c : RemoteTypes.class.getDeclaredClasses()) {
            assertTrue(Modifier.isPublic(c.getModifiers()), c.getName());
            assertTrue(c.isRecord() || c.isSealed(), c.getName());
            assertNotNull(XdrCodec.of(c), c.getName());
        }
    }

    private static String camel(String constant) {
        StringBuilder s = new StringBuilder();
        for (String part : constant.split("_")) {
            s.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        }
        return s.toString();
    }
}
