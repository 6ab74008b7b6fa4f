package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.fuzz.RandomValues;
import io.jvirtd.protocol.remote.RemoteProcedure;
import io.jvirtd.protocol.remote.RemoteSignatures;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Every remote procedure called on the read-only socket, with plain arguments (zeros, flags 0),
 * and the conditional refusals with the flag that triggers them: each answer (ok, libvirt's
 * read-only refusal, or the error code and message) must be the one libvirtd 9.0 gave to the
 * same call on its read-only socket. A hang, a dropped connection or any other answer fails.
 *
 * <p>libvirtd's answers are recorded in src/test/resources/protocol/readonly-rules.tsv (column
 * "live"; the other columns come from libvirt's source, docs/dev/gen_readonly_rules.py) and
 * readonly-conditional.tsv, by capture-readonly.sh there, which runs this class in record mode
 * ({@code -Djvirtd.readonly.record=PATH/readonly-rules.tsv}) against the real libvirtd
 * ({@code -Djvirtd.it.command=.../libvirtd-wrapper.sh}).
 */
class ReadOnlyAccessIT {

    private static final String DENIED = "operation forbidden: read only access prevents ";
    private static final int VIR_ERR_OPERATION_DENIED = 29;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    /**
     * libvirtd's remoteDispatchAuthPolkit fails without setting an error when the server does not
     * use polkit, so libvirtd sends whatever error its worker thread last saw ("Library function
     * returned error but did not set virError", or a previous call's): any error answer matches.
     */
    private static final int AUTH_POLKIT = 70;
    /** What the recording keeps for it, whatever the run gave. */
    private static final String POLKIT_ANSWER = "error (any: libvirtd sends its worker's last error)";

    /**
     * One line of readonly-rules.tsv: {@code sourceRo} is "always", "conditional" or "never"
     * (virCheckReadOnlyGoto in the API), {@code deniedBySource} whether that check applies with
     * plain arguments (an argument check may still fail first), {@code live} libvirtd's answer.
     */
    record Rule(int number, String name, String api, String sourceRo, String acl, String live,
                boolean deniedBySource) {
        static Rule parse(String line) {
            String[] f = line.split("\t");
            return new Rule(Integer.parseInt(f[0]), f[1], f[2], f[3], f[4], f[5], f[6].equals("1"));
        }

        String format() {
            return number + "\t" + name + "\t" + api + "\t" + sourceRo + "\t" + acl + "\t" + live + "\t"
                    + (deniedBySource ? 1 : 0);
        }
    }

    /** One line of readonly-conditional.tsv: a procedure, the int argument set, libvirtd's answer. */
    record Conditional(RemoteProcedure procedure, String component, int value, String live) {
        static Conditional parse(String line) {
            String[] f = line.split("\t");
            return new Conditional(RemoteProcedure.valueOf(f[0]), f[1], Integer.parseInt(f[2]), f[3]);
        }

        String format() {
            return procedure + "\t" + component + "\t" + value + "\t" + live;
        }
    }

    /** The conditional refusals: the flag (or argument) that triggers each. */
    private static final List<Conditional> CONDITIONAL_CALLS = List.of(
            new Conditional(RemoteProcedure.DOMAIN_GET_XML_DESC, "flags", 1, null),
            new Conditional(RemoteProcedure.DOMAIN_SNAPSHOT_GET_XML_DESC, "flags", 1, null),
            new Conditional(RemoteProcedure.DOMAIN_CHECKPOINT_GET_XML_DESC, "flags", 1, null),
            new Conditional(RemoteProcedure.DOMAIN_MANAGED_SAVE_GET_XML_DESC, "flags", 1, null),
            new Conditional(RemoteProcedure.DOMAIN_GET_VCPUS_FLAGS, "flags", 8, null),
            new Conditional(RemoteProcedure.DOMAIN_INTERFACE_ADDRESSES, "source", 1, null));

