package io.jvirtd.protocol.remote;

import static io.jvirtd.rpc.xdr.XdrTestBytes.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.xdr.XdrArm;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every REMOTE packet of the shared captures (virsh and python against libvirtd 9.0; extracted
 * by docs/dev/extract_capture_bodies.py) checked against the generated records: the capture
 * tool's decoded body, whose keys are the .x field names in wire order, must name exactly the
 * components of the procedure's record in the same order, and the record built from it must
 * encode to the captured body length. Where the capture kept the bytes, the record decodes
 * them, uses all of them, and encodes back to the same bytes.
 */
class CaptureBodiesTest {
    private static final int HEADER = 28;
    private static final Map<String, Integer> ENUMS = Map.of(
            "REMOTE_AUTH_NONE", 0, "REMOTE_AUTH_SASL", 1, "REMOTE_AUTH_POLKIT", 2);

    @Test
    void everyCapturedBodyMatchesItsRecord() throws IOException {
        List<String> failures = new ArrayList<>();
        Set<String> kinds = new HashSet<>();
        int packets = 0;
        int withBytes = 0;
        for (Map<String, Object> row : rows()) {
            packets++;
            String what = row.get("name") + " " + row.get("type") + " len=" + row.get("len");
            try {
                Class<?> type = recordOf(row);
                int len = ((Number) row.get("len")).intValue();
                Object body = row.get("body");
                if (body == null) {
                    assertEquals(HEADER, len);
                    assertEquals(Void.class, type, "empty body but a record");
                } else {
                    Object value = build(type, body, type.getSimpleName());
                    assertEquals(len - HEADER, encode(type, value).length, "encoded size");
                }
                if (row.get("hex") instanceof String hex) {
                    byte[] packet = HexFormat.of().parseHex(hex);
                    assertEquals(len, packet.length);
                    checkBytes(type, packet);
                    withBytes++;
                }
                kinds.add(row.get("name") + " " + row.get("type"));
            } catch (AssertionError | RuntimeException e) {
                failures.add(what + ": " + e);
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(packets > 600, "packets " + packets);
        assertTrue(withBytes > 40, "packets with bytes " + withBytes);
        assertTrue(kinds.size() > 250, "procedure sides covered " + kinds.size());
    }

    private static Class<?> recordOf(Map<String, Object> row) {
        RemoteProcedure p = RemoteProcedure.byNumber(((Number) row.get("proc")).intValue());
        assertNotNull(p, "unknown procedure");
        switch ((String) row.get("type")) {
            case "CALL":
                return RemoteSignatures.of(p).args();
            case "REPLY":
                return RemoteSignatures.of(p).ret();
            default:
                return RemoteSignatures.eventOf(p).msg();
        }
    }

    private static <T> void checkBytes(Class<T> type, byte[] packet) {
        XdrReader in = new XdrReader(packet, HEADER, packet.length - HEADER);
        T value = XdrCodec.of(type).decode(in);
        assertEquals(0, in.remaining(), "bytes left");
        assertEquals(words(Arrays.copyOfRange(packet, HEADER, packet.length)),
                words(encode(type, value)));
    }

    private static <T> byte[] encode(Class<T> type, Object value) {
        XdrWriter out = new XdrWriter(64);
        XdrCodec.of(type).encode(out, type.cast(value));
        return out.toByteArray();
    }

    // ---- JSON body -> record, by the declared component types ----

    private static Object build(Type type, Object json, String where) {
        if (json == null) {
            return null;
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() == List.class) {
            List<?> items = (List<?>) json;
            List<Object> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(build(pt.getActualTypeArguments()[0], items.get(i), where + "[" + i + "]"));
            }
            return out;
        }
        Class<?> k = (Class<?>) type;
        if (k == int.class || k == Integer.class) {
            return json instanceof String s ? ENUMS.get(s) : ((BigDecimal) json).intValue();
        }
        if (k == long.class || k == Long.class) {
            return ((BigDecimal) json).toBigInteger().longValue();  // unsigned hyper: bit pattern
        }
        if (k == double.class || k == Double.class) {
            return ((BigDecimal) json).doubleValue();
        }
        if (k == boolean.class || k == Boolean.class) {
            return json;
        }
        if (k == String.class) {
            return json instanceof List<?> chars ? cString(chars) : (String) json;
        }
        if (k == byte[].class) {
            if (json instanceof Map<?, ?> m) {
                byte[] b = HexFormat.of().parseHex((String) m.get("hex"));
                assertEquals(((BigDecimal) m.get("opaque_len")).intValue(), b.length, where);
                return b;
            }
            return HexFormat.of().parseHex((String) json);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> obj = (Map<String, Object>) json;
        if (k.isInterface()) {
            int d = ((BigDecimal) obj.get("type")).intValue();
            for (Class<?> arm : k.getPermittedSubclasses()) {
                if (arm.getAnnotation(XdrArm.class).value() == d) {
                    Map<String, Object> rest = new LinkedHashMap<>(obj);
                    rest.remove("type");
                    return build(arm, rest, where + "<" + d + ">");
                }
            }
            throw new AssertionError(where + ": no arm " + d + " in " + k.getSimpleName());
        }
        assertTrue(k.isRecord(), where + ": " + k);
        RecordComponent[] cs = k.getRecordComponents();
        List<String> names = Arrays.stream(cs).map(RecordComponent::getName).toList();
        assertEquals(names, List.copyOf(obj.keySet()), where + ": components of " + k.getSimpleName());
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            args[i] = build(cs[i].getGenericType(), obj.get(cs[i].getName()),
                    where + "." + cs[i].getName());
            types[i] = cs[i].getType();
        }
        try {
            return k.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(where + ": " + e, e);
        }
    }

    /** A char array as the capture shows it (the codes, NUL included) as a Java string. */
    private static String cString(List<?> chars) {
        byte[] b = new byte[chars.size()];
        int n = 0;
        for (Object c : chars) {
            b[n++] = ((BigDecimal) c).byteValue();
        }
        assertFalse(n > 0 && b[n - 1] != 0, "char array without its NUL");
        return new String(b, 0, Math.max(0, n - 1), StandardCharsets.UTF_8);
    }

    private static List<Map<String, Object>> rows() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (InputStream in = CaptureBodiesTest.class.getResourceAsStream("capture-bodies.jsonl")) {
            assertNotNull(in, "capture-bodies.jsonl");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> row = (Map<String, Object>) new Json(line).value();
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Just enough JSON for the capture lines: objects keep their key order, numbers are exact. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    skip();
                    String key = string();
                    skip();
                    expect(':');
                    m.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}') {
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']') {
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            if (s.startsWith("true", i) || s.startsWith("false", i)) {
                boolean b = s.startsWith("true", i);
                i += b ? 4 : 5;
                return b;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            return new BigDecimal(s.substring(start, i));
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (char c; (c = s.charAt(i++)) != '"'; ) {
                if (c == '\\') {
                    c = s.charAt(i++);
                    switch (c) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(c);
                    }
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
