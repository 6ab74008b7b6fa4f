/*
 * lvbench - a closed-loop benchmark through libvirt's own C client library (libvirt.so and
 * its remote driver), i.e. what a real management application pays per call.
 *
 * --threads threads share --conns connections (thread i uses connection i % conns) and each
 * runs one operation after another: --warmup seconds unmeasured, then --seconds measured. An
 * operation is timed from before its first API call to after its last.
 *
 *   version  virConnectGetLibVersion
 *   lookup   virDomainLookupByName(--domain) + virDomainGetInfo + virDomainFree
 *   xml      virDomainGetXMLDesc of --domain, looked up once per thread beforehand
 *   list     virConnectListAllDomains and virDomainFree of each; with --domains N, N more
 *            domains lvbench-<pid>-d<i> are defined first (--transient: started as transient
 *            domains) and removed at the end
 *   domstats virConnectGetAllDomainStats of the running domains (the groups state, cpu-total,
 *            balloon, vcpu, interface, block, as a monitoring agent asks every few seconds) and
 *            virDomainStatsRecordListFree; start the guests beforehand
 *            (bench/qemu/domstats-guests.py). "records" is the fewest records a call returned.
 *   connect  virConnectOpen + virConnectGetLibVersion + virConnectClose, on a new connection
 *            each time (--conns does not apply). One more connection stays open throughout
 *            unless --no-keeper: libvirtd builds test:///default afresh whenever its last
 *            connection closed, and a run of one thread would mostly measure that.
 *   events   one control connection suspends and resumes a transient domain
 *            lvbench-<pid>-ev0, one call after the other (--threads does not apply), while
 *            --conns listener connections each count its lifecycle events. ops and latency
 *            are those of the suspend/resume calls; ev_* are the delivery latencies, from the
 *            start of the call that caused an event to its callback in the listener;
 *            ev_first_* and ev_last_* those of each toggle's first and last delivery (of the
 *            toggles that reached every listener): a tail in ev_first_ delays whole toggles
 *            (a pause, a late wake-up), one only in ev_last_ is the fan-out to the listeners;
 *            ev_spread_* is that fan-out alone (last minus first delivery of a toggle): with
 *            every listener in one process, mostly the time libvirt's one event-loop thread
 *            takes to run the callbacks one after the other, which no daemon can shorten.
 *            --rate R makes it open loop: toggle k starts at k / R s whatever the replies do.
 *            --procs P spreads the listener connections over P processes (forked, each with
 *            its own libvirt event loop): in one process every callback runs on that one
 *            thread, which at high rates is the slowest stage of a delivery.
 *            --listeners-apart forks them even with --procs 1: all 64 still on one event
 *            loop, but not the toggler's. In one process the toggler's connection is a source
 *            of that same loop: each call takes its socket out of the loop and puts it back
 *            afterwards (virNetClientIOUpdateCallback), a new GLib source that wakes the loop,
 *            and the toggler's thread writes ~13 eventfd wake-ups per call (perf trace); when
 *            the reply comes after the events (jvirtd), that lands among the callbacks.
 *            --slow-listener HOST:PORT or unix:PATH adds one more listener that speaks the wire protocol
 *            itself (AUTH_LIST, CONNECT_OPEN test:///default, CALLBACK_REGISTER_ANY for the
 *            lifecycle of every domain) on its own thread, so that it alone can stop reading:
 *            with --stall S it reads nothing for S seconds from 1 s into the measured window,
 *            then reads on. --slow-process runs it in a process of its own (another
 *            application, as in a real deployment) instead of a thread of this one, where
 *            its catch-up after the stall takes CPU from the event loop that runs the other
 *            listeners' callbacks (slow_cpu_pct: that process's CPU, not in cli_cpu_pct).
 *            On TCP its socket's receive buffer is 32 KiB; still, the daemon's
 *            send buffer (autotuned up to net.ipv4.tcp_wmem's maximum, 4 MiB) absorbs the
 *            first MiBs of a backlog. A unix socket buffers ~200 KiB (net.core.wmem_default),
 *            so there a backlog reaches the daemon's own queue within seconds. slow_* report what it received: every event, or how many were
 *            lost, whether they came in the toggles' order (suspended and resumed
 *            alternating: slow_order_breaks counts two alike in a row), its longest wait
 *            between two events, and its delivery latency (k-th event = k-th toggle; only
 *            meaningful when none was lost). ev_before_stall_*, ev_during_stall_* and
 *            ev_after_stall_* split the other listeners' deliveries by when their toggle
 *            started (before the stall, during it, after it: the slow one's catch-up and on),
 *            so that a stall's effect on them is seen apart from its catch-up.
 *
 * One JSON line on stdout: mode uri threads conns seconds ops ops_per_s p50_us p99_us p999_us
 * max_us errors cli_cpu_pct srv_cpu_pct host_cpu_pct ncpu, plus domains (list), keeper
 * (connect), events_expected events_received events_per_s ev_p50_us .. ev_max_us,
 * ev_first_p50_us .. ev_first_max_us, ev_last_p50_us .. ev_last_max_us, ev_spread_p50_us ..
 * ev_spread_max_us (events),
 * slow_stall_s slow_events_received slow_order_breaks slow_max_gap_ms slow_ev_p50_us ..,
 * ev_{before,during,after}_stall_count and _p50_us .. (events with --slow-listener).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "measure.h"
#include "wire.h"

enum mode { VERSION, LOOKUP, XML, LIST, CONNECT, DOMSTATS, EVENTS, MODES };
static const char *const mode_name[MODES] = {
    "version", "lookup", "xml", "list", "connect", "domstats", "events",
};

static struct {
    const char *uri;
    int mode;
    int threads, conns;
    double seconds, warmup;
    const char *domain;
    int extra_domains;
    bool transient;
    bool no_keeper;
    pid_t daemon;
    double rate;        /* events: toggles per second, 0 = one after the other */
    const char *slow_addr;  /* events: HOST:PORT of the raw slow listener, NULL = none */
    double stall;       /* events: seconds the slow listener reads nothing */
    int procs;          /* events: processes the listeners are spread over (1: this one) */
    bool slow_process;  /* events: the slow listener in a process of its own */
    bool listeners_apart;   /* events: the listeners in --procs processes apart from the toggler's */
} opt = {
    .mode = -1, .threads = 1, .conns = 1, .seconds = 5, .warmup = 1, .domain = "test", .procs = 1,
};

