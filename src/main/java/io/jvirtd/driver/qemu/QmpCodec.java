package io.jvirtd.driver.qemu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * QMP's JSON, both ways, on Jackson's streaming core. Values are plain Java: objects are
 * {@code Map<String, Object>} (insertion-ordered), arrays {@code List<Object>}, strings,
 * {@code Long} (or {@code Double}, {@code BigInteger} when they do not fit), {@code Boolean}
 * and {@code null}.
 *
 * <p>{@link Decoder} is fed whatever bytes a non-blocking read returned and hands over each
 * complete top-level object; it never blocks and holds at most {@code maxMessageBytes} of one
 * message, so a monitor that floods cannot take the daemon's memory.
 */
final class QmpCodec {

    private static final JsonFactory JSON = new JsonFactory();

    private QmpCodec() {
    }

    /** {"execute": command, "arguments": {...}, "id": "N"} followed by CRLF, as UTF-8. */
    static byte[] command(String execute, Map<String, ?> arguments, String id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("execute", execute);
            if (arguments != null && !arguments.isEmpty()) {
                g.writeFieldName("arguments");
                write(g, arguments);
            }
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    /** One JSON value as compact text (libvirt's JSON forms of -device and friends). */
    static String json(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.toString());
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass());
        }
    }

    /** A malformed or oversized message: the monitor connection cannot be trusted any more. */
    static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    /**
     * Incremental decoder of a stream of top-level JSON objects. Not thread-safe: owned by the
     * thread that reads the monitor (the event loop).
     */
    static final class Decoder {
        private final JsonParser parser;
        private final ByteArrayFeeder feeder;
        private final long maxMessageBytes;
        private final Consumer<Map<String, Object>> sink;
        /** Containers being built; the bottom one becomes the message. */
        private final Deque<Object> stack = new ArrayDeque<>();
        private final Deque<String> names = new ArrayDeque<>();
        /** Bytes fed before the read in which the current message began. */
        private long consumedAtMessageStart;
        private long fed;
        private long chunkStart;

        Decoder(long maxMessageBytes, Consumer<Map<String, Object>> sink) {
            try {
                this.parser = JSON.createNonBlockingByteArrayParser();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
            this.maxMessageBytes = maxMessageBytes;
            this.sink = sink;
        }

        /** Decodes {@code len} bytes; complete messages go to the sink before this returns. */
        void feed(byte[] buf, int off, int len) throws ProtocolException {
            try {
                feeder.feedInput(buf, off, off + len);
                chunkStart = fed;
                fed += len;
                for (JsonToken t; (t = parser.nextToken()) != JsonToken.NOT_AVAILABLE && t != null; ) {
                    token(t);
                }
            } catch (IOException e) {
                throw new ProtocolException("malformed JSON from the monitor: " + e.getMessage());
            }
            if (!stack.isEmpty() && fed - consumedAtMessageStart > maxMessageBytes) {
                throw new ProtocolException("monitor message longer than " + maxMessageBytes + " bytes");
            }
        }

        /** The peer closed: anything half-received is an error. */
        void endOfInput() {
            feeder.endOfInput();
        }

        @SuppressWarnings("unchecked")
        private void token(JsonToken t) throws IOException, ProtocolException {
            switch (t) {
                case START_OBJECT -> {
                    if (stack.isEmpty()) {
                        consumedAtMessageStart = chunkStart; // the bound counts from this read on
                    }
                    stack.push(new LinkedHashMap<String, Object>());
                }
                case START_ARRAY -> {
                    if (stack.isEmpty()) {
                        throw new ProtocolException("monitor sent a top-level array");
                    }
                    stack.push(new ArrayList<Object>());
                }
                case END_OBJECT, END_ARRAY -> {
                    Object done = stack.pop();
                    if (stack.isEmpty()) {
                        sink.accept((Map<String, Object>) done);
                    } else {
                        add(done);
                    }
                }
                case FIELD_NAME -> names.push(parser.currentName());
                case VALUE_STRING -> scalar(parser.getText());
                case VALUE_NUMBER_INT -> scalar(parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? parser.getBigIntegerValue() : (Object) parser.getLongValue());
                case VALUE_NUMBER_FLOAT -> scalar(parser.getDoubleValue());
                case VALUE_TRUE -> scalar(Boolean.TRUE);
                case VALUE_FALSE -> scalar(Boolean.FALSE);
                case VALUE_NULL -> scalar(null);
                default -> throw new ProtocolException("unexpected JSON token " + t);
            }
        }

        private void scalar(Object v) throws ProtocolException {
            if (stack.isEmpty()) {
                throw new ProtocolException("monitor sent a top-level scalar");
            }
            add(v);
        }

        @SuppressWarnings("unchecked")
        private void add(Object v) {
            Object top = stack.peek();
            if (top instanceof Map<?, ?> m) {
                ((Map<String, Object>) m).put(names.pop(), v);
            } else {
                ((List<Object>) top).add(v);
            }
        }
    }
}