    private static List<String> lines(String resource) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = ReadOnlyAccessIT.class.getResourceAsStream(resource)) {
            assertTrue(in != null, "missing resource " + resource);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    static List<Rule> rules() throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (String line : lines("/protocol/readonly-rules.tsv")) {
            rules.add(Rule.parse(line));
        }
        return rules;
    }

    /** CONNECT_OPEN and CONNECT_CLOSE change the connection itself; they are not access-checked. */
    private static boolean skipped(Rule r) {
        return r.number() == 1 || r.number() == 2;
    }

    /** Plain arguments, with the int component {@code component} (if not null) set to {@code value}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] args(RemoteProcedure p, String component, int value) {
        RemoteSignatures.Signature sig = RemoteSignatures.of(p);
        Object args = RandomValues.zero(sig.args());
        if (component != null) {
            try {
                java.lang.reflect.RecordComponent[] rcs = sig.args().getRecordComponents();
                Object[] values = new Object[rcs.length];
                Class<?>[] types = new Class<?>[rcs.length];
                for (int i = 0; i < rcs.length; i++) {
                    types[i] = rcs[i].getType();
                    values[i] = rcs[i].getName().equals(component) ? (Object) value : rcs[i].getAccessor().invoke(args);
                }
                args = sig.args().getDeclaredConstructor(types).newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        XdrWriter w = new XdrWriter(64);
        ((XdrCodec) sig.argsCodec()).encode(w, args);
        return w.toByteArray();
    }

    /** The read-only connection, reopened when a call dropped it. */
    private static final class Connection implements AutoCloseable {
        private final DaemonProcess daemon;
        private RawClient client;

        Connection(DaemonProcess daemon) throws IOException {
            this.daemon = daemon;
            this.client = open();
        }

        private RawClient open() throws IOException {
            RawClient c = RawClient.unix(daemon.roSocket());
            // virsh -r: CONNECT_OPEN with VIR_CONNECT_RO (1)
            c.callOk(RawClient.PROC_CONNECT_OPEN, new RawClient.Xdr().optString("test:///default").i32(1).bytes());
            return c;
        }

        /**
         * "ok", "denied" (libvirt's read-only refusal), "error CODE: MESSAGE", or "no answer: WHY"
         * when the call hung or the connection dropped (then a new connection is opened).
         */
        String answer(RemoteProcedure p, byte[] args) throws IOException {
            try {
                int serial = client.call(p.number(), args);
                RawClient.Frame f = client.awaitReply(serial, ANSWER_TIMEOUT, true);
                if (f.status() == RawClient.OK) {
                    return "ok";
                }
                RawClient.RpcError e = f.error();
                String msg = e.message() == null ? "" : e.message().replace('\t', ' ').replace('\n', ' ');
                if (e.code() == VIR_ERR_OPERATION_DENIED && msg.startsWith(DENIED)) {
                    return "denied";
                }
                return "error " + e.code() + ": " + msg;
            } catch (IOException | AssertionError e) {
                client.close();
                client = open();
                return "no answer: " + String.valueOf(e.getMessage()).split("\n")[0];
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    /** Whether {@code got} is libvirtd's answer {@code live} for procedure {@code number}. */
    private static boolean same(int number, String live, String got) {
        if (number == AUTH_POLKIT) {
            return got.startsWith("error ") || got.equals("denied");
        }
        return got.equals(live);
    }

    @Test
    void readOnlySocketAnswersEveryProcedureAsLibvirtdDoes() throws Exception {
        String record = System.getProperty("jvirtd.readonly.record", "");
        List<Rule> rules = rules();
        List<Conditional> conditionals = new ArrayList<>();
        if (record.isEmpty()) {
            for (String line : lines("/protocol/readonly-conditional.tsv")) {
                conditionals.add(Conditional.parse(line));
            }
            // the recorded files are whole: every procedure of the protocol, every conditional call
            assertEquals(RemoteSignatures.all().size(), rules.size(), "readonly-rules.tsv is not whole");
            assertEquals(CONDITIONAL_CALLS.size(), conditionals.size(), "readonly-conditional.tsv is not whole");
        } else {
            conditionals = CONDITIONAL_CALLS;
        }
        List<String> differences = new ArrayList<>();
        List<Rule> recorded = new ArrayList<>();
        List<Conditional> recordedConditionals = new ArrayList<>();
        try (DaemonProcess d = DaemonProcess.start(); Connection c = new Connection(d)) {
            for (Rule r : rules) {
                if (skipped(r)) {
                    recorded.add(r);
                    continue;
                }
                RemoteProcedure p = RemoteProcedure.byNumber(r.number());
                String got = c.answer(p, args(p, null, 0));
                recorded.add(new Rule(r.number(), r.name(), r.api(), r.sourceRo(), r.acl(),
                        r.number() == AUTH_POLKIT ? POLKIT_ANSWER : got, r.deniedBySource()));
                if (!record.isEmpty()) {
                    continue;
                }
                if (!same(r.number(), r.live(), got)) {
                    differences.add(r.number() + " " + r.name() + ": libvirtd answered \"" + r.live() + "\", we \""
                            + got + "\"");
                }
            }
            for (Conditional k : conditionals) {
                String got = c.answer(k.procedure(), args(k.procedure(), k.component(), k.value()));
                recordedConditionals.add(new Conditional(k.procedure(), k.component(), k.value(), got));
                if (record.isEmpty() && !got.equals(k.live())) {
                    differences.add(k.procedure() + " with " + k.component() + "=" + k.value() + ": libvirtd answered \""
                            + k.live() + "\", we \"" + got + "\"");
                }
            }
            assertTrue(d.isAlive(), d.describe());
        }
        if (!record.isEmpty()) {
            write(Path.of(record), recorded, recordedConditionals);
            return;
        }
        assertEquals(List.of(), differences, differences.size() + " answers differ from libvirtd's on the read-only socket");
    }

    private static void write(Path rulesFile, List<Rule> rules, List<Conditional> conditionals) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# number\tname\tapi\tsource_ro\tacl\tlive\tdenied_by_source");
        lines.add("# source_ro: always / conditional / never (virCheckReadOnlyGoto in the API,"
                + " docs/dev/gen_readonly_rules.py); live: libvirtd 9.0 on its read-only socket, plain arguments"
                + " (capture-readonly.sh); denied_by_source: 1 when the read-only check applies with plain"
                + " arguments (an argument check may fail before it)");
        for (Rule r : rules) {
            lines.add(r.format());
        }
        Files.write(rulesFile, lines, StandardCharsets.UTF_8);
        List<String> cond = new ArrayList<>();
        cond.add("# procedure\targument\tvalue\tlive: libvirtd 9.0's answer on its read-only socket to the call with"
                + " that int argument set, the others zero (capture-readonly.sh)");
        for (Conditional k : conditionals) {
            cond.add(k.format());
        }
        Files.write(rulesFile.resolveSibling("readonly-conditional.tsv"), cond, StandardCharsets.UTF_8);
        System.out.println("ReadOnlyAccessIT: recorded " + rules.size() + " procedures and " + conditionals.size()
                + " conditional calls next to " + rulesFile);
    }
}
