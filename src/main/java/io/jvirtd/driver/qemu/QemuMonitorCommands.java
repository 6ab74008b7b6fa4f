package io.jvirtd.driver.qemu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * libvirt-qemu's commands on a running guest, as libvirt 9.0's QEMU driver answers them:
 * virDomainQemuMonitorCommand (the client's QMP object sent with an {@code id} appended, the
 * whole reply answered as compact JSON; or, with flag HMP, {@code human-monitor-command} and its
 * text), virDomainQemuAgentCommand (this driver configures no guest agent channel, so libvirt's
 * "not configured" error), and the domain's taint: a monitor command marks the domain
 * {@code custom-monitor} once per run, with libvirt's warning in the daemon log and a line in the
 * domain's log file, shown by virDomainGetMessages ({@code virsh dominfo}'s "Messages:").
 *
 * <p>Stateless but for the domains it is given; worker threads. The QMP round trip runs with no
 * lock held; the taint bit is the domain's, under its monitor.
 */
final class QemuMonitorCommands {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.driver.qemu");
    static final int MONITOR_COMMAND_HMP = 1;
    private static final int MESSAGE_DEPRECATION = 1;
    private static final int MESSAGE_TAINTING = 2;

    private static final JsonFactory JSON = new JsonFactory();

    private final QemuLifecycle life;

    QemuMonitorCommands(QemuLifecycle life) {
        this.life = life;
    }