static atomic_bool interrupted;
static uint64_t window_start_ns, window_end_ns;
static atomic_int complaints;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&interrupted, true);
}

/* libvirt would print every error itself; this tool prints the first few with context. */
static void no_error_printing(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static void complain(const char *call)
{
    if (atomic_fetch_add(&complaints, 1) < 5)
        fprintf(stderr, "lvbench: %s failed: %s\n", call, virGetLastErrorMessage());
}

/* Sleeps until a CLOCK_MONOTONIC instant, waking every 100 ms to notice a signal. */
static void sleep_until(uint64_t when_ns)
{
    for (;;) {
        uint64_t now = clock_ns();
        if (now >= when_ns || atomic_load(&interrupted))
            return;
        uint64_t step = when_ns - now < NS_PER_S / 10 ? when_ns - now : NS_PER_S / 10;
        struct timespec ts = { (time_t)(step / NS_PER_S), (long)(step % NS_PER_S) };
        nanosleep(&ts, NULL);
    }
}

static void set_window(void)
{
    window_start_ns = clock_ns() + seconds_to_ns(opt.warmup);
    window_end_ns = window_start_ns + seconds_to_ns(opt.seconds);
}

static virConnectPtr connect_or_complain(void)
{
    virConnectPtr c = virConnectOpen(opt.uri);
    if (!c)
        fprintf(stderr, "lvbench: cannot connect to %s: %s\n", opt.uri,
                virGetLastErrorMessage());
    return c;
}

static void print_common(int threads, int conns, uint64_t ops, uint64_t errors,
                         const struct latency *lat, const struct cpu_window *cpu)
{
    json_begin();
    json_str("mode", mode_name[opt.mode]);
    json_str("uri", opt.uri);
    json_int("threads", threads);
    json_int("conns", conns);
    json_num("seconds", opt.seconds, 1);
    json_int("ops", (long long)ops);
    json_num("ops_per_s", (double)ops / opt.seconds, 0);
    json_latency("", lat);
    json_int("errors", (long long)errors);
    json_cpu(cpu);
}

/* ---- domains the run makes for itself ---------------------------------------------------- */

static void own_domain_name(char *out, size_t len, const char *kind, int i)
{
    snprintf(out, len, "lvbench-%ld-%s%d", (long)getpid(), kind, i);
}

static char *minimal_domain_xml(const char *name)
{
    char *xml;
    if (asprintf(&xml, "<domain type='test'><name>%s</name>"
                       "<memory unit='KiB'>8192</memory><vcpu>1</vcpu>"
                       "<os><type>hvm</type></os></domain>", name) < 0)
        abort();
    return xml;
}

/* Defines (or starts, when transient) n domains; returns how many it made. */
static int make_domains(virConnectPtr c, int n, bool transient)
{
    for (int i = 0; i < n; i++) {
        char name[96];
        own_domain_name(name, sizeof(name), "d", i);
        char *xml = minimal_domain_xml(name);
        virDomainPtr d = transient ? virDomainCreateXML(c, xml, 0) : virDomainDefineXML(c, xml);
        free(xml);
        if (!d) {
            complain(transient ? "virDomainCreateXML" : "virDomainDefineXML");
            return i;
        }
        virDomainFree(d);
    }
    return n;
}

static void remove_domains(virConnectPtr c, int n, bool transient)
{
    for (int i = 0; i < n; i++) {
        char name[96];
        own_domain_name(name, sizeof(name), "d", i);
        virDomainPtr d = virDomainLookupByName(c, name);
        if (!d)
            continue;
        if ((transient ? virDomainDestroy(d) : virDomainUndefine(d)) < 0)
            complain(transient ? "virDomainDestroy" : "virDomainUndefine");
        virDomainFree(d);
    }
}

/* ---- the request modes ------------------------------------------------------------------ */

struct worker {
    pthread_t thread;
    virConnectPtr conn;
    virDomainPtr dom;   /* xml */
    uint64_t ops, errors;
    struct latency lat;
};

static int op_version(struct worker *w)
{
    unsigned long v;
    if (virConnectGetLibVersion(w->conn, &v) < 0) {
        complain("virConnectGetLibVersion");
        return -1;
    }
    return 0;
}

static int op_lookup(struct worker *w)
{
    virDomainPtr d = virDomainLookupByName(w->conn, opt.domain);
    if (!d) {
        complain("virDomainLookupByName");
        return -1;
    }
    virDomainInfo info;
    int rc = virDomainGetInfo(d, &info);
    if (rc < 0)
        complain("virDomainGetInfo");
    virDomainFree(d);
    return rc;
}

static int op_xml(struct worker *w)
{
    char *xml = virDomainGetXMLDesc(w->dom, 0);
    if (!xml) {
        complain("virDomainGetXMLDesc");
        return -1;
    }
    free(xml);
    return 0;
}

static int op_list(struct worker *w)
{
    virDomainPtr *doms;
    int n = virConnectListAllDomains(w->conn, &doms, 0);
    if (n < 0) {
        complain("virConnectListAllDomains");
        return -1;
    }
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    if (n < opt.extra_domains) {
        fprintf(stderr, "lvbench: the list has %d domains, at least %d expected\n", n,
                opt.extra_domains);
        return -1;
    }
    return 0;
}

static int op_connect(struct worker *w)
{
    (void)w;
    virConnectPtr c = virConnectOpen(opt.uri);
    if (!c) {
        complain("virConnectOpen");
        return -1;
    }
    unsigned long v;
    int rc = virConnectGetLibVersion(c, &v);
    if (rc < 0)
        complain("virConnectGetLibVersion");
    if (virConnectClose(c) < 0)
        rc = -1;
    return rc;
}

static atomic_int fewest_records = INT32_MAX;

static int op_domstats(struct worker *w)
{
    virDomainStatsRecordPtr *recs = NULL;
    unsigned int groups = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |
                          VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK;
    int n = virConnectGetAllDomainStats(w->conn, groups, &recs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
    if (n < 0) {
        complain("virConnectGetAllDomainStats");
        return -1;
    }
    virDomainStatsRecordListFree(recs);
    for (int f = atomic_load(&fewest_records); n < f && !atomic_compare_exchange_weak(&fewest_records, &f, n);)
        ;
    return 0;
}

static int (*const operation[])(struct worker *) = {
    [VERSION] = op_version, [LOOKUP] = op_lookup, [XML] = op_xml,
    [LIST] = op_list, [CONNECT] = op_connect, [DOMSTATS] = op_domstats,
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    int (*op)(struct worker *) = operation[opt.mode];
    for (;;) {
        uint64_t t0 = clock_ns();
        if (t0 >= window_end_ns || atomic_load_explicit(&interrupted, memory_order_relaxed))
            return NULL;
        int rc = op(w);
        uint64_t t1 = clock_ns();
        if (t0 < window_start_ns)
            continue;   /* warm-up */
        if (rc < 0) {
            w->errors++;
        } else {
            w->ops++;
            latency_record(&w->lat, t1 - t0);
        }
    }
}

static int run_requests(void)
{
    int nconns = opt.mode == CONNECT ? 0 : opt.conns;
    virConnectPtr *conns = calloc((size_t)opt.conns, sizeof(*conns));
    struct worker *workers = calloc((size_t)opt.threads, sizeof(*workers));
    struct latency *lat = calloc(1, sizeof(*lat));
    virConnectPtr setup = NULL;   /* makes the extra domains; the keeper in connect mode */
    int made = 0, started = 0, rc = 1;
    if (!conns || !workers || !lat) {
        perror("lvbench: calloc");
        return 1;
    }

    bool need_setup = (opt.mode == LIST && opt.extra_domains > 0) ||
                      (opt.mode == CONNECT && !opt.no_keeper);
    if (need_setup && !(setup = connect_or_complain()))
        goto done;
    if (opt.mode == LIST && opt.extra_domains > 0) {
        made = make_domains(setup, opt.extra_domains, opt.transient);
        if (made < opt.extra_domains)
            goto done;
    }
    for (int i = 0; i < nconns; i++)
        if (!(conns[i] = connect_or_complain()))
            goto done;
    for (int i = 0; i < opt.threads; i++) {
        struct worker *w = &workers[i];
        w->conn = nconns ? conns[i % nconns] : NULL;
        if (opt.mode == XML && !(w->dom = virDomainLookupByName(w->conn, opt.domain))) {
            complain("virDomainLookupByName");
            goto done;
        }
    }

    set_window();
    for (; started < opt.threads; started++)
        if (pthread_create(&workers[started].thread, NULL, worker_run, &workers[started])) {
            perror("lvbench: pthread_create");
            atomic_store(&interrupted, true);
            break;
        }
    struct cpu_window cpu;
    sleep_until(window_start_ns);
    cpu_window_open(&cpu, opt.daemon);
    sleep_until(window_end_ns);
    cpu_window_close(&cpu);

    uint64_t ops = 0, errors = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(workers[i].thread, NULL);
        latency_add(lat, &workers[i].lat);
        ops += workers[i].ops;
        errors += workers[i].errors;
    }
    print_common(opt.threads, nconns, ops, errors, lat, &cpu);
    if (opt.mode == LIST)
        json_int("domains", opt.extra_domains);
    if (opt.mode == CONNECT)
        json_bool("keeper", !opt.no_keeper);
    if (opt.mode == DOMSTATS)
        json_int("records", atomic_load(&fewest_records) == INT32_MAX ? 0 : atomic_load(&fewest_records));
    json_end();
    rc = started == opt.threads && !atomic_load(&interrupted) ? 0 : 1;

done:
    for (int i = 0; i < opt.threads; i++)
        if (workers[i].dom)
            virDomainFree(workers[i].dom);
    for (int i = 0; i < nconns; i++)
        if (conns[i])
            virConnectClose(conns[i]);
    if (setup) {
        remove_domains(setup, made, opt.transient);
        virConnectClose(setup);
    }
    free(conns);
    free(workers);
    free(lat);
    return rc;
}

/* ---- events ------------------------------------------------------------------------------ */
/*
 * Events of one domain arrive in order, one per toggle, so a listener's k-th event belongs to
 * toggle k. The toggler writes each toggle's start into a ring before it makes the call; the
 * callbacks (on libvirt's event-loop thread, one per listening process) read it back. A
 * slot carries its toggle number, so a listener that fell a whole ring behind records nothing
 * wrong. The ring and the listeners are in memory shared with the listening processes
 * (--procs).
 */
#define RING 65536

/* What the toggler and the listening processes share (see --procs below). */
static struct ev_shared {
    _Atomic int domain_ready;   /* the toggler created the domain; its name is in name */
    _Atomic int ready;          /* processes whose listeners are registered */
    _Atomic int failed;         /* a process could not set its listeners up */
    _Atomic int quit;           /* the toggler is done: deregister and exit */
    _Atomic int slow_ready;     /* --slow-process: its listener is registered */
    _Atomic int slow_go;        /* --slow-process: the stall's times are set, read on */
    _Atomic uint64_t stall_from_ns, stall_until_ns;  /* the slow listener's stall; 0: none */
    char name[96];
} *shared;

static struct toggle {
    _Atomic uint64_t number_plus_one;   /* 0: never written */
    uint64_t start_ns;
    bool measured;
    /* written by the listeners: its first and last delivery, and how many */
    _Atomic uint64_t first_ns, last_ns;
    _Atomic uint32_t delivered;
} *ring;

struct listener {
    virConnectPtr conn;
    virDomainPtr dom;
    int callback;
    _Atomic uint64_t seen;      /* written by the event-loop thread only */
    struct latency lat;         /* deliveries of measured toggles */
    /* the same split by when the toggle started, with a slow listener: before its stall,
       during it, after it (the catch-up and on) */
    struct latency phase[3];
};

static atomic_bool loop_quit;

static void loop_tick(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;   /* only makes the loop below look at loop_quit every 100 ms */
}

static void *event_loop(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "lv-evloop");   /* for perf sched, top -H */
    while (!atomic_load(&loop_quit))
        if (virEventRunDefaultImpl() < 0) {
            complain("virEventRunDefaultImpl");
            break;
        }
    return NULL;
}

