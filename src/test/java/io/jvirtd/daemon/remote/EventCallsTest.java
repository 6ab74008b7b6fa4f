package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.model.spi.ConnectionDriver;
import io.jvirtd.model.spi.DomainOps;
import io.jvirtd.model.spi.HypervisorConnection;
import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectDomainEventCallbackDeregisterAnyArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectDomainEventCallbackRegisterAnyArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectDomainEventDeregisterAnyArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectDomainEventRegisterAnyArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectOpenArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullDomain;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.server.RunningServer;
import io.jvirtd.rpc.server.WireSocket;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Domain event callbacks through the remote program on a real loopback server, with a fake
 * driver whose event bus the test raises events on; frames checked against libvirtd's bytes.
 */
class EventCallsTest {

    private static final int REMOTE = RemoteProcedure.PROGRAM;
    /** The test driver's domain "test" (the captured event of docs/protocol.md §10). */
    private static final DomainRef TEST = new DomainRef("test",
            HexFormat.of().parseHex("6695eb01f6a4830479aa97f2502e193f"), 1);
    private static final DomainRef OTHER = new DomainRef("other", new byte[16], 2);

    private final EventBus bus = new EventBus();
    private RunningServer running;
    private WireSocket c;
    private int serial;

    @BeforeEach
    void start() throws IOException {
        running = RunningServer.start(
                new RemoteProgram(new ConnectionRouter(Map.of("fake", new FakeDriver()))));
        c = running.connect();
        call(RemoteProcedure.CONNECT_OPEN, new ConnectOpenArgs("fake:///", 0));
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
        running.close();
    }

    @Test
    void callbackEventIsLibvirtdsMessageBytes() throws IOException {
        assertEquals(0, register(DomainEvent.ID_LIFECYCLE, null));
        bus.raise(new DomainEvent.Lifecycle(TEST, 3, 0));
        // docs/protocol.md §10: len=68 REMOTE proc=318 MESSAGE serial=1 OK, callbackID 0, dom, SUSPENDED/PAUSED
        assertEquals("2000808600000001" + "0000013e000000020000000100000000" + "00000000"
                + "00000004746573746695eb01f6a4830479aa97f2502e193f00000001" + "0000000300000000",
                HexFormat.of().formatHex(c.readFrame().array()));
    }

    @Test
    void filteredCallbackSeesOnlyItsDomainAndDeregisterStopsEvents() throws IOException {
        int id = register(DomainEvent.ID_LIFECYCLE, TEST);
        bus.raise(new DomainEvent.Lifecycle(OTHER, 2, 0));
        bus.raise(new DomainEvent.Lifecycle(TEST, 5, 1));
        ByteBuffer m = c.readFrame();
        assertEquals(318, m.getInt(8));
        assertEquals(5, m.getInt(m.limit() - 8));            // the STOPPED event of TEST, not OTHER's
        call(RemoteProcedure.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                new ConnectDomainEventCallbackDeregisterAnyArgs(id));
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
        assertEquals(0, bus.size());
    }

    @Test
    void unknownCallbackIdIsLibvirtdsError() throws IOException {
        call(RemoteProcedure.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                new ConnectDomainEventCallbackDeregisterAnyArgs(7));
        RpcError e = error(c.readFrame());
        assertEquals(1, e.code());                             // VIR_ERR_INTERNAL_ERROR
        assertEquals(7, e.domain());                           // VIR_FROM_RPC
        assertEquals("internal error: domain event callback 7 not registered", e.message());
    }

    @Test
    void eventIdOutOfRangeIsRefused() throws IOException {
        call(RemoteProcedure.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                new ConnectDomainEventCallbackRegisterAnyArgs(27, null));
        assertEquals("internal error: unsupported event ID 27", error(c.readFrame()).message());
    }

    @Test
    void legacyRegistrationGetsLegacyMessages() throws IOException {
        callVoid(RemoteProcedure.CONNECT_DOMAIN_EVENT_REGISTER);
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
        bus.raise(new DomainEvent.Lifecycle(TEST, 0, 0));
        ByteBuffer m = c.readFrame();
        assertEquals(107, m.getInt(8));                        // REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE
        assertEquals(4, m.getInt(24));                         // no callback id: the domain name comes first
        callVoid(RemoteProcedure.CONNECT_DOMAIN_EVENT_DEREGISTER);
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
        callVoid(RemoteProcedure.CONNECT_DOMAIN_EVENT_DEREGISTER);
        assertEquals("internal error: domain event 0 not registered", error(c.readFrame()).message());
    }

