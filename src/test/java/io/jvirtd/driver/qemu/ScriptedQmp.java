package io.jvirtd.driver.qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A QMP peer that answers from a script, for deterministic tests of what the driver does with
 * QEMU's answers (a job QEMU concluded, a command that fails): it greets, accepts
 * {@code qmp_capabilities}, then answers each command with what its scripted function returns
 * ({@link #fail} for a QMP error; any other value is the {@code return}), sending the events the
 * answer carries first. Unscripted commands get QEMU's CommandNotFound. Every command is kept
 * in {@link #commands} (name and arguments) in the order it came. One connection; its own thread.
 */
final class ScriptedQmp implements AutoCloseable {

    /** An answer: {@code events} (each {event, data}) go out before the reply. */
    record Answer(Object value, String error, List<Map<String, Object>> events) {
    }

    static Answer ok(Object value) {
        return new Answer(value, null, List.of());
    }

    static Answer fail(String desc) {
        return new Answer(null, desc, List.of());
    }

    static Answer okAfter(Object value, List<Map<String, Object>> events) {
        return new Answer(value, null, events);
    }

    /** A JOB_STATUS_CHANGE event as QEMU sends it. */
    static Map<String, Object> jobStatus(String id, String status) {
        return Map.of("event", "JOB_STATUS_CHANGE", "data", Map.of("id", id, "status", status));
    }

    final List<String> commands = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Map<String, Object>, Answer>> script = new ConcurrentHashMap<>();
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile SocketChannel peer;

    ScriptedQmp(Path socket) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(this::serve, "scripted-qmp");
        thread.setDaemon(true);
        thread.start();
    }

    /** Answers {@code command} with {@code answer} (arguments given), from now on. */
    ScriptedQmp on(String command, Function<Map<String, Object>, Answer> answer) {
        script.put(command, answer);
        return this;
    }

    ScriptedQmp on(String command, Answer answer) {
        return on(command, args -> answer);
    }

    /** The commands named {@code name} received so far. */
    long count(String name) {
        return commands.stream().filter(c -> c.equals(name) || c.startsWith(name + " ")).count();
    }

    @SuppressWarnings("unchecked")
    private void serve() {
        try (SocketChannel c = server.accept()) {
            peer = c;
            send(c, Map.of("QMP", Map.of("version", Map.of(), "capabilities", List.of())));
            List<Map<String, Object>> in = new ArrayList<>();
            QmpCodec.Decoder decoder = new QmpCodec.Decoder(1 << 20, in::add);
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (c.read(buf) >= 0) {
                decoder.feed(buf.array(), 0, buf.position());
                buf.clear();
                for (Map<String, Object> cmd : in) {
                    String name = String.valueOf(cmd.get("execute"));
                    Map<String, Object> args = cmd.get("arguments") instanceof Map<?, ?> m
                            ? (Map<String, Object>) m : Map.of();
                    commands.add(args.isEmpty() ? name : name + " " + QmpCodec.json(args));
                    Answer a = name.equals("qmp_capabilities") ? ok(Map.of())
                            : script.getOrDefault(name, x -> null).apply(args);
                    if (a == null) {
                        a = new Answer(null, "The command " + name + " has not been found", List.of());
                    }
                    for (Map<String, Object> ev : a.events()) {
                        Map<String, Object> msg = new LinkedHashMap<>(ev);
                        msg.put("timestamp", Map.of("seconds", 1L, "microseconds", 0L));
                        send(c, msg);
                    }
                    Map<String, Object> reply = new LinkedHashMap<>();
                    if (a.error() != null) {
                        reply.put("error", Map.of("class", "GenericError", "desc", a.error()));
                    } else {
                        reply.put("return", a.value() == null ? Map.of() : a.value());
                    }
                    if (cmd.get("id") != null) {
                        reply.put("id", cmd.get("id"));
                    }
                    send(c, reply);
                }
                in.clear();
            }
        } catch (IOException | QmpCodec.ProtocolException e) {
            // closed: the test is over
        }
    }

    private static void send(SocketChannel c, Object msg) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((QmpCodec.json(msg) + "\r\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            c.write(out);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            SocketChannel c = peer;
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