static void on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
                         void *opaque)
{
    (void)conn;
    (void)dom;
    (void)detail;
    struct listener *l = opaque;
    if (event != VIR_DOMAIN_EVENT_SUSPENDED && event != VIR_DOMAIN_EVENT_RESUMED)
        return;
    uint64_t k = atomic_load_explicit(&l->seen, memory_order_relaxed);
    struct toggle *t = &ring[k % RING];
    if (atomic_load_explicit(&t->number_plus_one, memory_order_acquire) == k + 1 && t->measured) {
        uint64_t now = clock_ns();
        latency_record(&l->lat, now - t->start_ns);
        uint64_t from = atomic_load_explicit(&shared->stall_from_ns, memory_order_relaxed);
        if (from != 0) {
            uint64_t until = atomic_load_explicit(&shared->stall_until_ns, memory_order_relaxed);
            latency_record(&l->phase[t->start_ns < from ? 0 : t->start_ns < until ? 1 : 2], now - t->start_ns);
        }
        if (atomic_fetch_add_explicit(&t->delivered, 1, memory_order_relaxed) == 0)
            atomic_store_explicit(&t->first_ns, now, memory_order_relaxed);
        uint64_t last = atomic_load_explicit(&t->last_ns, memory_order_relaxed);
        while (last < now && !atomic_compare_exchange_weak_explicit(&t->last_ns, &last, now,
                                                                    memory_order_relaxed, memory_order_relaxed))
            ;
    }
    atomic_store_explicit(&l->seen, k + 1, memory_order_relaxed);
}

