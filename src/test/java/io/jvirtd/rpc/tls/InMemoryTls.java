package io.jvirtd.rpc.tls;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS handshake in memory, no sockets: a server session of a {@link TlsContext} against a
 * JDK client, everything run on the calling thread (it plays the loop; delegated tasks run in
 * place). For tests that want to see a built context actually serve.
 */
final class InMemoryTls {

    private InMemoryTls() {
    }

    /** Both ends after the handshake (or after it stopped moving). */
    record Ends(TlsSession server, TlsSession client) {
        /** The certificate the server presented, as the client saw it. */
        X509Certificate serverCertificate() throws SSLException {
            return (X509Certificate) client.session().getPeerCertificates()[0];
        }
    }

    /** Shakes hands between a server session of {@code server} and a client using {@code client}. */
    static Ends handshake(TlsContext server, SSLContext client) throws Exception {
        ArrayDeque<Runnable> loopTasks = new ArrayDeque<>();
        TlsSession srv = server.newServerSession(loopTasks::add, () -> true, () -> { });
        SSLEngine e = client.createSSLEngine("localhost", 16514);
        e.setUseClientMode(true);
        TlsSession cli = new TlsSession(e, Runnable::run, loopTasks::add, () -> true, () -> { }, null);
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        for (int round = 0; round < 10_000; round++) {
            boolean moved = !loopTasks.isEmpty();
            while (!loopTasks.isEmpty()) {
                loopTasks.poll().run();
            }
            moved |= transfer(cli, srv, ignored);
            moved |= transfer(srv, cli, ignored);
            if (!moved) {
                return new Ends(srv, cli);
            }
        }
        throw new AssertionError("sessions never settled");
    }

    /** Carries one side's pending output to the other in one chunk; true if anything happened. */
    static boolean transfer(TlsSession from, TlsSession to, ByteArrayOutputStream got) throws SSLException {
        ByteBuffer out = from.output();
        ByteBuffer net = ByteBuffer.allocate(out.remaining());
        net.put(out).flip();
        from.outputWritten();
        boolean moved = net.hasRemaining();
        do {
            ByteBuffer app = ByteBuffer.allocate(net.remaining() + 64 * 1024);
            int n = to.unwrap(net, app);
            got.write(app.array(), 0, app.position());
            moved |= n > 0;
            net = ByteBuffer.allocate(0);
        } while (to.hasBufferedInput());
        return moved || to.hasOutput();
    }

    /**
     * A client presenting client {@code name}'s certificate that accepts any server certificate
     * (to see what a server presents even when a checking client would refuse it).
     */
    static SSLContext clientTrustingAnything(TestPki pki, String name) throws Exception {
        KeyManager[] keys = pki.clientKeyManagers(name);
        X509TrustManager anything = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, new javax.net.ssl.TrustManager[] {anything}, new SecureRandom());
        return ctx;
    }
}
