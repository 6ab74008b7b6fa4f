package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.event.EventBus;
import io.jvirtd.model.event.QemuMonitorEvent;

import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The QEMU monitor events of libvirt-qemu (virConnectDomainQemuMonitorEventRegister): every event
 * a guest's QMP monitor sends becomes a {@link QemuMonitorEvent} on the host's event bus
 * (qemuProcessHandleEvent, before the event's own handling, so a client sees QEMU's STOP before
 * libvirt's SUSPENDED), and a registration filters by domain and by event name: exact, without
 * case (NOCASE) or a regular expression searched in the name (REGEX, with NOCASE caseless), as
 * virDomainQemuMonitorEventFilter does with GLib's regex.
 *
 * <p>Stateless; registrations run on workers, {@link #relay} on the driver's qemu-event thread.
 */
final class QemuMonitorEvents {

    static final int REGISTER_REGEX = 1;
    static final int REGISTER_NOCASE = 2;

    private QemuMonitorEvents() {
    }

    /** virDomainQemuMonitorEventStateRegisterID with the server's flags. */
    static int register(EventBus events, DomainRef domOrNull, String eventOrNull, int flags,
                        Consumer<QemuMonitorEvent> listener) {
        VirException.checkFlags(flags, REGISTER_REGEX | REGISTER_NOCASE, VirErrorDomain.NONE,
                "virDomainQemuMonitorEventStateRegisterID");
        Predicate<String> name = eventOrNull == null ? n -> true : nameFilter(eventOrNull, flags);
        byte[] uuid = domOrNull == null ? null : domOrNull.uuid();
        return events.register(QemuMonitorEvent.class, 0,
                e -> (uuid == null || e.domain().hasUuid(uuid)) && name.test(e.event()), listener);
    }

    private static Predicate<String> nameFilter(String event, int flags) {
        if ((flags & REGISTER_REGEX) != 0) {
            Pattern p;
            try {
                p = Pattern.compile(event, (flags & REGISTER_NOCASE) != 0 ? Pattern.CASE_INSENSITIVE : 0);
            } catch (PatternSyntaxException e) {
                // GLib's wording around the reason; the reason is Java's (PCRE2's differs)
                String why = e.getDescription().equals("Unclosed character class")
                        ? "missing terminating ] for character class" : e.getDescription();
                throw VirException.format(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE,
                        "failed to compile regex '%s': Error while compiling regular expression \u2018%s\u2019 at char %d: %s",
                        event, event, Math.max(e.getIndex(), 0) + (e.getIndex() < 0 ? 0 : 1), why);
            }
            return n -> p.matcher(n).find();
        }
        if ((flags & REGISTER_NOCASE) != 0) {
            String lower = event.toLowerCase(Locale.ROOT);
            return n -> n.toLowerCase(Locale.ROOT).equals(lower);
        }
        return event::equals;
    }

    /**
     * qemuMonitorJSONIOProcessEvent: the event's name, QEMU's timestamp (-1 and 0 without one)
     * and its {@code data} as compact JSON (null without), raised for {@code dom}. qemu-event thread.
     */
    static void relay(EventBus events, DomainRef dom, Map<String, Object> message) {
        if (!wanted(events)) {
            return; // no client registered: nothing to encode
        }
        Object name = message.get("event");
        if (!(name instanceof String event)) {
            return;
        }
        long seconds = -1;
        int micros = 0;
        if (message.get("timestamp") instanceof Map<?, ?> ts) {
            if (ts.get("seconds") instanceof Number n) {
                seconds = n.longValue();
            }
            if (ts.get("microseconds") instanceof Number n) {
                micros = n.intValue();
            }
        }
        Object data = message.get("data");
        String details = message.containsKey("data") ? QmpCodec.json(data) : null;
        events.raise(new QemuMonitorEvent(dom, event, seconds, micros, details));
    }

    /** Whether any client registered a monitor-event callback. Lock-free, any thread. */
    static boolean wanted(EventBus events) {
        return events.hasListener(QemuMonitorEvent.class, 0);
    }
}