/* ---- listening processes (--procs) ------------------------------------------------------ */
/*
 * libvirt's client runs every callback of a process on its one event-loop thread, so with 64
 * listeners in one process that thread is a stage every delivery passes through, in turn; at
 * high rates it is the slowest one (it costs more per event than a daemon does). --procs P
 * spreads the listeners over P processes forked at the start, each with its own event loop;
 * the toggler stays here. What they share is in anonymous shared memory.
 */

static void *shared_alloc(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Registers lifecycle callbacks for the domain on a connection of its own for each of ls[0..n). */
static bool listeners_open(struct listener *ls, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        struct listener *l = &ls[i];
        if (!(l->conn = connect_or_complain()))
            return false;
        if (!(l->dom = virDomainLookupByName(l->conn, name))) {
            complain("virDomainLookupByName");
            return false;
        }
        l->callback = virConnectDomainEventRegisterAny(l->conn, l->dom,
                                                       VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                       VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
                                                       l, NULL);
        if (l->callback < 0) {
            complain("virConnectDomainEventRegisterAny");
            return false;
        }
    }
    return true;
}

static void listeners_close(struct listener *ls, int n)
{
    for (int i = 0; i < n; i++) {
        struct listener *l = &ls[i];
        if (l->callback >= 0)
            virConnectDomainEventDeregisterAny(l->conn, l->callback);
        if (l->dom)
            virDomainFree(l->dom);
        if (l->conn)
            virConnectClose(l->conn);
        l->callback = -1;
        l->dom = NULL;
        l->conn = NULL;
    }
}

/* A listening process: ls[0..n) on an event loop of its own until the toggler says quit. */
static int listening_process(struct listener *ls, int n)
{
    pthread_t loop;
    bool ok = false, loop_running = false;
    while (!atomic_load(&shared->domain_ready) && !atomic_load(&shared->quit))
        usleep(1000);
    if (atomic_load(&shared->quit))
        return 0;
    if (virEventRegisterDefaultImpl() < 0 || virEventAddTimeout(100, loop_tick, NULL, NULL) < 0)
        complain("setting up the event loop");
    else if (pthread_create(&loop, NULL, event_loop, NULL) != 0)
        perror("lvbench: pthread_create");
    else {
        loop_running = true;
        ok = listeners_open(ls, n, shared->name);
    }
    if (ok)
        atomic_fetch_add(&shared->ready, 1);
    else
        atomic_store(&shared->failed, 1);
    while (ok && !atomic_load(&shared->quit))
        usleep(10000);
    listeners_close(ls, n);
    if (loop_running) {
        atomic_store(&loop_quit, true);
        pthread_join(loop, NULL);
    }
    return ok ? 0 : 1;
}

/* CPU seconds of the listening processes so far. */
static double processes_cpu_s(const pid_t *pids, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double c = pids[i] > 0 ? process_cpu_s(pids[i]) : -1;
        if (c > 0)
            sum += c;
    }
    return sum;
}

/* ---- the slow listener: the wire protocol on a socket of its own ------------------------ */

#define SLOW_RCVBUF (32 * 1024)

struct slow_listener {
    int fd;
    pthread_t thread;
    const char *domain;         /* only this domain's events count */
    uint64_t stall_from_ns, stall_until_ns;
    _Atomic uint64_t seen;      /* events of the domain received */
    uint64_t order_breaks, max_gap_ns, last_ns;
    int last_event;
    struct latency lat;
    unsigned char *buf;
    size_t start, have, cap;    /* unread bytes are buf[start..have) */
};

static atomic_bool slow_quit;

