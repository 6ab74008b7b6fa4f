package io.jvirtd.daemon.metrics;

import io.jvirtd.model.spi.FaultCount;
import io.jvirtd.rpc.pool.WorkerPool;
import io.jvirtd.rpc.server.ClientMemoryBudget;
import io.jvirtd.rpc.server.NetServer;
import io.jvirtd.rpc.server.ServerClient;
import io.jvirtd.rpc.server.ServerStats;
import io.jvirtd.rpc.server.Transport;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * Renders the daemon's live state in Prometheus' text exposition format (version 0.0.4).
 * Reads only what other threads publish for reading: the pools' volatile counters, the
 * servers' concurrent client tables and their {@link ServerStats} adders. It never takes a lock
 * of the loop, the pool or a client, so a scrape cannot stall either. Stateless.
 *
 * <p>Families (label {@code server} is "libvirtd" or "admin"):
 * <ul>
 * <li>{@code jvirtd_pool_workers}, {@code _free_workers}, {@code _prio_workers},
 *     {@code _min_workers}, {@code _max_workers}, {@code jvirtd_pool_job_queue_depth} (gauges)
 * <li>{@code jvirtd_clients{transport, state}} (gauge; state is the access mode, "readonly" or
 *     "readwrite"), {@code jvirtd_clients_unauthenticated} (still authenticating),
 *     {@code jvirtd_clients_max}, {@code jvirtd_clients_accepted_total}
 * <li>{@code jvirtd_rpc_calls_total{program, procedure}} and the histogram
 *     {@code jvirtd_rpc_call_duration_seconds} (from the loop queueing the call to its reply
 *     being queued)
 * <li>{@code jvirtd_bytes_received_total}, {@code jvirtd_bytes_sent_total},
 *     {@code jvirtd_keepalive_closes_total}
 * <li>events not yet written to their clients (docs/robustness.md, "A listener that does not
 *     keep up"): {@code jvirtd_event_queue_drops_total} (events dropped, oldest first, because
 *     their client read too slowly; the client stays connected), {@code jvirtd_event_queue_events}
 *     (events waiting, all clients), {@code jvirtd_event_lag_seconds_max} (the age of the oldest
 *     event any client has not received); and per client that is at least
 *     {@value #LAGGING_SECONDS} s behind or has dropped events (label {@code client}, the id
 *     virt-admin client-list shows), {@code jvirtd_client_event_lag_seconds},
 *     {@code jvirtd_client_event_queue_events} and {@code jvirtd_client_event_drops_total}.
 *     Only those clients: a series per connection would make the exposition as long as the
 *     client list.
 * <li>the client memory budget: {@code jvirtd_client_memory_bytes{share}} and
 *     {@code jvirtd_client_memory_limit_bytes{share}} (gauges; share "all" or "restricted": clients before CONNECT_OPEN and read-only ones; no
 *     server label, the servers share one budget), {@code jvirtd_client_memory_drops_total{reason}}
 *     (clients dropped: "restricted_share", "message_timeout", "output_timeout") and
 *     {@code jvirtd_client_memory_waits_total} (times an opened client was not read until its
 *     large message fitted)
 * <li>{@code jvirtd_stream_packet_buffers_in_use} and {@code _idle} (gauges): the pooled direct
 *     buffers clients' stream data packets are read into and downloads' chunks are sent from
 *     (DirectFramePool)
 * </ul>
 */
public final class MetricsText {

    /** How the daemon names a program and its procedures (the rpc layer knows numbers only). */
    public record ProgramNames(int program, String name, IntFunction<String> procedure) {
    }

    private static final double[] BOUNDS = ServerStats.bucketBoundsSeconds();
    private static final Transport[] TRANSPORTS = Transport.values();
    /** A client this far behind (or with drops) gets event series of its own. */
    static final long LAGGING_SECONDS = 1;

    private MetricsText() {
    }