    /** qemuDomainQemuMonitorCommandWithFiles without files. */
    String monitorCommand(DomainRef dom, String cmd, int flags) {
        VirException.checkFlags(flags, MONITOR_COMMAND_HMP, VirErrorDomain.QEMU,
                "qemuDomainQemuMonitorCommandWithFiles");
        QemuDomain d = life.domains.get(dom);
        QmpMonitor mon;
        synchronized (d) {
            if (d.liveDef == null || d.monitor == null) {
                // virDomainObjCheckActive: the domain config's error
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
            mon = d.monitor;
        }
        taint(d, Taints.CUSTOM_MONITOR);
        boolean hmp = (flags & MONITOR_COMMAND_HMP) != 0;
        Map<String, Object> command = hmp
                ? Map.of("execute", "human-monitor-command", "arguments", Map.of("command-line", cmd))
                : parse(cmd);
        Object reply = mon.await(mon.sendArbitrary(command, cmd), hmp ? "human-monitor-command" : cmd,
                QemuLifecycle.MONITOR_TIMEOUT_MILLIS);
        @SuppressWarnings("unchecked")
        Map<String, Object> msg = (Map<String, Object>) reply;
        return hmp ? humanReply(cmd, msg) : QmpCodec.json(msg);
    }

    /** qemuMonitorJSONHumanCommand's reading of the reply. */
    private static String humanReply(String cmd, Map<String, Object> msg) {
        if (msg.get("error") instanceof Map<?, ?> err) {
            if ("CommandNotFound".equals(err.get("class"))) {
                throw VirException.format(VirErrorNumber.OPERATION_UNSUPPORTED, VirErrorDomain.QEMU,
                        "Human monitor command is not available to run %s", cmd);
            }
            throw VirException.format(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.QEMU,
                    "unable to execute QEMU command '%s': %s", "human-monitor-command", err.get("desc"));
        }
        return msg.get("return") instanceof String s ? s : "";
    }

    /**
     * virJSONValueFromString: {@code cmd} must be one JSON value; the object it is when it has an
     * {@code execute} member (which gets the id), else null (sent as it is).
     */
    static Map<String, Object> parse(String cmd) {
        try (JsonParser p = JSON.createParser(cmd)) {
            JsonToken first;
            try {
                first = p.nextToken();
                if (first == null) {
                    throw YajlErrors.prematureEof(cmd);
                }
                p.skipChildren();
            } catch (JsonEOFException e) {
                throw YajlErrors.prematureEof(cmd);
            } catch (IOException e) {
                throw YajlErrors.lexical(cmd);
            }
            try {
                if (p.nextToken() != null) {
                    throw YajlErrors.trailingGarbage(cmd);
                }
            } catch (IOException e) {
                throw YajlErrors.trailingGarbage(cmd);
            }
            if (first != JsonToken.START_OBJECT) {
                return null;
            }
        } catch (IOException e) {
            throw YajlErrors.lexical(cmd); // closing a string parser does not fail
        }
        List<Map<String, Object>> out = new ArrayList<>(1);
        QmpCodec.Decoder decoder = new QmpCodec.Decoder(QmpMonitor.MAX_MESSAGE_BYTES, out::add);
        byte[] bytes = cmd.getBytes(StandardCharsets.UTF_8);
        try {
            decoder.feed(bytes, 0, bytes.length);
        } catch (QmpCodec.ProtocolException e) {
            throw YajlErrors.lexical(cmd); // checked above: does not happen
        }
        return out.size() == 1 && out.get(0).containsKey("execute") ? out.get(0) : null;
    }

    /**
     * The text of yajl's verbose parse errors that libvirt puts in "cannot parse json CMD: ...":
     * the error, the command placed so that the error's offset falls at column 41, and an arrow.
     * Exact for a command cut short and for trailing garbage; a lexical error's kind and offset
     * are yajl's for the common case (a bad literal at the start).
     */
    private static final class YajlErrors {
        private static final String ARROW = "                     (right here) ------^\n";

        static VirException prematureEof(String cmd) {
            return error(cmd, "parse error: premature EOF", 1); // yajl_complete_parse feeds one space
        }

        static VirException trailingGarbage(String cmd) {
            return error(cmd, "parse error: trailing garbage", cmd.length());
        }

        static VirException lexical(String cmd) {
            return error(cmd, "lexical error: invalid string in json text.", 1);
        }

        private static VirException error(String cmd, String what, int offset) {
            int start = offset >= 30 ? offset - 30 : 0;
            int end = Math.min(offset + 30, cmd.length());
            String shown = cmd.substring(Math.min(start, end), end).replace('\n', ' ').replace('\r', ' ');
            String text = what + "\n" + " ".repeat(offset < 30 ? 40 - offset : 10) + shown + "\n" + ARROW;
            return VirException.internalError(VirErrorDomain.NONE, "cannot parse json " + cmd + ": " + text);
        }
    }

    /** qemuDomainQemuAgentCommand: no guest agent channel can be configured in this driver. */
    String agentCommand(DomainRef dom, String cmd, int timeout, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainQemuAgentCommand");
        QemuDomain d = life.domains.get(dom);
        synchronized (d) {
            if (d.liveDef == null) { // virDomainObjCheckActive first
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
        }
        throw QemuAgent.unavailable(d);
    }

    /** qemuDomainGetMessages: the taint messages, then deprecations (none in this driver). */
    List<String> messages(DomainRef dom, int flags) {
        VirException.checkFlags(flags, MESSAGE_DEPRECATION | MESSAGE_TAINTING, VirErrorDomain.QEMU,
                "qemuDomainGetMessages");
        QemuDomain d = life.domains.get(dom);
        int taint;
        synchronized (d) {
            taint = d.taint;
        }
        List<String> out = new ArrayList<>();
        if (flags == 0 || (flags & MESSAGE_TAINTING) != 0) {
            for (int i = 0; i < Taints.MESSAGES.size(); i++) {
                if ((taint & (1 << i)) != 0) {
                    out.add("tainted: " + Taints.MESSAGES.get(i));
                }
            }
        }
        return out;
    }

    /**
     * qemuDomainObjTaint: the first time in this run, the warning in the daemon's log and
     * "TIME: Domain id=N is tainted: NAME" appended to the domain's log file.
     */
    private void taint(QemuDomain d, int bit) {
        int id;
        String name;
        synchronized (d) {
            if ((d.taint & (1 << bit)) != 0) {
                return;
            }
            d.taint |= 1 << bit;
            id = d.id;
            name = d.liveDef.name();
        }
        // in the status file at once, so a restarted daemon still shows it (libvirt keeps it
        // there too, but writes the file only at its next status save)
        life.saveStatus(d);
        String what = Taints.NAMES.get(bit);
        LOG.log(Level.WARNING, "Domain id={0} name=''{1}'' uuid={2} is tainted: {3}", id, name,
                io.jvirtd.model.domain.Uuids.format(d.uuid), what);
        String line = QemuLogHeader.timestamp() + ": Domain id=" + id + " is tainted: "
                + what + "\n";
        try {
            Files.writeString(life.paths.logFile(name), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot append to the log of {0}: {1}", name, e.getMessage());
        }
    }
}
