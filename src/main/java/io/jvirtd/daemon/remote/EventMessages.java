package io.jvirtd.daemon.remote;

import io.jvirtd.model.event.DomainEvent;
import io.jvirtd.model.event.NetworkEvent;
import io.jvirtd.model.event.SecretEvent;
import io.jvirtd.model.event.NodeDeviceEvent;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.protocol.remote.RemoteLimits;
import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.protocol.remote.RemoteTypes.*;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.server.EventFrame;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Domain, network, storage pool and node device events as the MESSAGE frames libvirtd sends (remoteRelayDomainEvent* and
 * remoteDispatchObjectEventSend): REMOTE program, type MESSAGE, serial 1, status OK, the body
 * the procedure's _msg struct — the legacy struct (procedures 107, 169 ...) for callbacks
 * registered with 105/167, the callback struct carrying the callback id (318 ...) otherwise
 * (docs/protocol.md §10).
 *
 * <p>Once per event, not once per listener: the event bus hands one event object to every
 * listener in turn on one thread, so each thread keeps the frame it encoded last
 * ({@link Template}). Every listener of the same event and style shares that frame
 * ({@link EventFrame}); the event loop writes each client's callback id into its copy as it
 * writes it out: the id is the first word of every callback-style body (offset
 * {@value #CALLBACK_ID_OFFSET}), and the legacy structs carry none. With 64 listeners that is
 * one XDR encoding and one frame instead of 64 encodings, or 64 copies (issue 18: the encoder's
 * garbage, then the copies, were most of what the daemon allocated per event). Any thread; the
 * cache is per thread.
 */
final class EventMessages {

    /** libvirtd sends every event with this serial. */
    static final int EVENT_SERIAL = 1;
    /** Where a callback-style frame holds its callback id: after the length word and the header. */
    static final int CALLBACK_ID_OFFSET = MessageHeader.LENGTH_WORD + MessageHeader.SIZE;

    private static final ThreadLocal<Template> LAST = ThreadLocal.withInitial(Template::new);

    private EventMessages() {
    }

    /** The frame every listener of {@code e} in that style shares, or null if that style has no message for it. */
    static EventFrame frame(DomainEvent e, boolean legacy) {
        return LAST.get().frame(e, legacy);
    }

    /** A network event: NETWORK_EVENT_LIFECYCLE (315), callback style only. */
    static EventFrame frame(NetworkEvent e, boolean legacy) {
        return LAST.get().frame(e, legacy);
    }

    /** A storage pool event: STORAGE_POOL_EVENT_LIFECYCLE (370) or _REFRESH (371). */
    static EventFrame frame(StoragePoolEvent e, boolean legacy) {
        return LAST.get().frame(e, legacy);
    }

    /** A node device event: NODE_DEVICE_EVENT_LIFECYCLE (376) or _UPDATE (377). */
    static EventFrame frame(NodeDeviceEvent e, boolean legacy) {
        return LAST.get().frame(e, legacy);
    }

    /** A secret event: SECRET_EVENT_LIFECYCLE (382) or _VALUE_CHANGED (383). */
    static EventFrame frame(SecretEvent e, boolean legacy) {
        return LAST.get().frame(e, legacy);
    }

    /**
     * The frame one thread encoded last, for the event it encoded it for. Confined to its thread.
     * Holds one event and its bytes until the thread encodes the next one.
     */
    private static final class Template {
        private Object event;
        private boolean legacy;
        /** The encoded frame (callback id 0 in the callback style), or null: no message for it. */
        private EventFrame frame;

        EventFrame frame(Object e, boolean legacyStyle) {
            if (e != event || legacyStyle != legacy) {
                ByteBuffer f = encodeAny(e, 0, legacyStyle);
                frame = f == null ? null : EventFrame.of(f, legacyStyle ? EventFrame.NO_ID : CALLBACK_ID_OFFSET);
                event = e;
                legacy = legacyStyle;
            }
            return frame;
        }
    }

    /** Encodes any event family afresh: what {@link Template} caches. */
    static ByteBuffer encodeAny(Object e, int id, boolean legacy) {
        if (e instanceof DomainEvent d) {
            return encode(d, id, legacy);
        } else if (e instanceof NetworkEvent n) {
            return encode(n, id);
        } else if (e instanceof StoragePoolEvent p) {
            return encode(p, id);
        } else if (e instanceof NodeDeviceEvent n) {
            return encode(n, id);
        } else if (e instanceof SecretEvent x) {
            return encode(x, id);
        }
        throw new IllegalArgumentException("not an event: " + e);
    }

    /** A domain event encoded for callback {@code id}, or null if that style has no message for it. */
    static ByteBuffer encode(DomainEvent e, int id, boolean legacy) {
        NonnullDomain d = Handles.wire(e.domain());
        if (e instanceof DomainEvent.Lifecycle x) {
            DomainEventLifecycleMsg m = new DomainEventLifecycleMsg(d, x.event(), x.detail());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_LIFECYCLE, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_LIFECYCLE, new DomainEventCallbackLifecycleMsg(id, m));
        } else if (e instanceof DomainEvent.Reboot) {
            DomainEventRebootMsg m = new DomainEventRebootMsg(d);
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_REBOOT, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_REBOOT, new DomainEventCallbackRebootMsg(id, m));
        } else if (e instanceof DomainEvent.RtcChange x) {
            DomainEventRtcChangeMsg m = new DomainEventRtcChangeMsg(d, x.utcOffset());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_RTC_CHANGE, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_RTC_CHANGE, new DomainEventCallbackRtcChangeMsg(id, m));
        } else if (e instanceof DomainEvent.Watchdog x) {
            DomainEventWatchdogMsg m = new DomainEventWatchdogMsg(d, x.action());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_WATCHDOG, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_WATCHDOG, new DomainEventCallbackWatchdogMsg(id, m));
        } else if (e instanceof DomainEvent.IoError x) {
            DomainEventIoErrorMsg m = new DomainEventIoErrorMsg(d, x.srcPath(), x.devAlias(), x.action());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_IO_ERROR, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_IO_ERROR, new DomainEventCallbackIoErrorMsg(id, m));
        } else if (e instanceof DomainEvent.IoErrorReason x) {
            DomainEventIoErrorReasonMsg m = new DomainEventIoErrorReasonMsg(d, x.srcPath(), x.devAlias(),
                    x.action(), x.reason());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_IO_ERROR_REASON, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON,
                            new DomainEventCallbackIoErrorReasonMsg(id, m));
        } else if (e instanceof DomainEvent.Graphics x) {
            List<DomainEventGraphicsIdentity> subject = new ArrayList<>();
            for (DomainEvent.GraphicsIdentity i : x.subject()) {
                subject.add(new DomainEventGraphicsIdentity(i.type(), i.name()));
            }
            DomainEventGraphicsMsg m = new DomainEventGraphicsMsg(d, x.phase(), address(x.local()),
                    address(x.remote()), x.authScheme(), subject);
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_GRAPHICS, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_GRAPHICS, new DomainEventCallbackGraphicsMsg(id, m));
        } else if (e instanceof DomainEvent.ControlError) {
            DomainEventControlErrorMsg m = new DomainEventControlErrorMsg(d);
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_CONTROL_ERROR, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_CONTROL_ERROR,
                            new DomainEventCallbackControlErrorMsg(id, m));
        } else if (e instanceof DomainEvent.BlockJob x) {
            DomainEventBlockJobMsg m = new DomainEventBlockJobMsg(d, x.path(), x.type(), x.status());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_BLOCK_JOB, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_BLOCK_JOB, new DomainEventCallbackBlockJobMsg(id, m));
        } else if (e instanceof DomainEvent.DiskChange x) {
            DomainEventDiskChangeMsg m = new DomainEventDiskChangeMsg(d, x.oldSrcPath(), x.newSrcPath(),
                    x.devAlias(), x.reason());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_DISK_CHANGE, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_DISK_CHANGE,
                            new DomainEventCallbackDiskChangeMsg(id, m));
        } else if (e instanceof DomainEvent.TrayChange x) {
            DomainEventTrayChangeMsg m = new DomainEventTrayChangeMsg(d, x.devAlias(), x.reason());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_TRAY_CHANGE, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_TRAY_CHANGE,
                            new DomainEventCallbackTrayChangeMsg(id, m));
        } else if (e instanceof DomainEvent.PmWakeup x) {
            DomainEventPmwakeupMsg m = new DomainEventPmwakeupMsg(d);
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_PMWAKEUP, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_PMWAKEUP,
                            new DomainEventCallbackPmwakeupMsg(id, x.reason(), m));
        } else if (e instanceof DomainEvent.PmSuspend x) {
            DomainEventPmsuspendMsg m = new DomainEventPmsuspendMsg(d);
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_PMSUSPEND, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_PMSUSPEND,
                            new DomainEventCallbackPmsuspendMsg(id, x.reason(), m));
        } else if (e instanceof DomainEvent.PmSuspendDisk x) {
            DomainEventPmsuspendDiskMsg m = new DomainEventPmsuspendDiskMsg(d);
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_PMSUSPEND_DISK, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK,
                            new DomainEventCallbackPmsuspendDiskMsg(id, x.reason(), m));
        } else if (e instanceof DomainEvent.BalloonChange x) {
            DomainEventBalloonChangeMsg m = new DomainEventBalloonChangeMsg(d, x.actual());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_BALLOON_CHANGE, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE,
                            new DomainEventCallbackBalloonChangeMsg(id, m));
        } else if (e instanceof DomainEvent.DeviceRemoved x) {
            DomainEventDeviceRemovedMsg m = new DomainEventDeviceRemovedMsg(d, x.devAlias());
            return legacy ? encode(RemoteProcedure.DOMAIN_EVENT_DEVICE_REMOVED, m)
                    : encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
                            new DomainEventCallbackDeviceRemovedMsg(id, m));
        }
        // The events added after DEVICE_REMOVED exist in the callback style only.
        if (legacy) {
            return null;
        }
        if (e instanceof DomainEvent.BlockJob2 x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_BLOCK_JOB_2,
                    new DomainEventBlockJob2Msg(id, d, x.dst(), x.type(), x.status()));
        } else if (e instanceof DomainEvent.Tunable x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_TUNABLE, new DomainEventCallbackTunableMsg(id, d,
                    TypedParams.toWire(x.params(), TypedParams.STRING_OKAY,
                            RemoteLimits.REMOTE_DOMAIN_EVENT_TUNABLE_MAX)));
        } else if (e instanceof DomainEvent.AgentLifecycle x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE,
                    new DomainEventCallbackAgentLifecycleMsg(id, d, x.state(), x.reason()));
        } else if (e instanceof DomainEvent.DeviceAdded x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
                    new DomainEventCallbackDeviceAddedMsg(id, d, x.devAlias()));
        } else if (e instanceof DomainEvent.MigrationIteration x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION,
                    new DomainEventCallbackMigrationIterationMsg(id, d, x.iteration()));
        } else if (e instanceof DomainEvent.JobCompleted x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_JOB_COMPLETED,
                    new DomainEventCallbackJobCompletedMsg(id, d, TypedParams.toWire(x.params(),
                            TypedParams.STRING_OKAY, RemoteLimits.REMOTE_DOMAIN_JOB_STATS_MAX)));
        } else if (e instanceof DomainEvent.DeviceRemovalFailed x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED,
                    new DomainEventCallbackDeviceRemovalFailedMsg(id, d, x.devAlias()));
        } else if (e instanceof DomainEvent.MetadataChange x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
                    new DomainEventCallbackMetadataChangeMsg(id, d, x.type(), x.nsuri()));
        } else if (e instanceof DomainEvent.BlockThreshold x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_BLOCK_THRESHOLD,
                    new DomainEventBlockThresholdMsg(id, d, x.dev(), x.path(), x.threshold(), x.excess()));
        } else if (e instanceof DomainEvent.MemoryFailure x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_MEMORY_FAILURE,
                    new DomainEventMemoryFailureMsg(id, d, x.recipient(), x.action(), x.flags()));
        } else if (e instanceof DomainEvent.MemoryDeviceSizeChange x) {
            return encode(RemoteProcedure.DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE,
                    new DomainEventMemoryDeviceSizeChangeMsg(id, d, x.alias(), x.size()));
        }
        return null;
    }

    private static ByteBuffer encode(NetworkEvent e, int id) {
        return encode(RemoteProcedure.NETWORK_EVENT_LIFECYCLE,
                new NetworkEventLifecycleMsg(id, Handles.wire(e.network()), e.event(), e.detail()));
    }

    private static ByteBuffer encode(SecretEvent e, int id) {
        NonnullSecret secret = Handles.wire(e.secret());
        if (e instanceof SecretEvent.Lifecycle x) {
            return encode(RemoteProcedure.SECRET_EVENT_LIFECYCLE,
                    new SecretEventLifecycleMsg(id, secret, x.event(), x.detail()));
        }
        return encode(RemoteProcedure.SECRET_EVENT_VALUE_CHANGED, new SecretEventValueChangedMsg(id, secret));
    }

    private static ByteBuffer encode(StoragePoolEvent e, int id) {
        NonnullStoragePool pool = Handles.wire(e.pool());
        if (e instanceof StoragePoolEvent.Lifecycle x) {
            return encode(RemoteProcedure.STORAGE_POOL_EVENT_LIFECYCLE,
                    new StoragePoolEventLifecycleMsg(id, pool, x.event(), x.detail()));
        }
        return encode(RemoteProcedure.STORAGE_POOL_EVENT_REFRESH, new StoragePoolEventRefreshMsg(id, pool));
    }

    private static ByteBuffer encode(NodeDeviceEvent e, int id) {
        NonnullNodeDevice dev = Handles.wire(e.device());
        if (e instanceof NodeDeviceEvent.Lifecycle x) {
            return encode(RemoteProcedure.NODE_DEVICE_EVENT_LIFECYCLE,
                    new NodeDeviceEventLifecycleMsg(id, dev, x.event(), x.detail()));
        }
        return encode(RemoteProcedure.NODE_DEVICE_EVENT_UPDATE, new NodeDeviceEventUpdateMsg(id, dev));
    }

    private static DomainEventGraphicsAddress address(DomainEvent.GraphicsAddress a) {
        return new DomainEventGraphicsAddress(a.family(), a.node(), a.service());
    }

    @SuppressWarnings("unchecked")
    private static <T> ByteBuffer encode(RemoteProcedure p, T body) {
        XdrWriter w = ReplyFrames.startFrame(new MessageHeader(RemoteProcedure.PROGRAM, RemoteProcedure.VERSION,
                p.number(), MessageHeader.TYPE_MESSAGE, EVENT_SERIAL, MessageHeader.STATUS_OK), 96);
        ((XdrCodec<T>) XdrCodec.of(body.getClass())).encode(w, body);
        return ReplyFrames.finishFrame(w);
    }
}