    /** The whole exposition for these servers. */
    public static String render(List<NetServer> servers, List<ProgramNames> programs) {
        return render(servers, programs, List.of());
    }

    /** The whole text, with the mock host's fault-plan counters ({@code jvirtd_test_faults_total}). */
    public static String render(List<NetServer> servers, List<ProgramNames> programs, List<FaultCount> faults) {
        StringBuilder sb = new StringBuilder(8192);
        poolGauge(sb, servers, "jvirtd_pool_workers", "Ordinary worker threads alive.", WorkerPool::nWorkers);
        poolGauge(sb, servers, "jvirtd_pool_free_workers", "Ordinary workers waiting for a job.",
                WorkerPool::freeWorkers);
        poolGauge(sb, servers, "jvirtd_pool_prio_workers", "Priority workers alive.", WorkerPool::prioWorkers);
        poolGauge(sb, servers, "jvirtd_pool_min_workers", "The pool's minWorkers.", WorkerPool::minWorkers);
        poolGauge(sb, servers, "jvirtd_pool_max_workers", "The pool's maxWorkers.", WorkerPool::maxWorkers);
        poolGauge(sb, servers, "jvirtd_pool_job_queue_depth", "Calls waiting for a worker.",
                WorkerPool::jobQueueDepth);

        header(sb, "jvirtd_clients", "gauge", "Connected clients by transport and access mode.");
        for (NetServer srv : servers) {
            long[] counts = new long[TRANSPORTS.length * 2];
            for (ServerClient c : srv.clients()) {
                counts[c.transport().ordinal() * 2 + (c.isReadOnly() ? 1 : 0)]++;
            }
            for (Transport t : TRANSPORTS) {
                for (int ro = 0; ro < 2; ro++) {
                    sb.append("jvirtd_clients{server=\"").append(escape(srv.name())).append("\",transport=\"")
                            .append(t.name().toLowerCase(Locale.ROOT)).append("\",state=\"")
                            .append(ro == 1 ? "readonly" : "readwrite").append("\"} ")
                            .append(counts[t.ordinal() * 2 + ro]).append('\n');
                }
            }
        }
        serverValue(sb, servers, "jvirtd_clients_unauthenticated", "gauge",
                "Clients still authenticating (counted in jvirtd_clients too).", srv -> srv.unauthClientCount());
        serverValue(sb, servers, "jvirtd_clients_max", "gauge", "The server's max_clients.",
                srv -> srv.limits().maxClients());
        serverValue(sb, servers, "jvirtd_clients_accepted_total", "counter", "Connections accepted.",
                srv -> srv.stats().clientsAccepted());
        serverValue(sb, servers, "jvirtd_bytes_received_total", "counter", "Bytes read from clients.",
                srv -> srv.stats().bytesIn());
        serverValue(sb, servers, "jvirtd_bytes_sent_total", "counter", "Bytes written to clients.",
                srv -> srv.stats().bytesOut());
        serverValue(sb, servers, "jvirtd_keepalive_closes_total", "counter",
                "Clients closed because they answered no keepalive PING.", srv -> srv.stats().keepaliveCloses());
        events(sb, servers);
        memory(sb, servers);
        calls(sb, servers, programs);
        faults(sb, faults);
        return sb.toString();
    }

    /** One counter per fault-plan rule and fault; nothing at all on a daemon without plans. */
    private static void faults(StringBuilder sb, List<FaultCount> faults) {
        if (faults.isEmpty()) {
            return;
        }
        header(sb, "jvirtd_test_faults_total", "counter",
                "Faults injected by the mock host's fault plans, by plan file, rule and fault.");
        for (FaultCount f : faults) {
            sb.append("jvirtd_test_faults_total{plan=\"").append(escape(f.plan())).append("\",rule=\"")
                    .append(escape(f.rule())).append("\",fault=\"").append(escape(f.fault())).append("\"} ")
                    .append(f.count()).append('\n');
        }
    }