static int slow_connect(const char *addr)
{
    if (strncmp(addr, "unix:", 5) == 0) {
        struct sockaddr_un sun = { .sun_family = AF_UNIX };
        if (strlen(addr + 5) >= sizeof(sun.sun_path)) {
            fprintf(stderr, "lvbench: socket path too long: %s\n", addr + 5);
            return -1;
        }
        strcpy(sun.sun_path, addr + 5);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
            perror("lvbench: slow listener connect");
            if (fd >= 0)
                close(fd);
            return -1;
        }
        return fd;
    }
    char host[256];
    const char *colon = strrchr(addr, ':');
    if (!colon || (size_t)(colon - addr) >= sizeof(host)) {
        fprintf(stderr, "lvbench: --slow-listener wants HOST:PORT, not '%s'\n", addr);
        return -1;
    }
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = 0;
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) {
        fprintf(stderr, "lvbench: cannot resolve %s\n", addr);
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    /* A small receive window, set before connect: a stalled reader's backlog then waits in
     * the daemon (where its bound and metrics are) rather than in this host's socket buffers. */
    int rcvbuf = SLOW_RCVBUF;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        perror("lvbench: slow listener connect");
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static bool write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads one whole message; it starts at slow_frame(l) (length word included). Returns its
 * length, 0 on EOF or error, -1 when nothing came within timeout_ms. Messages are consumed by
 * moving l->start past them, and only an incomplete one is ever moved to the front: a catch-up
 * read of 64 KiB holds ~650 events, and moving the rest of the buffer down after each of them
 * (as this did before) cost the reader ~20 MB of memmove per read, CPU taken from the other
 * listeners' event loop in this process. */
static long slow_read_frame(struct slow_listener *l, int timeout_ms)
{
    for (;;) {
        size_t avail = l->have - l->start;
        if (avail >= 4) {
            size_t len = xdr_get_u32(l->buf + l->start);
            if (len < WIRE_PREFIX || len > WIRE_MAX)
                return 0;
            if (avail >= len)
                return (long)len;
            if (l->start + len > l->cap) {  /* make room: the incomplete message to the front */
                memmove(l->buf, l->buf + l->start, avail);
                l->start = 0;
                l->have = avail;
            }
            if (len > l->cap) {
                unsigned char *b = realloc(l->buf, len);
                if (!b)
                    return 0;
                l->buf = b;
                l->cap = len;
            }
        } else if (l->start > 0) {  /* less than a length word left: to the front */
            memmove(l->buf, l->buf + l->start, avail);
            l->start = 0;
            l->have = avail;
        }
        struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
        int r = poll(&pfd, 1, timeout_ms);
        if (r == 0)
            return -1;
        if (r < 0)
            return 0;
        ssize_t n = read(l->fd, l->buf + l->have, l->cap - l->have);
        if (n <= 0)
            return 0;
        l->have += (size_t)n;
    }
}

static unsigned char *slow_frame(struct slow_listener *l)
{
    return l->buf + l->start;
}

static void slow_consume(struct slow_listener *l, size_t len)
{
    l->start += len;
    if (l->start == l->have)
        l->start = l->have = 0;
}

/* A call with `body` and its reply, which must be OK; events before it are skipped. */
static bool slow_call(struct slow_listener *l, uint32_t proc, uint32_t serial,
                      const unsigned char *body, size_t n)
{
    unsigned char msg[512];
    if (WIRE_PREFIX + n > sizeof(msg))
        return false;
    wire_put_header(msg, (uint32_t)(WIRE_PREFIX + n), proc, WIRE_CALL, serial, WIRE_OK);
    memcpy(msg + WIRE_PREFIX, body, n);
    if (!write_all(l->fd, msg, WIRE_PREFIX + n))
        return false;
    for (;;) {
        long len = slow_read_frame(l, 10000);
        if (len <= 0)
            return false;
        struct wire_header h = wire_get_header(slow_frame(l));
        slow_consume(l, (size_t)len);
        if (h.type == WIRE_REPLY && h.serial == serial)
            return h.status == WIRE_OK;
    }
}

static bool slow_open(struct slow_listener *l, const char *addr)
{
    l->cap = 64 * 1024;
    if (!(l->buf = malloc(l->cap)) || (l->fd = slow_connect(addr)) < 0)
        return false;
    unsigned char body[64];
    static const char uri[] = "test:///default";
    xdr_u32(body, 1);                                   /* remote_string: present */
    size_t n = 4 + xdr_string(body + 4, uri, sizeof(uri) - 1);
    xdr_u32(body + n, 0);                               /* flags */
    unsigned char reg[8];
    xdr_u32(reg, 0);                                    /* VIR_DOMAIN_EVENT_ID_LIFECYCLE */
    xdr_u32(reg + 4, 0);                                /* no domain: every domain */
    if (!slow_call(l, PROC_AUTH_LIST, 1, NULL, 0) || !slow_call(l, PROC_CONNECT_OPEN, 2, body, n + 4) ||
        !slow_call(l, PROC_CALLBACK_REGISTER_ANY, 3, reg, sizeof(reg))) {
        fprintf(stderr, "lvbench: the slow listener's handshake failed\n");
        return false;
    }
    l->last_event = -1;
    return true;
}

/* One lifecycle event of our domain: pairs it with its toggle as on_lifecycle does. */
static void slow_event(struct slow_listener *l, const unsigned char *body, size_t n)
{
    /* callback id, remote_nonnull_domain (name, uuid[16], id), event, detail */
    if (n < 8)
        return;
    size_t name_len = xdr_get_u32(body + 4);
    size_t at = 8 + xdr_string_size(name_len) - 4;
    if (at + 16 + 4 + 8 > n || name_len != strlen(l->domain) || memcmp(body + 8, l->domain, name_len) != 0)
        return;
    int event = (int)xdr_get_u32(body + at + 20);
    if (event != VIR_DOMAIN_EVENT_SUSPENDED && event != VIR_DOMAIN_EVENT_RESUMED)
        return;
    uint64_t now = clock_ns();
    if (l->last_event == event)
        l->order_breaks++;
    if (l->last_ns && now - l->last_ns > l->max_gap_ns)
        l->max_gap_ns = now - l->last_ns;
    l->last_ns = now;
    l->last_event = event;
    uint64_t k = atomic_load_explicit(&l->seen, memory_order_relaxed);
    struct toggle *t = &ring[k % RING];
    if (atomic_load_explicit(&t->number_plus_one, memory_order_acquire) == k + 1 && t->measured)
        latency_record(&l->lat, now - t->start_ns);
    atomic_store_explicit(&l->seen, k + 1, memory_order_relaxed);
}

static void *slow_main(void *arg)
{
    struct slow_listener *l = arg;
    pthread_setname_np(pthread_self(), "lv-slow");
    while (!atomic_load(&slow_quit) && !atomic_load(&shared->quit)) {
        uint64_t now = clock_ns();
        if (l->stall_until_ns > now && now >= l->stall_from_ns) {
            sleep_until(l->stall_until_ns);   /* the stall: not a byte read meanwhile */
            continue;
        }
        long len = slow_read_frame(l, 100);
        if (len == 0) {
            fprintf(stderr, "lvbench: the slow listener's connection ended\n");
            break;
        }
        if (len < 0)
            continue;
        struct wire_header h = wire_get_header(slow_frame(l));
        if (h.type == WIRE_MESSAGE && h.proc == PROC_CALLBACK_LIFECYCLE)
            slow_event(l, slow_frame(l) + WIRE_PREFIX, (size_t)len - WIRE_PREFIX);
        slow_consume(l, (size_t)len);
    }
    return NULL;
}

/* --slow-process: the slow listener in a process of its own, as another management
 * application would be, so that its catch-up takes no CPU from this process's event loop. */
static int slow_process(struct slow_listener *l, const char *addr)
{
    while (!atomic_load(&shared->domain_ready) && !atomic_load(&shared->quit))
        usleep(1000);
    if (atomic_load(&shared->quit))
        return 0;
    l->domain = shared->name;
    if (!slow_open(l, addr)) {
        atomic_store(&shared->failed, 1);
        return 1;
    }
    atomic_store(&shared->slow_ready, 1);
    while (!atomic_load(&shared->slow_go) && !atomic_load(&shared->quit))
        usleep(1000);
    l->stall_from_ns = atomic_load(&shared->stall_from_ns);
    l->stall_until_ns = atomic_load(&shared->stall_until_ns);
    slow_main(l);
    close(l->fd);
    return 0;
}

static int run_events(void)
{
    int nl = opt.conns;
    int np = opt.procs;
    bool forked = np > 1 || opt.listeners_apart;  /* listeners in child processes */
    struct listener *ls = shared_alloc((size_t)nl * sizeof(*ls));
    pid_t *children = calloc((size_t)np, sizeof(*children));
    double children_cpu0 = 0;
    ring = shared_alloc(RING * sizeof(*ring));
    shared = shared_alloc(sizeof(*shared));
    struct latency *toggle_lat = calloc(1, sizeof(*toggle_lat));
    struct latency *delivery = calloc(1, sizeof(*delivery));
    virConnectPtr ctl = NULL;
    virDomainPtr dom = NULL;
    pthread_t loop;
    bool loop_running = false;
    uint64_t toggles = 0, ops = 0, errors = 0;
    struct cpu_window cpu;
    int rc = 1;
    char name[96];
    struct slow_listener *slow = NULL;
    bool slow_running = false;
    pid_t slow_pid = 0;
    double slow_cpu0 = 0;
    if (!ls || !children || !ring || !shared || !toggle_lat || !delivery) {
        perror("lvbench: calloc or mmap");
        return 1;
    }
    for (int i = 0; i < nl; i++)
        ls[i].callback = -1;
    if (opt.slow_addr) {    /* in shared memory when it runs in a process of its own */
        slow = opt.slow_process ? shared_alloc(sizeof(*slow)) : calloc(1, sizeof(*slow));
        if (!slow) {
            perror("lvbench: calloc or mmap");
            goto done;
        }
        slow->fd = -1;
    }
    if (slow && opt.slow_process) {
        fflush(stdout);
        if ((slow_pid = fork()) < 0) {
            perror("lvbench: fork");
            goto done;
        }
        if (slow_pid == 0)
            _exit(slow_process(slow, opt.slow_addr));
    }
    /* Forked before this process starts libvirt's threads; process p listens on its share. */
    for (int p = 0; forked && p < np; p++) {
        int from = nl * p / np, to = nl * (p + 1) / np;
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("lvbench: fork");
            goto done;
        }
        if (pid == 0)
            _exit(listening_process(ls + from, to - from));
        children[p] = pid;
    }

    if (virEventRegisterDefaultImpl() < 0 || virEventAddTimeout(100, loop_tick, NULL, NULL) < 0) {
        complain("setting up the event loop");
        goto done;
    }
    if (pthread_create(&loop, NULL, event_loop, NULL) != 0) {
        perror("lvbench: pthread_create");
        goto done;
    }
    loop_running = true;

    if (!(ctl = connect_or_complain()))
        goto done;
    own_domain_name(name, sizeof(name), "ev", 0);
    char *xml = minimal_domain_xml(name);
    dom = virDomainCreateXML(ctl, xml, 0);
    free(xml);
    if (!dom) {
        complain("virDomainCreateXML");
        goto done;
    }
    snprintf(shared->name, sizeof(shared->name), "%s", name);
    atomic_store(&shared->domain_ready, 1);
    if (!forked) {
        if (!listeners_open(ls, nl, name))
            goto done;
    } else {
        uint64_t give_up = clock_ns() + 120 * NS_PER_S;
        while (atomic_load(&shared->ready) < np && !atomic_load(&shared->failed) && clock_ns() < give_up)
            usleep(1000);
        if (atomic_load(&shared->ready) < np) {
            fprintf(stderr, "lvbench: the listening processes could not set up their listeners\n");
            goto done;
        }
    }

    if (slow && opt.slow_process) {
        uint64_t give_up = clock_ns() + 120 * NS_PER_S;
        while (!atomic_load(&shared->slow_ready) && !atomic_load(&shared->failed) && clock_ns() < give_up)
            usleep(1000);
        if (!atomic_load(&shared->slow_ready)) {
            fprintf(stderr, "lvbench: the slow listener's process could not register\n");
            goto done;
        }
    } else if (slow) {
        slow->domain = name;
        if (!slow_open(slow, opt.slow_addr))
            goto done;
    }
    set_window();
    if (slow) {
        slow->stall_from_ns = window_start_ns + NS_PER_S;
        slow->stall_until_ns = slow->stall_from_ns + seconds_to_ns(opt.stall);
        atomic_store(&shared->stall_until_ns, slow->stall_until_ns);
        atomic_store(&shared->stall_from_ns, slow->stall_from_ns);
        if (opt.slow_process) {
            atomic_store(&shared->slow_go, 1);
        } else if (pthread_create(&slow->thread, NULL, slow_main, slow) != 0) {
            perror("lvbench: pthread_create");
            goto done;
        }
        slow_running = true;
    }
    uint64_t first_ns = clock_ns();
    bool suspended = false, window_open = false;
    for (;;) {
        if (opt.rate > 0)   /* open loop: toggle k is due at first + k / rate */
            sleep_until(first_ns + (uint64_t)((double)toggles * 1e9 / opt.rate));
        uint64_t t0 = clock_ns();
        if (t0 >= window_end_ns || atomic_load(&interrupted))
            break;
        bool measured = t0 >= window_start_ns;
        if (measured && !window_open) {
            cpu_window_open(&cpu, opt.daemon);
            children_cpu0 = processes_cpu_s(children, np);
            slow_cpu0 = slow_pid > 0 ? process_cpu_s(slow_pid) : 0;
            window_open = true;
        }
        struct toggle *t = &ring[toggles % RING];
        t->start_ns = t0;
        t->measured = measured;
        t->delivered = 0;
        atomic_store_explicit(&t->number_plus_one, toggles + 1, memory_order_release);

        int r = suspended ? virDomainResume(dom) : virDomainSuspend(dom);
        uint64_t t1 = clock_ns();
        if (r < 0) {    /* no event for it: the pairing of toggles and events would break */
            complain(suspended ? "virDomainResume" : "virDomainSuspend");
            errors++;
            break;
        }
        toggles++;
        suspended = !suspended;
        if (measured) {
            ops++;
            latency_record(toggle_lat, t1 - t0);
        }
    }
    if (!window_open) {
        cpu_window_open(&cpu, opt.daemon);
        children_cpu0 = processes_cpu_s(children, np);
        slow_cpu0 = slow_pid > 0 ? process_cpu_s(slow_pid) : 0;
    }
    cpu_window_close(&cpu);
    double slow_cpu_pct = slow_pid > 0 ? 100.0 * (process_cpu_s(slow_pid) - slow_cpu0)
                                         / ((double)(clock_ns() - cpu.start_ns) / 1e9) : -1;
    if (forked) /* the tool is every process of it */
        cpu.tool_pct += 100.0 * (processes_cpu_s(children, np) - children_cpu0)
                        / ((double)(clock_ns() - cpu.start_ns) / 1e9);

    /* give the listeners up to 5 s for the events still on their way */
    uint64_t give_up = clock_ns() + 5 * NS_PER_S;
    for (bool all = false; !all && clock_ns() < give_up; usleep(10000)) {
        all = true;
        for (int i = 0; i < nl; i++)
            all &= atomic_load(&ls[i].seen) >= toggles;
        if (slow_running)
            all &= atomic_load(&slow->seen) >= toggles;
    }
    uint64_t received = 0;
    for (int i = 0; i < nl; i++) {
        received += atomic_load(&ls[i].seen);
        latency_add(delivery, &ls[i].lat);
    }

    /* per toggle that reached every listener (and is still in the ring): its first delivery
       (the daemon's and the client's fixed cost) and its last (plus the fan-out to all) */
    struct latency *first = calloc(1, sizeof(*first)), *last = calloc(1, sizeof(*last));
    struct latency *spread = calloc(1, sizeof(*spread));
    if (!first || !last || !spread) {
        perror("lvbench: calloc");
        goto done;
    }
    for (uint64_t k = toggles > RING ? toggles - RING : 0; k < toggles; k++) {
        struct toggle *t = &ring[k % RING];
        if (t->measured && t->delivered == (uint32_t)nl) {
            latency_record(first, t->first_ns - t->start_ns);
            latency_record(last, t->last_ns - t->start_ns);
            latency_record(spread, t->last_ns - t->first_ns);
        }
    }

    print_common(1, nl, ops, errors, toggle_lat, &cpu);
    json_int("events_expected", (long long)(toggles * (uint64_t)nl));
    json_int("events_received", (long long)received);
    json_num("events_per_s", (double)delivery->count / opt.seconds, 0);
    json_latency("ev_", delivery);
    json_latency("ev_first_", first);
    json_latency("ev_last_", last);
    json_latency("ev_spread_", spread);
    json_int("procs", np);
    json_bool("listeners_apart", forked);
    free(first);
    free(last);
    free(spread);
    if (slow_running) {
        json_num("slow_stall_s", opt.stall, 1);
        json_bool("slow_process", opt.slow_process);
        if (slow_pid > 0)   /* not in cli_cpu_pct: another application's */
            json_num("slow_cpu_pct", slow_cpu_pct, 1);
        json_int("slow_events_received", (long long)atomic_load(&slow->seen));
        json_int("slow_order_breaks", (long long)slow->order_breaks);
        json_num("slow_max_gap_ms", (double)slow->max_gap_ns / 1e6, 1);
        json_latency("slow_ev_", &slow->lat);
        /* the other listeners' deliveries of toggles started before, during and after the stall */
        static const char *const phase_prefix[3] = { "ev_before_stall_", "ev_during_stall_", "ev_after_stall_" };
        struct latency *ph = calloc(1, sizeof(*ph));
        for (int p = 0; ph && p < 3; p++) {
            memset(ph, 0, sizeof(*ph));
            for (int i = 0; i < nl; i++)
                latency_add(ph, &ls[i].phase[p]);
            json_int(p == 0 ? "ev_before_stall_count" : p == 1 ? "ev_during_stall_count" : "ev_after_stall_count",
                     (long long)ph->count);
            json_latency(phase_prefix[p], ph);
        }
        free(ph);
    }
    json_end();
    rc = errors == 0 && received == toggles * (uint64_t)nl ? 0 : 1;

done:
    if (shared)
        atomic_store(&shared->quit, 1);
    for (int p = 0; children && p < np; p++)
        if (children[p] > 0 && waitpid(children[p], NULL, 0) < 0)
            perror("lvbench: waitpid");
    if (slow_pid > 0 && waitpid(slow_pid, NULL, 0) < 0)   /* it saw shared->quit */
        perror("lvbench: waitpid");
    if (slow_running && !opt.slow_process) {
        atomic_store(&slow_quit, true);
        pthread_join(slow->thread, NULL);
    }
    if (slow && !opt.slow_process) {
        if (slow->fd >= 0)
            close(slow->fd);
        free(slow->buf);
        free(slow);
    }
    if (ls && !forked)
        listeners_close(ls, nl);
    if (dom) {
        if (virDomainDestroy(dom) < 0)
            complain("virDomainDestroy");
        virDomainFree(dom);
    }
    if (ctl)
        virConnectClose(ctl);
    if (loop_running) {
        atomic_store(&loop_quit, true);
        pthread_join(loop, NULL);
    }
    free(children);
    free(toggle_lat);
    free(delivery);
    return rc;
}

