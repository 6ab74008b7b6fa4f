package io.jvirtd.rpc.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.loop.EventLoop;
import io.jvirtd.rpc.loop.Ticker;
import io.jvirtd.rpc.pool.WorkerPool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real server on a loopback TCP port with its own event loop and pool, for tests that talk
 * to programs over the wire; {@link #close} shuts it down in order and checks that it did.
 */
public final class RunningServer implements AutoCloseable {

    private final EventLoop loop;
    private final WorkerPool pool;
    private final NetServer server;
    private final InetSocketAddress address;

    private RunningServer(int authType, ServerProgram... programs) throws IOException {
        loop = new EventLoop("test-loop");
        pool = new WorkerPool("test", 2, 4, 1);
        server = new NetServer("libvirtd", loop, pool, ServerLimits.DEFAULTS, Ticker.SYSTEM);
        for (ServerProgram p : programs) {
            server.addProgram(p);
        }
        Listener l = server.addTcpListener(new InetSocketAddress("127.0.0.1", 0), Transport.TCP, authType);
        address = (InetSocketAddress) l.channel().getLocalAddress();
        loop.start();
        server.enable();
    }

    /** Serves {@code programs} with auth "none". */
    public static RunningServer start(ServerProgram... programs) throws IOException {
        return new RunningServer(0, programs);
    }

    /** Serves {@code programs} on a listener announcing {@code authType} in AUTH_LIST. */
    public static RunningServer withAuth(int authType, ServerProgram... programs) throws IOException {
        return new RunningServer(authType, programs);
    }

    public WireSocket connect() throws IOException {
        return new WireSocket(address);
    }

    public NetServer server() {
        return server;
    }

    /** The server's event loop. */
    public EventLoop loop() {
        return loop;
    }

    @Override
    public void close() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        server.shutdown(1000, () -> {
            done.countDown();
            loop.quit();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS), "server shut down");
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS), "event loop ended");
        pool.shutdown();
    }
}