    private static void events(StringBuilder sb, List<NetServer> servers) {
        serverValue(sb, servers, "jvirtd_event_queue_drops_total", "counter",
                "Events dropped, oldest first, because their client did not read them fast enough.",
                srv -> srv.stats().eventsDropped());
        StringBuilder lag = new StringBuilder();
        StringBuilder waiting = new StringBuilder();
        StringBuilder drops = new StringBuilder();
        header(sb, "jvirtd_event_queue_events", "gauge", "Events queued for clients and not yet written.");
        StringBuilder maxLag = new StringBuilder();
        for (NetServer srv : servers) {
            long total = 0;
            long max = 0;
            String server = escape(srv.name());
            for (ServerClient c : srv.clients()) {
                int n = c.eventsWaiting();
                long l = c.eventLagNanos();
                long d = c.eventsDropped();
                total += n;
                max = Math.max(max, l);
                if (l >= LAGGING_SECONDS * 1_000_000_000L || d > 0) {
                    String labels = "{server=\"" + server + "\",client=\"" + c.id() + "\"} ";
                    lag.append("jvirtd_client_event_lag_seconds").append(labels).append(plain(l / 1e9)).append('\n');
                    waiting.append("jvirtd_client_event_queue_events").append(labels).append(n).append('\n');
                    drops.append("jvirtd_client_event_drops_total").append(labels).append(d).append('\n');
                }
            }
            sb.append("jvirtd_event_queue_events{server=\"").append(server).append("\"} ").append(total).append('\n');
            maxLag.append("jvirtd_event_lag_seconds_max{server=\"").append(server).append("\"} ").append(plain(max / 1e9))
                    .append('\n');
        }
        header(sb, "jvirtd_event_lag_seconds_max", "gauge",
                "Age of the oldest event a client of this server has not received yet.");
        sb.append(maxLag);
        header(sb, "jvirtd_client_event_lag_seconds", "gauge",
                "Age of the oldest event this client has not received (clients " + LAGGING_SECONDS
                        + " s behind or with drops only).");
        sb.append(lag);
        header(sb, "jvirtd_client_event_queue_events", "gauge",
                "Events waiting for this client (clients " + LAGGING_SECONDS + " s behind or with drops only).");
        sb.append(waiting);
        header(sb, "jvirtd_client_event_drops_total", "counter",
                "Events dropped for this client (clients " + LAGGING_SECONDS + " s behind or with drops only).");
        sb.append(drops);
    }

    private static void memory(StringBuilder sb, List<NetServer> servers) {
        List<ClientMemoryBudget> budgets = new ArrayList<>();
        for (NetServer srv : servers) {
            if (!budgets.contains(srv.memoryBudget())) {
                budgets.add(srv.memoryBudget());
            }
        }
        header(sb, "jvirtd_client_memory_bytes", "gauge",
                "Bytes clients make the daemon hold: messages being read or served, unwritten output.");
        for (ClientMemoryBudget b : budgets) {
            sb.append("jvirtd_client_memory_bytes{share=\"all\"} ").append(b.heldBytes()).append('\n');
            sb.append("jvirtd_client_memory_bytes{share=\"restricted\"} ").append(b.restrictedHeldBytes()).append('\n');
        }
        header(sb, "jvirtd_client_memory_limit_bytes", "gauge",
                "client_memory_budget (all) and client_memory_budget_restricted (clients before CONNECT_OPEN, read-only clients).");
        for (ClientMemoryBudget b : budgets) {
            sb.append("jvirtd_client_memory_limit_bytes{share=\"all\"} ").append(b.settings().limit()).append('\n');
            sb.append("jvirtd_client_memory_limit_bytes{share=\"restricted\"} ").append(b.settings().restrictedLimit())
                    .append('\n');
        }
        header(sb, "jvirtd_client_memory_drops_total", "counter",
                "Clients dropped to keep the daemon within its client memory budget, by reason.");
        for (NetServer srv : servers) {
            for (ServerStats.MemoryDrop why : ServerStats.MemoryDrop.values()) {
                sb.append("jvirtd_client_memory_drops_total{server=\"").append(escape(srv.name())).append("\",reason=\"")
                        .append(why.label()).append("\"} ").append(srv.stats().memoryDrops(why)).append('\n');
            }
        }
        serverValue(sb, servers, "jvirtd_client_memory_waits_total", "counter",
                "Times an opened client was not read until its large message fitted in the budget.",
                srv -> srv.stats().memoryWaits());
        serverValue(sb, servers, "jvirtd_stream_packet_buffers_in_use", "gauge",
                "Pooled direct buffers holding stream data packets now (uploads' read, downloads' unwritten).",
                srv -> srv.framePool().inUse());
        serverValue(sb, servers, "jvirtd_stream_packet_buffers_idle", "gauge",
                "Pooled direct buffers kept for the next stream data packets.", srv -> srv.framePool().idle());
    }

