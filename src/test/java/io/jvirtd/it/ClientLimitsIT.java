package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * 5,000 connections opened at once against {@code max_clients = 1000}, as libvirtd handles
 * them (virNetServerCheckLimits): the daemon serves 1,000 clients and stops accepting; the
 * other connections wait in the kernel (the listen backlog, {@code max_queued_clients}, and
 * beyond it SYNs the kernel drops, so their connect() is still in progress) and are served as
 * slots free up. Nobody gets an error, and a client that was connected before the flood keeps
 * getting its replies promptly.
 *
 * <p>Measured with the same test against libvirtd 9.0 ({@code -Djvirtd.it.command=...
 * libvirtd-wrapper.sh}): see docs/robustness.md for both daemons' figures.
 */
class ClientLimitsIT {

    private static final int MAX_CLIENTS = 1000;
    private static final int FLOOD = 5000;
    /** AUTH_LIST, serial 0: the cheapest call, answered before CONNECT_OPEN. */
    private static final byte[] AUTH_LIST = RawClient.remoteCall(RawClient.PROC_AUTH_LIST, 0, new byte[0]);

    @Test
    void fiveThousandConnectsAgainstAThousandClients() throws Exception {
        try (DaemonProcess d = DaemonProcess.builder().conf("max_clients", MAX_CLIENTS)
                .conf("max_queued_clients", 1000).conf("max_anonymous_clients", 20).start();
                RawClient good = RawClient.tcp(d.tcpAddress());
                Flood flood = new Flood(d.tcpAddress(), FLOOD)) {
            good.handshake("test:///default");

            flood.connectAll(Duration.ofSeconds(5));
            long worst = 0;
            // Everyone connected calls AUTH_LIST; while their replies come in, the good client
            // keeps calling and must not notice.
            flood.callAll();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (flood.served < MAX_CLIENTS - 1 && System.nanoTime() < deadline) {
                flood.pump(Duration.ofMillis(100));
                flood.callAll(); // connects that completed meanwhile
                worst = Math.max(worst, timedCall(good));
            }
            // Observe a while longer: nobody beyond the limit is served.
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                flood.pump(Duration.ofMillis(100));
                flood.callAll();
                worst = Math.max(worst, timedCall(good));
            }
            String figures = flood.figures() + ", good client's slowest call " + worst / 1_000_000 + " ms";
            System.out.println("ClientLimitsIT (" + (DaemonProcess.runsJar() ? "jvirtd" : "other daemon") + "): "
                    + figures);
            assertEquals(MAX_CLIENTS - 1, flood.served, "served besides the good client; " + figures);
            assertEquals(0, flood.errors, "nobody is refused with an error; " + figures);
            assertTrue(worst < 2_000_000_000L, "the good client's calls stay prompt; " + figures);
            assertTrue(d.isAlive(), d.describe());

            // 100 served clients leave: 100 waiting ones are served in their place, no more.
            flood.closeServed(100);
            int before = flood.served;
            long again = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (flood.served < before + 100 && System.nanoTime() < again) {
                flood.connectPending();
                flood.callAll();
                flood.pump(Duration.ofMillis(100));
            }
            settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < settle) {
                flood.pump(Duration.ofMillis(100));
            }
            assertEquals(before + 100, flood.served, "freed slots are taken by waiting clients; " + flood.figures());
            assertEquals(9_000_000L, good.libVersion());
        }
    }

    /** One CONNECT_GET_LIB_VERSION; returns how long it took in nanoseconds. */
    private static long timedCall(RawClient c) throws IOException {
        long t0 = System.nanoTime();
        assertEquals(9_000_000L, c.libVersion());
        return System.nanoTime() - t0;
    }

    /** Many non-blocking connections driven by one selector on the test thread. */
    private static final class Flood implements AutoCloseable {
        private final Selector selector = Selector.open();
        private final List<Conn> conns = new ArrayList<>();
        int served;
        int errors;

        private static final class Conn {
            final SocketChannel ch;
            boolean connected;
            boolean called;
            boolean served;
            boolean closed;
            final ByteBuffer out = ByteBuffer.wrap(AUTH_LIST);
            final ByteBuffer in = ByteBuffer.allocate(64);

            Conn(SocketChannel ch) {
                this.ch = ch;
            }
        }

        Flood(InetSocketAddress addr, int n) throws IOException {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                Conn c = new Conn(ch);
                conns.add(c);
                try {
                    if (ch.connect(addr)) {
                        c.connected = true;
                    }
                    ch.register(selector, c.connected ? 0 : SelectionKey.OP_CONNECT, c);
                } catch (ConnectException e) {
                    errors++;
                    c.closed = true;
                    ch.close();
                }
            }
        }

        /** Finishes connects for up to {@code wait}. */
        void connectAll(Duration wait) throws IOException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline && pendingConnects() > 0) {
                pump(Duration.ofMillis(50));
            }
        }

        void connectPending() throws IOException {
            pump(Duration.ZERO);
        }

        int pendingConnects() {
            int n = 0;
            for (Conn c : conns) {
                if (!c.connected && !c.closed) {
                    n++;
                }
            }
            return n;
        }

        /** Sends AUTH_LIST on every connected connection that has not sent it yet. */
        void callAll() throws IOException {
            for (Conn c : conns) {
                if (c.connected && !c.called && !c.closed) {
                    c.called = true;
                    c.ch.write(c.out);
                    c.ch.keyFor(selector).interestOps(SelectionKey.OP_READ);
                }
            }
        }

        void pump(Duration wait) throws IOException {
            if (wait.isZero()) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, wait.toMillis()));
            }
            for (SelectionKey k : selector.selectedKeys()) {
                Conn c = (Conn) k.attachment();
                if (!k.isValid()) {
                    continue;
                }
                if (k.isConnectable()) {
                    try {
                        if (c.ch.finishConnect()) {
                            c.connected = true;
                            k.interestOps(0);
                        }
                    } catch (IOException e) {
                        errors++;
                        c.closed = true;
                        k.cancel();
                        c.ch.close();
                    }
                } else if (k.isReadable()) {
                    int n;
                    try {
                        n = c.ch.read(c.in);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        errors++;
                        c.closed = true;
                        k.cancel();
                        c.ch.close();
                    } else if (c.in.position() >= 36 && !c.served) { // AUTH_LIST reply: 28 + 8
                        c.served = true;
                        served++;
                        k.interestOps(0);
                    }
                }
            }
            selector.selectedKeys().clear();
        }

        void closeServed(int n) throws IOException {
            for (Conn c : conns) {
                if (n > 0 && c.served && !c.closed) {
                    c.closed = true;
                    c.ch.close();
                    n--;
                }
            }
        }

        String figures() {
            int connected = 0;
            int pending = 0;
            for (Conn c : conns) {
                if (c.closed) {
                    continue;
                }
                if (c.connected) {
                    connected++;
                } else {
                    pending++;
                }
            }
            return FLOOD + " connects: " + served + " served, " + (connected - countServedOpen())
                    + " connected and waiting, " + pending + " connect() still in progress, " + errors + " errors";
        }

        private int countServedOpen() {
            int n = 0;
            for (Conn c : conns) {
                if (c.served && !c.closed) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            for (Conn c : conns) {
                c.ch.close();
            }
            selector.close();
        }
    }
}