/* ---- command line ------------------------------------------------------------------------ */

static void usage(FILE *to)
{
    fprintf(to,
        "usage: lvbench --uri URI --mode MODE [options]\n"
        "  --mode MODE        version, lookup, xml, list, connect, domstats or events\n"
        "  --threads T        client threads (default 1; not for events)\n"
        "  --conns C          connections the threads share (default 1; connect: unused;\n"
        "                     events: listener connections)\n"
        "  --seconds S        measured seconds (default 5)\n"
        "  --warmup W         seconds before the measurement (default 1)\n"
        "  --domain NAME      domain for lookup and xml (default test)\n"
        "  --domains N        list: define N more domains first, remove them at the end\n"
        "  --transient        list: start them as transient domains instead\n"
        "  --no-keeper        connect: no extra connection held open\n"
        "  --server-pid PID   also report that process's CPU use\n"
        "  --rate R           events: R toggles per second, whatever the answers do\n"
        "  --slow-listener HOST:PORT|unix:PATH  events: one more listener, on the wire protocol\n"
        "  --stall S          events: the slow listener reads nothing for S seconds, from 1 s\n"
        "                     into the measured window (default 0: it reads all the time)\n"
        "  --procs P          events: spread the listener connections over P processes, each\n"
        "                     with its own libvirt event loop (default 1: all in this one)\n"
        "  --slow-process     events: the slow listener in a process of its own (default: a\n"
        "                     thread of the process with the libvirt listeners)\n"
        "  --listeners-apart  events: the listeners in processes of their own even with --procs 1,\n"
        "                     so that the toggler's calls do not wake their event loop\n");
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        { "uri", required_argument, NULL, 'u' },
        { "mode", required_argument, NULL, 'm' },
        { "threads", required_argument, NULL, 't' },
        { "conns", required_argument, NULL, 'c' },
        { "seconds", required_argument, NULL, 's' },
        { "warmup", required_argument, NULL, 'w' },
        { "domain", required_argument, NULL, 'd' },
        { "domains", required_argument, NULL, 'n' },
        { "transient", no_argument, NULL, 'T' },
        { "no-keeper", no_argument, NULL, 'K' },
        { "server-pid", required_argument, NULL, 'p' },
        { "rate", required_argument, NULL, 'r' },
        { "slow-listener", required_argument, NULL, 'L' },
        { "stall", required_argument, NULL, 'S' },
        { "procs", required_argument, NULL, 'P' },
        { "slow-process", no_argument, NULL, 'X' },
        { "listeners-apart", no_argument, NULL, 'A' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    for (int o; (o = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        switch (o) {
        case 'u': opt.uri = optarg; break;
        case 'm':
            for (int i = 0; i < MODES; i++)
                if (strcmp(optarg, mode_name[i]) == 0)
                    opt.mode = i;
            if (opt.mode < 0) {
                fprintf(stderr, "lvbench: no mode '%s'\n", optarg);
                return 2;
            }
            break;
        case 't': opt.threads = (int)option_long("--threads", optarg, 1, 4096); break;
        case 'c': opt.conns = (int)option_long("--conns", optarg, 1, 4096); break;
        case 's': opt.seconds = option_double("--seconds", optarg, 0.1); break;
        case 'w': opt.warmup = option_double("--warmup", optarg, 0); break;
        case 'd': opt.domain = optarg; break;
        case 'n': opt.extra_domains = (int)option_long("--domains", optarg, 0, 1000000); break;
        case 'T': opt.transient = true; break;
        case 'K': opt.no_keeper = true; break;
        case 'p': opt.daemon = (pid_t)option_long("--server-pid", optarg, 1, 1 << 30); break;
        case 'r': opt.rate = option_double("--rate", optarg, 0); break;
        case 'L': opt.slow_addr = optarg; break;
        case 'S': opt.stall = option_double("--stall", optarg, 0); break;
        case 'P': opt.procs = (int)option_long("--procs", optarg, 1, 64); break;
        case 'X': opt.slow_process = true; break;
        case 'A': opt.listeners_apart = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!opt.uri || opt.mode < 0 || optind != argc) {
        usage(stderr);
        return 2;
    }

    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (virInitialize() < 0) {
        fprintf(stderr, "lvbench: virInitialize failed\n");
        return 1;
    }
    virSetErrorFunc(NULL, no_error_printing);
    return opt.mode == EVENTS ? run_events() : run_requests();
}
