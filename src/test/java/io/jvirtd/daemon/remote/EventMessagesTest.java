package io.jvirtd.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.DomainEvent.*;
import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.server.EventFrame;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Every domain event becomes the MESSAGE libvirtd sends for it: REMOTE program, serial 1,
 * status OK, the callback procedure (with the callback id first) for callback registrations and
 * the legacy procedure (none after DEVICE_REMOVED) for legacy ones.
 */
class EventMessagesTest {

    private static final DomainRef D = new DomainRef("vm", new byte[16], 3);
    private static final List<TypedParameter> PARAMS = List.of(TypedParameter.ofString("cputune.x", "y"),
            TypedParameter.ofULLong("n", 1L));

    /** event → {callback procedure, legacy procedure or 0}. */
    private static final Map<DomainEvent, int[]> EXPECTED = Map.ofEntries(
            Map.entry(new Lifecycle(D, 2, 0), new int[] {318, 107}),
            Map.entry(new Reboot(D), new int[] {319, 169}),
            Map.entry(new RtcChange(D, -3600), new int[] {320, 170}),
            Map.entry(new Watchdog(D, 1), new int[] {321, 171}),
            Map.entry(new IoError(D, "/p", "vda", 1), new int[] {322, 172}),
            Map.entry(new Graphics(D, 0, new GraphicsAddress(0, "127.0.0.1", "5900"),
                    new GraphicsAddress(0, "127.0.0.1", "40000"), "none",
                    List.of(new GraphicsIdentity("x509dname", "CN=a"))), new int[] {323, 173}),
            Map.entry(new IoErrorReason(D, "/p", "vda", 1, "enospc"), new int[] {324, 195}),
            Map.entry(new ControlError(D), new int[] {325, 224}),
            Map.entry(new BlockJob(D, "/p", 1, 0), new int[] {326, 241}),
            Map.entry(new DiskChange(D, null, "/new", "cd0", 0), new int[] {327, 248}),
            Map.entry(new TrayChange(D, "cd0", 1), new int[] {328, 268}),
            Map.entry(new PmWakeup(D, 0), new int[] {329, 269}),
            Map.entry(new PmSuspend(D, 0), new int[] {330, 270}),
            Map.entry(new BalloonChange(D, 1024), new int[] {331, 276}),
            Map.entry(new PmSuspendDisk(D, 0), new int[] {332, 292}),
            Map.entry(new DeviceRemoved(D, "net0"), new int[] {333, 311}),
            Map.entry(new BlockJob2(D, "vda", 1, 0), new int[] {339, 0}),
            Map.entry(new Tunable(D, PARAMS), new int[] {346, 0}),
            Map.entry(new AgentLifecycle(D, 1, 2), new int[] {348, 0}),
            Map.entry(new DeviceAdded(D, "net1"), new int[] {354, 0}),
            Map.entry(new MigrationIteration(D, 4), new int[] {359, 0}),
            Map.entry(new JobCompleted(D, PARAMS), new int[] {363, 0}),
            Map.entry(new DeviceRemovalFailed(D, "net2"), new int[] {367, 0}),
            Map.entry(new MetadataChange(D, 2, "http://x/"), new int[] {379, 0}),
            Map.entry(new BlockThreshold(D, "vda", null, 100, 1), new int[] {385, 0}),
            Map.entry(new MemoryFailure(D, 0, 1, 0), new int[] {423, 0}),
            Map.entry(new MemoryDeviceSizeChange(D, "dimm0", 2048), new int[] {438, 0}));

    @Test
    void everyEventHasItsCallbackAndLegacyMessage() {
        assertEquals(DomainEvent.ID_LAST, EXPECTED.size());
        EXPECTED.forEach((event, procs) -> {
            ByteBuffer f = EventMessages.frame(event, false).toBuffer(5);
            assertHeader(f, procs[0], event);
            assertEquals(5, f.getInt(28), "callback id first in " + event);
            if (procs[1] == 0) {
                assertNull(EventMessages.frame(event, true), "no legacy message for " + event);
            } else {
                assertHeader(EventMessages.frame(event, true).toBuffer(5), procs[1], event);
            }
        });
    }

    /**
     * The frame made once per event and shared by its listeners is, with a listener's callback
     * id written in (as the loop writes it out), byte for byte what encoding the event for that
     * listener alone gives, in both styles, whatever the order of the listeners.
     */
    @Test
    void listenersOfOneEventGetItsEncodingWithTheirOwnCallbackId() {
        EXPECTED.forEach((event, procs) -> {
            for (boolean legacy : new boolean[] {false, true}) {
                EventFrame shared = EventMessages.frame(event, legacy);
                for (int id : new int[] {0, 7, 0x12345678, -1, 7}) {
                    assertSame(shared, EventMessages.frame(event, legacy), "encoded once for every listener");
                    ByteBuffer alone = EventMessages.encode(event, id, legacy);
                    if (alone == null) {
                        assertNull(shared, "no message for " + event);
                        continue;
                    }
                    assertEquals(alone, shared.toBuffer(id),
                            "listener " + id + (legacy ? " (legacy) of " : " of ") + event);
                }
            }
        });
        // Each listener's copy has its own id; the shared bytes are never written to.
        Lifecycle e = new Lifecycle(D, 3, 0);
        EventFrame f = EventMessages.frame(e, false);
        ByteBuffer a = f.toBuffer(1);
        ByteBuffer b = f.toBuffer(2);
        assertEquals(1, a.getInt(EventMessages.CALLBACK_ID_OFFSET));
        assertEquals(2, b.getInt(EventMessages.CALLBACK_ID_OFFSET));
        assertEquals(0, f.toBuffer(0).getInt(EventMessages.CALLBACK_ID_OFFSET));
    }

    private static void assertHeader(ByteBuffer f, int proc, DomainEvent event) {
        assertEquals(f.limit(), f.getInt(0), "length word of " + event);
        assertEquals(new MessageHeader(RemoteProcedure.PROGRAM, 1, proc, MessageHeader.TYPE_MESSAGE, 1,
                MessageHeader.STATUS_OK), MessageHeader.read(f.array(), 4), "header of " + event);
    }
}
