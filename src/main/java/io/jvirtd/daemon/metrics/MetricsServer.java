package io.jvirtd.daemon.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jvirtd.model.spi.FaultCount;
import io.jvirtd.rpc.server.NetServer;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The optional live-metrics endpoint ({@code metrics_listen_addr = "127.0.0.1:9177"}, off by
 * default): {@code GET /metrics} answers {@link MetricsText} in Prometheus' text format. None of
 * libvirt's daemons has one.
 *
 * <p>Threads: the JDK's {@code com.sun.net.httpserver} with no executor, so its one dispatcher
 * thread ({@code HTTP-Dispatcher}) accepts and serves every scrape itself; it is never the event
 * loop or a worker, and rendering only reads counters (see {@link MetricsText}). Started by the
 * process leader after the servers exist, stopped at shutdown.
 */
public final class MetricsServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.jvirtd.daemon.metrics");

    private final HttpServer http;

    private MetricsServer(HttpServer http) {
        this.http = http;
    }

    /** Binds {@code address} and starts serving. */
    public static MetricsServer start(InetSocketAddress address, List<NetServer> servers,
                                      List<MetricsText.ProgramNames> programs) throws IOException {
        return start(address, servers, programs, List::of);
    }

    /** Binds {@code address} and starts serving, with the drivers' fault-plan counters too. */
    public static MetricsServer start(InetSocketAddress address, List<NetServer> servers,
                                      List<MetricsText.ProgramNames> programs,
                                      Supplier<List<FaultCount>> faults) throws IOException {
        HttpServer http = HttpServer.create(address, 16);
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    reply(exchange, 405, "only GET\n");
                    return;
                }
                reply(exchange, 200, MetricsText.render(servers, programs, faults.get()));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "metrics scrape failed", e);
            }
        });
        http.createContext("/", exchange -> {
            try (exchange) {
                reply(exchange, 404, "jvirtd metrics are at /metrics\n");
            }
        });
        http.setExecutor(null);
        http.start();
        LOG.log(Level.INFO, "metrics on http://{0}/metrics", format(http.getAddress()));
        return new MetricsServer(http);
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound address (the port is real when 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    private static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * Parses {@code metrics_listen_addr}: "HOST:PORT" or "[IPV6]:PORT".
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static InetSocketAddress parseAddress(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + spec + "'");
        }
        String host = spec.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in '" + spec + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port in '" + spec + "'");
        }
        return new InetSocketAddress(host, port);
    }

    /** Stops serving; a scrape in progress is cut. */
    @Override
    public void close() {
        http.stop(0);
    }
}