    @Test
    void legacyAnyRegistrationTakesOnlyTheOldEventIds() throws IOException {
        call(RemoteProcedure.CONNECT_DOMAIN_EVENT_REGISTER_ANY, new ConnectDomainEventRegisterAnyArgs(1));
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
        bus.raise(new DomainEvent.Reboot(TEST));
        assertEquals(169, c.readFrame().getInt(8));           // REMOTE_PROC_DOMAIN_EVENT_REBOOT
        call(RemoteProcedure.CONNECT_DOMAIN_EVENT_REGISTER_ANY, new ConnectDomainEventRegisterAnyArgs(16));
        assertEquals("internal error: unsupported event ID 16", error(c.readFrame()).message());
        call(RemoteProcedure.CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, new ConnectDomainEventDeregisterAnyArgs(2));
        assertEquals("internal error: domain event 2 not registered", error(c.readFrame()).message());
        call(RemoteProcedure.CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, new ConnectDomainEventDeregisterAnyArgs(1));
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
        assertEquals(0, bus.size());
    }

    @Test
    void closingTheClientDropsItsCallbacks() throws Exception {
        register(DomainEvent.ID_LIFECYCLE, null);
        register(DomainEvent.ID_REBOOT, TEST);
        assertEquals(2, bus.size());
        callVoid(RemoteProcedure.CONNECT_CLOSE);
        assertEquals(MessageHeader.STATUS_OK, c.readFrame().getInt(20));
        assertTrue(c.awaitClosed());
        assertEquals(0, bus.size());
    }

    private int register(int eventId, DomainRef filter) throws IOException {
        call(RemoteProcedure.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, new ConnectDomainEventCallbackRegisterAnyArgs(
                eventId, filter == null ? null : new NonnullDomain(filter.name(), filter.uuid(), filter.id())));
        ByteBuffer r = c.readFrame();
        assertEquals(MessageHeader.STATUS_OK, r.getInt(20), "register failed");
        return r.getInt(24);
    }

    @SuppressWarnings("unchecked")
    private <T> void call(RemoteProcedure p, T args) throws IOException {
        XdrWriter w = ReplyFrames.startFrame(new MessageHeader(REMOTE, 1, p.number(), MessageHeader.TYPE_CALL,
                serial++, MessageHeader.STATUS_OK), 64);
        ((XdrCodec<T>) XdrCodec.of(args.getClass())).encode(w, args);
        ByteBuffer f = ReplyFrames.finishFrame(w);
        c.send(Arrays.copyOf(f.array(), f.limit()));
    }

    private void callVoid(RemoteProcedure p) throws IOException {
        c.call(REMOTE, p.number(), MessageHeader.TYPE_CALL, serial++);
    }

    private static RpcError error(ByteBuffer frame) {
        assertEquals(MessageHeader.STATUS_ERROR, frame.getInt(20));
        return XdrCodec.of(RpcError.class).decode(new XdrReader(frame.array(), 24, frame.limit() - 24));
    }

    /** Opens connections whose domain events come from the test's bus. */
    private final class FakeDriver implements ConnectionDriver {
        @Override
        public String name() {
            return "Fake";
        }

        @Override
        public Optional<HypervisorConnection> open(URI uri, String requestedName, boolean readOnly) {
            return Optional.of(new HypervisorConnection() {
                @Override
                public String driverName() {
                    return "Fake";
                }

                @Override
                public DomainOps domains() {
                    return new DomainOps() {
                        @Override
                        public int connectDomainEventRegisterAny(DomainRef dom, int eventId, Consumer<DomainEvent> l) {
                            return bus.register(eventId, dom, l);
                        }

                        @Override
                        public void connectDomainEventDeregisterAny(int callbackId) {
                            bus.deregister(callbackId);
                        }
                    };
                }
            });
        }
    }
}