    private static void calls(StringBuilder sb, List<NetServer> servers, List<ProgramNames> programs) {
        StringBuilder counts = new StringBuilder();
        StringBuilder hist = new StringBuilder();
        for (NetServer srv : servers) {
            srv.stats().forEachProcedure((program, procedure, calls, sumNanos, buckets) -> {
                String labels = "server=\"" + escape(srv.name()) + "\",program=\"" + escape(programName(programs, program))
                        + "\",procedure=\"" + escape(procedureName(programs, program, procedure)) + "\"";
                counts.append("jvirtd_rpc_calls_total{").append(labels).append("} ").append(calls).append('\n');
                long cumulative = 0;
                for (int i = 0; i < buckets.length; i++) {
                    cumulative += buckets[i];
                    hist.append("jvirtd_rpc_call_duration_seconds_bucket{").append(labels).append(",le=\"")
                            .append(i < BOUNDS.length ? plain(BOUNDS[i]) : "+Inf").append("\"} ")
                            .append(cumulative).append('\n');
                }
                hist.append("jvirtd_rpc_call_duration_seconds_sum{").append(labels).append("} ")
                        .append(plain(sumNanos / 1e9)).append('\n');
                hist.append("jvirtd_rpc_call_duration_seconds_count{").append(labels).append("} ")
                        .append(calls).append('\n');
            });
        }
        header(sb, "jvirtd_rpc_calls_total", "counter", "Calls served, by program and procedure.");
        sb.append(counts);
        header(sb, "jvirtd_rpc_call_duration_seconds", "histogram",
                "Time from a call being queued for a worker to its reply being queued.");
        sb.append(hist);
    }

    private static String programName(List<ProgramNames> programs, int program) {
        for (ProgramNames p : programs) {
            if (p.program() == program) {
                return p.name();
            }
        }
        return "0x" + Integer.toHexString(program);
    }

    private static String procedureName(List<ProgramNames> programs, int program, int procedure) {
        if (procedure == 0) {
            return "other"; // numbers past ServerStats.MAX_PROCEDURE share slot 0
        }
        for (ProgramNames p : programs) {
            if (p.program() == program) {
                String n = p.procedure().apply(procedure);
                return n != null ? n : Integer.toString(procedure);
            }
        }
        return Integer.toString(procedure);
    }

    private static void poolGauge(StringBuilder sb, List<NetServer> servers, String name, String help,
                                  ToLongFunction<WorkerPool> value) {
        serverValue(sb, servers, name, "gauge", help, srv -> value.applyAsLong(srv.pool()));
    }

    private static void serverValue(StringBuilder sb, List<NetServer> servers, String name, String type, String help,
                                    ToLongFunction<NetServer> value) {
        header(sb, name, type, help);
        for (NetServer srv : servers) {
            sb.append(name).append("{server=\"").append(escape(srv.name())).append("\"} ")
                    .append(value.applyAsLong(srv)).append('\n');
        }
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
