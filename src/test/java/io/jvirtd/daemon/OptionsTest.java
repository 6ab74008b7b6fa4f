package io.jvirtd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The command line as libvirtd's getopt_long reads it (optstring "ldf:p:t:vVh"); the error
 * texts are what libvirtd 9.0 printed on Debian 12 (glibc) for the same arguments.
 */
class OptionsTest {

    private static Options parse(String... args) {
        return Options.parse(args);
    }

    private static void refused(String message, String... args) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Options.parse(args)).getMessage());
    }

    @Test
    void shortOptionsBundle() {
        Options o = parse("-lv");
        assertTrue(o.listen);
        assertTrue(o.verbose);
        o = parse("-lvt30", "-fFILE", "-p/run/x.pid");
        assertTrue(o.listen && o.verbose);
        assertEquals(30, o.timeoutSeconds);
        assertEquals(Path.of("FILE"), o.config);
        assertEquals(Path.of("/run/x.pid"), o.pidFile);
        o = parse("-vf", "/etc/x.conf", "-t", "5");
        assertEquals(Path.of("/etc/x.conf"), o.config);
        assertEquals(5, o.timeoutSeconds);
        assertEquals(Path.of("-l"), parse("-f", "-l").config, "a required argument is taken as is");
    }

    @Test
    void longOptionsTakeValuesBothWaysAndUniquePrefixes() {
        Options o = parse("--timeout=30", "--config", "/c", "--pid-file=/p", "--listen", "--verbose");
        assertEquals(30, o.timeoutSeconds);
        assertEquals(Path.of("/c"), o.config);
        assertEquals(Path.of("/p"), o.pidFile);
        assertTrue(o.listen && o.verbose);
        o = parse("--list", "--verb", "--conf=/c2", "--pid", "/p2", "--time", "7");
        assertTrue(o.listen && o.verbose);
        assertEquals(Path.of("/c2"), o.config);
        assertEquals(Path.of("/p2"), o.pidFile);
        assertEquals(7, o.timeoutSeconds);
        assertEquals(Path.of(""), parse("--config=").config);
    }

    @Test
    void helpAndVersionEndTheParseWhereTheyStand() {
        assertTrue(parse("-V", "--bogus").version);
        assertTrue(parse("-lV").version);
        assertTrue(parse("--vers").version);
        assertTrue(parse("-h", "-t", "x").help);
        refused("unrecognized option '--bogus'", "--bogus", "-V");
    }

    @Test
    void errorsAreGetoptsWords() {
        refused("invalid option -- 'x'", "-x");
        refused("invalid option -- 'x'", "-lx");
        refused("unrecognized option '--bogus'", "--bogus");
        refused("unrecognized option '--bogus=1'", "--bogus=1");
        refused("option '--ver' is ambiguous; possibilities: '--verbose' '--version'", "--ver");
        refused("option '--ver=1' is ambiguous; possibilities: '--verbose' '--version'", "--ver=1");
        refused("option '--listen' doesn't allow an argument", "--listen=1");
        refused("option '--pid-file' requires an argument", "--pid");
        refused("option requires an argument -- 't'", "-t");
        refused("option requires an argument -- 'f'", "-lf");
        refused("option '--config' requires an argument", "--config");
        refused("unexpected, non-option, command line arguments", "foo");
        refused("unexpected, non-option, command line arguments", "-l", "--", "-v");
        refused("unexpected, non-option, command line arguments", "-");
    }

    /** virStrToLong_i with an end pointer libvirtd never checks: the leading number counts. */
    @Test
    void timeoutIsTheLeadingCNumberFromZeroToAMillionthOfIntMax() {
        assertEquals(0, parse("-t", "-0").timeoutSeconds);
        assertEquals(12, parse("-t", " +12").timeoutSeconds);
        assertEquals(12, parse("-t", "12 ").timeoutSeconds);
        assertEquals(3, parse("-t3s").timeoutSeconds);
        assertEquals(0, parse("-t", "0x10").timeoutSeconds);
        assertEquals(Integer.MAX_VALUE / 1000, parse("-t" + Integer.MAX_VALUE / 1000).timeoutSeconds);
        for (String bad : new String[] {"x", "", " ", "+", "-1", Integer.toString(Integer.MAX_VALUE / 1000 + 1),
                "99999999999"}) {
            refused("Invalid value for timeout: " + bad, "-t", bad);
        }
    }

    @Test
    void nothingIsNothing() {
        Options o = parse();
        assertFalse(o.listen || o.verbose || o.help || o.version || o.daemonize);
        assertEquals(0, o.timeoutSeconds);
    }
}
