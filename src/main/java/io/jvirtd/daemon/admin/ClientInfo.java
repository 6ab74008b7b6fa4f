package io.jvirtd.daemon.admin;

import io.jvirtd.model.InetText;
import io.jvirtd.model.UnixAccounts;
import io.jvirtd.protocol.admin.AdminTypes.TypedParam;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.Transport;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jdk.net.UnixDomainPrincipal;

/**
 * CLIENT_GET_INFO's typed parameters, in libvirt's order and with its keys (admin_server.c
 * adminClientGetInfo): {@code readonly}; then for a unix client {@code unix_user_id},
 * {@code unix_user_name}, {@code unix_group_id}, {@code unix_group_name},
 * {@code unix_process_id}; for a TCP or TLS client {@code sock_addr} ("ip:port", "[ip6]:port")
 * and, for a TLS client with a certificate, {@code tls_x509_dname}. {@code sasl_user_name} and
 * {@code selinux_context} would follow libvirt's places, but jvirtd has no SASL or SELinux yet.
 *
 * <p>Where the facts come from. The JDK's SO_PEERCRED ({@code jdk.net.ExtendedSocketOptions})
 * gives the peer's user and group as names, not numbers, and no pid. The numbers come from
 * {@code /etc/passwd} and {@code /etc/group} (or the name itself when the JDK found no name and
 * used the number). The pid: the connection layer tells the inode of our end of the socket
 * ({@link ServerClient#socketInode()}); the kernel's socket diagnostics, read with iproute2's
 * {@code ss -xpn}, name the process holding the other end. When any step is unavailable (no
 * {@code ss}, no permission to see the peer) the key is left out, as libvirt leaves out what
 * its identity lacks. If the peer shares the socket with children, the first process ss lists
 * is reported (SO_PEERCRED would give the one that connected).
 *
 * <p>Threads: admin workers; runs a short helper process, never on the event loop.
 */
public class ClientInfo {

    private static final Pattern SS_LINE = Pattern.compile(
            "\\s(\\d+)\\s+\\S+\\s+(\\d+)\\s+users:\\(\\(\"(?:[^\"\\\\]|\\\\.)*\",pid=(\\d+),");
    private static final long SS_TIMEOUT_SECONDS = 5;

    /** The parameters for one client. */
    public List<TypedParam> of(ServerClient c) {
        List<TypedParam> out = new ArrayList<>();
        out.add(TypedParams.bool("readonly", c.isReadOnly()));
        if (c.transport() != Transport.UNIX) {
            Object id = c.identity();
            if (id instanceof InetSocketAddress) {
                out.add(TypedParams.string("sock_addr", sockAddr((InetSocketAddress) id)));
            }
            String dn = c.tlsX509Dname();
            if (dn != null) {
                out.add(TypedParams.string("tls_x509_dname", dn));
            }
            return out;
        }
        if (!(c.identity() instanceof UnixDomainPrincipal)) {
            return out;
        }
        UnixDomainPrincipal who = (UnixDomainPrincipal) c.identity();
        String user = who.user().getName();
        String group = who.group().getName();
        Integer uid = numericId(user, Path.of("/etc/passwd"));
        if (uid != null) {
            out.add(TypedParams.integer("unix_user_id", uid));
        }
        out.add(TypedParams.string("unix_user_name", user));
        Integer gid = numericId(group, Path.of("/etc/group"));
        if (gid != null) {
            out.add(TypedParams.integer("unix_group_id", gid));
        }
        out.add(TypedParams.string("unix_group_name", group));
        long pid = peerPid(c.socketInode());
        if (pid > 0) {
            out.add(TypedParams.integer("unix_process_id", (int) pid));
        }
        return out;
    }

    /** libvirt's virSocketAddrFormatFull(addr, true, NULL). */
    static String sockAddr(InetSocketAddress a) {
        if (a.getAddress() instanceof Inet6Address) {
            return "[" + InetText.ipv6(a.getAddress().getAddress()) + "]:" + a.getPort();
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return host + ":" + a.getPort();
    }

    /** The number of a user or group name: the name itself when numeric, else from the database file. */
    static Integer numericId(String name, Path database) {
        if (!name.isEmpty() && name.chars().allMatch(ch -> ch >= '0' && ch <= '9') && name.length() < 10) {
            return Integer.valueOf(name);
        }
        return UnixAccounts.idOf(name, database);
    }

    /**
     * The pid of the process holding the other end of our socket {@code inode}, or -1.
     * Overridden in tests.
     */
    protected long peerPid(long inode) {
        if (inode <= 0) {
            return -1;
        }
        return parsePeerPid(runSs(), inode);
    }

    /** Finds, in {@code ss -xpnH} output, the line whose peer is {@code inode} and returns its pid. */
    static long parsePeerPid(String ssOutput, long inode) {
        if (ssOutput == null) {
            return -1;
        }
        String want = Long.toString(inode);
        for (String line : ssOutput.split("\n")) {
            Matcher m = SS_LINE.matcher(line);
            if (m.find() && m.group(2).equals(want) && !m.group(1).equals(want)) {
                return Long.parseLong(m.group(3));
            }
        }
        return -1;
    }

    private static String runSs() {
        for (String ss : List.of("/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/sbin/ss")) {
            if (!Files.isExecutable(Path.of(ss))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(ss, "-xpnH").redirectErrorStream(false)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(SS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return null;
                }
                return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
