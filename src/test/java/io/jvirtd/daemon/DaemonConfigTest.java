package io.jvirtd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.server.ClientMemoryBudget;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class DaemonConfigTest {

    private final List<String> warnings = new ArrayList<>();

    private DaemonConfig load(String text) throws ConfigException {
        return DaemonConfig.from("test.conf", ConfigFile.parse("test.conf", text), warnings::add);
    }

    @Test
    void libvirtdConfSyntaxIsRead() throws ConfigException {
        DaemonConfig c = load(String.join("\n",
                "# a comment",
                "listen_tcp = 1",
                "listen_tls = 0   # trailing comment",
                "tcp_port = \"16999\"",
                "listen_addr = '127.0.0.1'",
                "unix_sock_dir = \"/tmp/x\"",
                "max_clients = 60000",
                "keepalive_interval = -1",
                "tls_allowed_dn_list = [\"C=GB,O=a\",",
                "    \"C=GB,O=b\" ]",
                ""));
        assertTrue(c.listenTcp);
        assertFalse(c.listenTls);
        assertEquals("16999", c.tcpPort);
        assertEquals("127.0.0.1", c.listenAddr);
        assertEquals(Path.of("/tmp/x"), c.unixSockDir);
        assertEquals(60000, c.maxClients);
        assertEquals(-1, c.keepaliveInterval);
        assertEquals(List.of("C=GB,O=a", "C=GB,O=b"), c.tlsAllowedDnList);
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void defaultsAreLibvirts() throws ConfigException {
        DaemonConfig c = load("");
        assertEquals(5000, c.maxClients);
        assertEquals(1000, c.maxQueuedClients);
        assertEquals(20, c.maxAnonymousClients);
        assertEquals(5, c.minWorkers);
        assertEquals(20, c.maxWorkers);
        assertEquals(5, c.prioWorkers);
        assertEquals(5, c.maxClientRequests);
        assertEquals(5, c.keepaliveInterval);
        assertEquals(5, c.keepaliveCount);
        assertEquals("0700", c.unixSockRwPerms);
        assertEquals("0777", c.unixSockRoPerms);
    }

    @Test
    void unknownKeyOnlyWarns() throws ConfigException {
        load("max_clients = 10\nno_such_key = 1\n");
        assertEquals(List.of("test.conf:2: unknown configuration key 'no_such_key' ignored"), warnings);
    }

    @Test
    void wrongTypeNamesFileLineAndKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("listen_tcp = 1\n\nmax_clients = \"abc\"\n"));
        assertEquals("test.conf:3: key 'max_clients': expected a number, got the string \"abc\"", e.getMessage());
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(assertThrows(ConfigException.class, () -> load("tcp_port = \"http\"\n"))
                .getMessage().startsWith("test.conf:1: key 'tcp_port'"));
        assertTrue(assertThrows(ConfigException.class, () -> load("unix_sock_rw_perms = \"0999\"\n"))
                .getMessage().startsWith("test.conf:1: key 'unix_sock_rw_perms'"));
        assertTrue(assertThrows(ConfigException.class, () -> load("min_workers = 30\nmax_workers = 10\n"))
                .getMessage().startsWith("test.conf:1: key 'min_workers'"));
        assertTrue(assertThrows(ConfigException.class, () -> load("max_client_requests = 0\n"))
                .getMessage().startsWith("test.conf:1: key 'max_client_requests'"));
    }

    @Test
    void clientMemoryBudgetIsAutomaticOrSetAndChecked() throws ConfigException {
        long mib = 1024 * 1024;
        ClientMemoryBudget.Settings auto = load("").memorySettings(6144 * mib);
        assertEquals(384 * mib, auto.limit(), "a sixteenth of the heap");
        assertEquals(24 * mib, auto.restrictedLimit(), "a sixteenth of that");
        assertEquals(30_000, auto.timeoutMillis());
        ClientMemoryBudget.Settings set = load("client_memory_budget = 3221225472\n"
                + "client_memory_budget_restricted = 0\nclient_memory_timeout = 5\n").memorySettings(6144 * mib);
        assertEquals(3L << 30, set.limit(), "larger than an int");
        assertEquals(0, set.restrictedLimit(), "0: no large message before CONNECT_OPEN");
        assertEquals(5000, set.timeoutMillis());
        assertTrue(assertThrows(ConfigException.class, () -> load("client_memory_budget = 1048576\n"))
                .getMessage().startsWith("test.conf:1: key 'client_memory_budget': value 1048576 must be at least"));
        assertTrue(assertThrows(ConfigException.class, () -> load("client_memory_budget = 67108864\n"
                + "client_memory_budget_restricted = 67108865\n"))
                .getMessage().startsWith("test.conf:2: key 'client_memory_budget_restricted'"));
        assertTrue(assertThrows(ConfigException.class, () -> load("client_memory_timeout = 0\n"))
                .getMessage().startsWith("test.conf:1: key 'client_memory_timeout'"));
    }

    @Test
    void syntaxErrorsNameTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("a = 1\nb = \n"));
        assertEquals("configuration file syntax error: test.conf:2: expecting a value", e.getMessage());
        assertThrows(ConfigException.class, () -> load("a = \"unterminated\n"));
        assertThrows(ConfigException.class, () -> load("a = [\"x\" \"y\"]\n"));
    }

    @Test
    void optionsAreLibvirtds() {
        Options o = Options.parse(new String[] {"-l", "-v", "-t", "30", "-f", "/x.conf", "--pid-file=/p"});
        assertTrue(o.listen);
        assertTrue(o.verbose);
        assertEquals(30, o.timeoutSeconds);
        assertEquals(Path.of("/x.conf"), o.config);
        assertEquals(Path.of("/p"), o.pidFile);
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"-t"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"-t", "x"}));
    }
}
