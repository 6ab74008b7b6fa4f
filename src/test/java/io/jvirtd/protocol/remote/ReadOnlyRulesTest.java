package io.jvirtd.protocol.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Every procedure of the remote program against libvirt's read-only rules, derived
 * independently of {@link RemoteProcedure}'s own generator: src/test/resources/protocol/
 * readonly-rules.tsv says, per procedure, whether its public API calls virCheckReadOnlyGoto
 * always, only under a flag, or never (docs/dev/gen_readonly_rules.py over libvirt 9.0's
 * source), and what libvirtd answered on its read-only socket (ReadOnlyAccessIT's record mode).
 * A procedure needs write access exactly when libvirt refuses it on a read-only connection
 * whatever its flags; the conditional ones are checked by their handlers, with their flag.
 */
class ReadOnlyRulesTest {

    private record Rule(int number, String name, String api, String sourceRo, String acl, String live,
                        boolean denied) {
    }

    private static List<Rule> rules() throws IOException {
        List<Rule> rules = new ArrayList<>();
        try (InputStream in = ReadOnlyRulesTest.class.getResourceAsStream("/protocol/readonly-rules.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.split("\t");
                    rules.add(new Rule(Integer.parseInt(f[0]), f[1], f[2], f[3], f[4], f[5], f[6].equals("1")));
                }
            }
        }
        return rules;
    }

    @Test
    void everyProcedureNeedsWriteAccessExactlyWhenLibvirtRefusesItReadOnly() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Rule r : rules()) {
            RemoteProcedure p = RemoteProcedure.byNumber(r.number());
            assertEquals(r.name(), p.name(), "procedure " + r.number());
            boolean expected = r.sourceRo().equals("always");
            if (p.needsWriteAccess() != expected) {
                wrong.add(r.name() + ": libvirt " + r.sourceRo() + " (" + r.api() + ", acl " + r.acl() + ", libvirtd said "
                        + r.live() + "), RemoteProcedure says " + p.needsWriteAccess());
            }
            if (expected) {
                assertEquals(r.api(), p.api(), r.name() + ": the API named in 'read only access prevents'");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theTwoDerivationsAgree() throws IOException {
        // Source and libvirtd's live answer (flags 0): a procedure refused "always" was refused
        // live, unless an argument check of its API came first; nothing else was refused.
        for (Rule r : rules()) {
            boolean liveDenied = r.live().equals("denied");
            if (r.live().equals("-")) {
                continue; // CONNECT_OPEN/CLOSE: not probed
            }
            if (liveDenied) {
                assertTrue(r.sourceRo().equals("always"), r.name() + " refused live but not by source");
            } else if (r.sourceRo().equals("always")) {
                assertTrue(r.live().startsWith("error 8:") || r.live().contains("No FD available"),
                        r.name() + ": source says always refused, libvirtd answered " + r.live());
            }
        }
    }

    @Test
    void everyCallOfTheProgramIsInTheTable() throws IOException {
        List<Rule> rules = rules();
        assertEquals(RemoteSignatures.all().size(), rules.size());
        for (Rule r : rules) {
            assertFalse(RemoteProcedure.byNumber(r.number()).kind() == RemoteProcedure.Kind.EVENT, r.name());
        }
    }
}
