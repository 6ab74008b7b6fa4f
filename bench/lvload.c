/*
 * lvload - load on a libvirt daemon at the wire level, without libvirt's client library, so
 * that the client costs little and the daemon's own limit shows.
 *
 * Each connection does what a libvirt client with auth none does first:
 *     AUTH_LIST (66), which must offer auth none, then CONNECT_OPEN (1) of --name
 * and then, by --mode:
 *
 *   load (default)  every connection keeps --depth CONNECT_GET_LIB_VERSION (157) calls in
 *                   flight: each reply sends the next call at once. --conns connections are
 *                   spread over --threads epoll loops (default 1). After --warmup seconds,
 *                   --seconds are measured: calls/s, and per call the time from queuing it to
 *                   reading its reply.
 *   idle            opens --conns connections, at most --batch handshakes at a time, stops
 *                   opening after --max-failures failures (a daemon at max_clients leaves new
 *                   connections in its listen backlog until --timeout), holds the established
 *                   ones for --hold seconds, then sends one GET_LIB_VERSION on each. When all
 *                   are established it prints "HOLDING <n>" on stderr: the moment to read the
 *                   daemon's memory.
 *
 * Calls are matched to replies by serial, so a daemon may answer out of order; "reordered"
 * counts replies that came after the reply to a later call of the same connection. At the
 * end, calls still in flight are collected (at most 2 s) and every connection says
 * CONNECT_CLOSE and waits for its answer before closing, as libvirt's clients do.
 *
 * One JSON line on stdout:
 *   load: mode addr threads conns depth seconds conns_ok ops ops_per_s p50_us p99_us p999_us
 *         max_us errors reordered unexpected lib_version cli_cpu_pct srv_cpu_pct
 *         host_cpu_pct ncpu   (unexpected: messages that were not replies, e.g. keepalive)
 *   idle: mode addr conns attempted established failed connect_s (start to last completed
 *         handshake) elapsed_s hold_s open_after_hold answered_after_hold ping_p50_us
 *         ping_p99_us ping_p999_us ping_max_us
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "measure.h"
#include "wire.h"

#define SLOT_BITS 7
#define MAX_DEPTH (1 << SLOT_BITS)      /* calls in flight per connection */
#define MAX_REPLY 65536                 /* longer messages are refused */
#define EVENTS_PER_WAIT 256

/* handshake serials; calls use (number << SLOT_BITS | slot) with number >= 1 */
#define SERIAL_AUTH_LIST 1u
#define SERIAL_OPEN 2u
#define SERIAL_CLOSE 3u

enum phase {
    PHASE_NEW,
    PHASE_CONNECTING,   /* non-blocking connect() under way */
    PHASE_AUTH,         /* AUTH_LIST sent */
    PHASE_OPEN,         /* CONNECT_OPEN sent */
    PHASE_READY,        /* handshake done: calls may flow */
    PHASE_CLOSING,      /* CONNECT_CLOSE sent */
    PHASE_CLOSED,       /* ended cleanly */
    PHASE_FAILED,       /* refused, timed out, or closed by the daemon */
};

struct call_slot {
    bool busy;
    uint32_t serial;
    uint64_t queued_ns;
};

struct loop;

struct conn {
    int fd;
    enum phase phase;
    uint64_t phase_ns;          /* when the current handshake step began */
    uint32_t interest;          /* epoll events registered */
    struct loop *loop;
    uint32_t next_number;       /* of the next call */
    uint32_t newest_answered;   /* highest call number answered so far */
    int in_flight;
    struct call_slot *slots;    /* opt.depth of them */
    unsigned char *out;         /* queued bytes not yet taken by the socket */
    size_t out_len, out_cap;
    unsigned char *partial;     /* an incomplete message (rare), malloc'd */
    size_t partial_len;
};

/* One epoll loop and its connections; touched only by its own thread until it is joined. */
struct loop {
    pthread_t thread;
    int epfd;
    struct conn *conns;
    int nconns;
    int ready, failed, closing;
    uint64_t last_ready_ns;
    bool keep_calling;          /* a reply queues the next call */
    uint64_t ops, replies, errors, reordered, unexpected;
    struct latency lat;
    unsigned char scratch[MAX_REPLY];
};

static struct {
    const char *addr;
    bool idle;
    int conns, depth, threads;
    double seconds, warmup, hold, timeout;
    const char *name;
    pid_t daemon;
    int batch, max_failures;
} opt = {
    .conns = 1, .depth = 1, .threads = 1,
    .seconds = 5, .warmup = 1, .hold = 10, .timeout = 10,
    .name = "test:///default", .batch = 100, .max_failures = 1,
};

static struct sockaddr_storage peer;
static socklen_t peer_len;

static atomic_bool interrupted;
static uint64_t window_start_ns, window_end_ns;   /* written before the loops read them */
static _Atomic uint64_t lib_version;
static atomic_int complaints;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&interrupted, true);
}

/* The first few problems go to stderr; the rest only count. */
static void complain(const char *what, const char *detail)
{
    if (atomic_fetch_add(&complaints, 1) < 5)
        fprintf(stderr, "lvload: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

static int resolve(const char *addr)
{
    if (strncmp(addr, "unix:", 5) == 0 || addr[0] == '/') {
        const char *path = addr[0] == '/' ? addr : addr + 5;
        struct sockaddr_un *un = (struct sockaddr_un *)&peer;
        if (strlen(path) >= sizeof(un->sun_path)) {
            fprintf(stderr, "lvload: socket path too long: %s\n", path);
            return -1;
        }
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, path);
        peer_len = sizeof(*un);
        return 0;
    }
    const char *colon = strrchr(addr, ':');
    char host[256];
    if (!colon || colon == addr || (size_t)(colon - addr) >= sizeof(host)) {
        fprintf(stderr, "lvload: '%s' is neither HOST:PORT nor unix:PATH\n", addr);
        return -1;
    }
    size_t hlen = (size_t)(colon - addr);
    memcpy(host, addr, hlen);
    host[hlen] = '\0';
    char *h = host;
    if (h[0] == '[' && hlen > 2 && h[hlen - 1] == ']') {   /* [v6]:port */
        h[hlen - 1] = '\0';
        h++;
    }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *found;
    int rc = getaddrinfo(h, colon + 1, &hints, &found);
    if (rc != 0) {
        fprintf(stderr, "lvload: cannot resolve '%s': %s\n", addr, gai_strerror(rc));
        return -1;
    }
    memcpy(&peer, found->ai_addr, found->ai_addrlen);
    peer_len = found->ai_addrlen;
    freeaddrinfo(found);
    return 0;
}

/* ---- one connection ------------------------------------------------------------------- */

static bool conn_alive(const struct conn *c)
{
    return c->phase != PHASE_FAILED && c->phase != PHASE_CLOSED;
}

static void conn_watch(struct conn *c, uint32_t events)
{
    if (c->interest == events)
        return;
    struct epoll_event ev = { .events = events, .data.ptr = c };
    if (epoll_ctl(c->loop->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        perror("lvload: epoll_ctl");
    c->interest = events;
}

static void conn_release(struct conn *c)
{
    epoll_ctl(c->loop->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    free(c->partial);
    c->partial = NULL;
    c->partial_len = 0;
}

static void conn_fail(struct conn *c, const char *why)
{
    if (!conn_alive(c))
        return;
    complain("connection failed", why);
    struct loop *l = c->loop;
    if (c->phase == PHASE_READY)
        l->ready--;
    else if (c->phase == PHASE_CLOSING)
        l->closing--;
    c->phase = PHASE_FAILED;
    c->in_flight = 0;
    l->failed++;
    l->errors++;
    if (c->fd >= 0)
        conn_release(c);
}

/* Hands queued bytes to the socket; asks for EPOLLOUT while some are left. */
static void conn_flush(struct conn *c)
{
    size_t done = 0;
    while (done < c->out_len) {
        ssize_t n = write(c->fd, c->out + done, c->out_len - done);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        conn_fail(c, n < 0 ? strerror(errno) : "write took nothing");
        return;
    }
    memmove(c->out, c->out + done, c->out_len - done);
    c->out_len -= done;
    conn_watch(c, c->out_len > 0 ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

static unsigned char *conn_queue(struct conn *c, size_t len)
{
    if (c->out_len + len > c->out_cap) {    /* sized for the deepest pipeline: a bug */
        fprintf(stderr, "lvload: output buffer too small\n");
        abort();
    }
    unsigned char *at = c->out + c->out_len;
    c->out_len += len;
    return at;
}

static void queue_auth_list(struct conn *c)
{
    wire_put_header(conn_queue(c, WIRE_PREFIX), WIRE_PREFIX, PROC_AUTH_LIST, WIRE_CALL,
                    SERIAL_AUTH_LIST, WIRE_OK);
}

/* remote_connect_open_args: name (an optional string: present flag, string), flags */
static void queue_connect_open(struct conn *c)
{
    size_t nlen = strlen(opt.name);
    size_t len = WIRE_PREFIX + 4 + xdr_string_size(nlen) + 4;
    unsigned char *at = conn_queue(c, len);
    wire_put_header(at, (uint32_t)len, PROC_CONNECT_OPEN, WIRE_CALL, SERIAL_OPEN, WIRE_OK);
    at += WIRE_PREFIX;
    xdr_u32(at, 1);
    at += 4;
    at += xdr_string(at, opt.name, nlen);
    xdr_u32(at, 0);
}

static void queue_connect_close(struct conn *c)
{
    wire_put_header(conn_queue(c, WIRE_PREFIX), WIRE_PREFIX, PROC_CONNECT_CLOSE, WIRE_CALL,
                    SERIAL_CLOSE, WIRE_OK);
}

static void queue_lib_version(struct conn *c, int slot)
{
    struct call_slot *s = &c->slots[slot];
    s->busy = true;
    s->serial = c->next_number++ << SLOT_BITS | (uint32_t)slot;
    s->queued_ns = clock_ns();
    wire_put_header(conn_queue(c, WIRE_PREFIX), WIRE_PREFIX, PROC_CONNECT_GET_LIB_VERSION,
                    WIRE_CALL, s->serial, WIRE_OK);
    c->in_flight++;
}

static void conn_start(struct conn *c)
{
    int family = ((struct sockaddr *)&peer)->sa_family;
    c->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        c->phase = PHASE_CONNECTING;
        conn_fail(c, strerror(errno));
        return;
    }
    if (family != AF_UNIX) {
        int on = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    }
    c->phase = PHASE_CONNECTING;
    c->phase_ns = clock_ns();
    c->interest = EPOLLOUT;
    struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
    if (epoll_ctl(c->loop->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        perror("lvload: epoll_ctl");
        exit(1);
    }
    /* a unix socket with a full backlog answers EAGAIN: that is a failure too */
    if (connect(c->fd, (struct sockaddr *)&peer, peer_len) < 0 && errno != EINPROGRESS)
        conn_fail(c, strerror(errno));
}

static void conn_connected(struct conn *c)
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err) {
        conn_fail(c, strerror(err));
        return;
    }
    c->phase = PHASE_AUTH;
    c->phase_ns = clock_ns();
    queue_auth_list(c);
    conn_flush(c);
}

/* virNetMessageError: code, domain, message (optional string), ... */
static void conn_error_reply(struct conn *c, const unsigned char *body, size_t len)
{
    char why[300] = "error reply";
    if (len >= 12) {
        int code = (int)xdr_get_u32(body);
        uint32_t mlen = len >= 16 ? xdr_get_u32(body + 12) : 0;
        if (xdr_get_u32(body + 8) == 1 && len >= 16 && mlen <= len - 16)
            snprintf(why, sizeof(why), "error reply code %d: %.*s", code,
                     (int)(mlen < 200 ? mlen : 200), (const char *)body + 16);
        else
            snprintf(why, sizeof(why), "error reply code %d", code);
    }
    conn_fail(c, why);
}

static void conn_reply(struct conn *c, const struct wire_header *h, const unsigned char *body,
                       size_t len, uint64_t now)
{
    struct loop *l = c->loop;

    if (h->program != WIRE_REMOTE_PROGRAM || h->type != WIRE_REPLY) {
        l->unexpected++;        /* keepalive, events: nothing this tool asked for */
        return;
    }
    if (h->status != WIRE_OK) {
        conn_error_reply(c, body, len);
        return;
    }
    switch (c->phase) {
    case PHASE_AUTH: {
        if (h->proc != PROC_AUTH_LIST || h->serial != SERIAL_AUTH_LIST || len < 4) {
            conn_fail(c, "unexpected answer to AUTH_LIST");
            return;
        }
        bool none = false;
        uint32_t n = xdr_get_u32(body);
        for (uint32_t i = 0; i < n && 4 + 4 * (size_t)i + 4 <= len; i++)
            none |= xdr_get_u32(body + 4 + 4 * i) == WIRE_AUTH_NONE;
        if (!none) {
            conn_fail(c, "the daemon does not offer auth none");
            return;
        }
        c->phase = PHASE_OPEN;
        c->phase_ns = now;
        queue_connect_open(c);
        return;
    }
    case PHASE_OPEN:
        if (h->proc != PROC_CONNECT_OPEN || h->serial != SERIAL_OPEN) {
            conn_fail(c, "unexpected answer to CONNECT_OPEN");
            return;
        }
        c->phase = PHASE_READY;
        l->ready++;
        l->last_ready_ns = now;
        return;
    case PHASE_READY: {
        uint32_t slot = h->serial & (MAX_DEPTH - 1);
        if (h->proc != PROC_CONNECT_GET_LIB_VERSION || len < 8 || (int)slot >= opt.depth ||
            !c->slots[slot].busy || c->slots[slot].serial != h->serial) {
            conn_fail(c, "a reply that matches no call in flight");
            return;
        }
        uint32_t number = h->serial >> SLOT_BITS;
        if (number < c->newest_answered)
            l->reordered++;
        else
            c->newest_answered = number;
        uint64_t none = 0;
        atomic_compare_exchange_strong(&lib_version, &none, xdr_get_u64(body));

        struct call_slot *s = &c->slots[slot];
        s->busy = false;
        c->in_flight--;
        l->replies++;
        if (now >= window_start_ns && now < window_end_ns) {
            l->ops++;
            latency_record(&l->lat, now - s->queued_ns);
        }
        if (l->keep_calling && now < window_end_ns)
            queue_lib_version(c, (int)slot);
        return;
    }
    case PHASE_CLOSING:
        if (h->proc != PROC_CONNECT_CLOSE || h->serial != SERIAL_CLOSE) {
            conn_fail(c, "unexpected answer to CONNECT_CLOSE");
            return;
        }
        c->phase = PHASE_CLOSED;
        l->closing--;
        conn_release(c);
        return;
    default:
        conn_fail(c, "a reply while no call was made");
        return;
    }
}

/* Reads what the socket has (behind any incomplete message kept from last time) and handles
 * every complete message; all replies of one read share one timestamp. */
static void conn_readable(struct conn *c)
{
    unsigned char *buf = c->loop->scratch;
    size_t have = c->partial_len;
    if (have)
        memcpy(buf, c->partial, have);
    ssize_t n = read(c->fd, buf + have, MAX_REPLY - have);
    if (n == 0) {
        conn_fail(c, "closed by the daemon");
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            conn_fail(c, strerror(errno));
        return;
    }
    have += (size_t)n;
    uint64_t now = clock_ns();
    size_t at = 0;
    while (have - at >= WIRE_PREFIX) {
        struct wire_header h = wire_get_header(buf + at);
        if (h.length < WIRE_PREFIX || h.length > MAX_REPLY) {
            conn_fail(c, "a message length out of bounds");
            return;
        }
        if (have - at < h.length)
            break;
        conn_reply(c, &h, buf + at + WIRE_PREFIX, h.length - WIRE_PREFIX, now);
        if (!conn_alive(c))
            return;
        at += h.length;
    }
    size_t rest = have - at;
    if (rest != c->partial_len) {
        unsigned char *p = rest ? realloc(c->partial, rest) : NULL;
        if (rest && !p) {
            perror("lvload: realloc");
            exit(1);
        }
        if (!rest)
            free(c->partial);
        c->partial = p;
    }
    if (rest)
        memcpy(c->partial, buf + at, rest);
    c->partial_len = rest;
    if (c->out_len)
        conn_flush(c);
}

/* ---- a loop of connections --------------------------------------------------------------- */

static struct loop *loop_new(int nconns)
{
    struct loop *l = calloc(1, sizeof(*l));
    if (!l || (l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        perror("lvload: loop");
        exit(1);
    }
    size_t open_len = WIRE_PREFIX + 4 + xdr_string_size(strlen(opt.name)) + 4;
    size_t calls_len = (size_t)opt.depth * WIRE_PREFIX;
    size_t cap = (open_len > calls_len ? open_len : calls_len) + WIRE_PREFIX;
    l->conns = calloc((size_t)(nconns ? nconns : 1), sizeof(*l->conns));
    if (!l->conns) {
        perror("lvload: calloc");
        exit(1);
    }
    for (int i = 0; i < nconns; i++) {
        struct conn *c = &l->conns[i];
        c->fd = -1;
        c->loop = l;
        c->next_number = 1;
        c->slots = calloc((size_t)opt.depth, sizeof(*c->slots));
        c->out = malloc(cap);
        c->out_cap = cap;
        if (!c->slots || !c->out) {
            perror("lvload: calloc");
            exit(1);
        }
    }
    l->nconns = nconns;
    return l;
}

static void loop_free(struct loop *l)
{
    for (int i = 0; i < l->nconns; i++) {
        struct conn *c = &l->conns[i];
        if (c->fd >= 0)
            close(c->fd);
        free(c->slots);
        free(c->out);
        free(c->partial);
    }
    free(l->conns);
    close(l->epfd);
    free(l);
}

static void loop_wait(struct loop *l, int timeout_ms)
{
    struct epoll_event evs[EVENTS_PER_WAIT];
    int n = epoll_wait(l->epfd, evs, EVENTS_PER_WAIT, timeout_ms);
    if (n < 0 && errno != EINTR) {
        perror("lvload: epoll_wait");
        exit(1);
    }
    for (int i = 0; i < n; i++) {
        struct conn *c = evs[i].data.ptr;
        uint32_t e = evs[i].events;
        if (!conn_alive(c))
            continue;
        if (c->phase == PHASE_CONNECTING) {
            conn_connected(c);
            continue;
        }
        if (e & (EPOLLIN | EPOLLERR | EPOLLHUP))
            conn_readable(c);
        if (conn_alive(c) && (e & EPOLLOUT))
            conn_flush(c);
    }
}

/* Fails connections stuck in one handshake step longer than --timeout. */
static void loop_expire(struct loop *l, int from, int to)
{
    uint64_t now = clock_ns(), limit = seconds_to_ns(opt.timeout);
    for (int i = from; i < to; i++) {
        struct conn *c = &l->conns[i];
        bool handshaking = c->phase == PHASE_CONNECTING || c->phase == PHASE_AUTH ||
                           c->phase == PHASE_OPEN;
        if (handshaking && now - c->phase_ns > limit)
            conn_fail(c, c->phase == PHASE_CONNECTING ? "connect timed out"
                                                      : "handshake timed out");
    }
}

static bool over(uint64_t deadline_ns)
{
    return clock_ns() >= deadline_ns || atomic_load_explicit(&interrupted, memory_order_relaxed);
}

/* CONNECT_CLOSE on every ready connection with nothing in flight, then wait for the answers
 * (the others are just closed when the loop is freed). */
static void loop_say_goodbye(struct loop *l)
{
    for (int i = 0; i < l->nconns; i++) {
        struct conn *c = &l->conns[i];
        if (c->phase != PHASE_READY || c->in_flight > 0)
            continue;
        c->phase = PHASE_CLOSING;
        l->ready--;
        l->closing++;
        queue_connect_close(c);
        conn_flush(c);
    }
    uint64_t deadline = clock_ns() + seconds_to_ns(opt.timeout);
    while (l->closing > 0 && clock_ns() < deadline)
        loop_wait(l, 50);
}

/* ---- load ------------------------------------------------------------------------------ */

static pthread_barrier_t load_gate;

static void *load_thread(void *arg)
{
    struct loop *l = arg;

    for (int i = 0; i < l->nconns; i++)
        conn_start(&l->conns[i]);
    uint64_t deadline = clock_ns() + seconds_to_ns(opt.timeout);
    while (l->ready + l->failed < l->nconns && !over(deadline))
        loop_wait(l, 50);
    loop_expire(l, 0, l->nconns);

    pthread_barrier_wait(&load_gate);   /* every loop is through its handshakes */
    pthread_barrier_wait(&load_gate);   /* the window is set */

    l->keep_calling = true;
    for (int i = 0; i < l->nconns; i++) {
        struct conn *c = &l->conns[i];
        if (c->phase != PHASE_READY)
            continue;
        for (int s = 0; s < opt.depth; s++)
            queue_lib_version(c, s);
        conn_flush(c);
    }
    while (!over(window_end_ns)) {
        uint64_t left_ms = (window_end_ns - clock_ns()) / 1000000 + 1;
        loop_wait(l, left_ms < 100 ? (int)left_ms : 100);
    }

    /* collect what is still in flight, so the daemon does not see calls abandoned */
    l->keep_calling = false;
    uint64_t drain_end = clock_ns() + 2 * NS_PER_S;
    for (;;) {
        int in_flight = 0;
        for (int i = 0; i < l->nconns; i++)
            if (l->conns[i].phase == PHASE_READY)
                in_flight += l->conns[i].in_flight;
        if (in_flight == 0 || clock_ns() >= drain_end)
            break;
        loop_wait(l, 10);
    }
    loop_say_goodbye(l);
    return NULL;
}

static int run_load(void)
{
    struct loop **loops = calloc((size_t)opt.threads, sizeof(*loops));
    for (int t = 0; t < opt.threads; t++)
        loops[t] = loop_new(opt.conns / opt.threads + (t < opt.conns % opt.threads));
    pthread_barrier_init(&load_gate, NULL, (unsigned)opt.threads + 1);
    for (int t = 0; t < opt.threads; t++)
        if (pthread_create(&loops[t]->thread, NULL, load_thread, loops[t]) != 0) {
            perror("lvload: pthread_create");
            return 1;
        }

    pthread_barrier_wait(&load_gate);
    int conns_ok = 0;
    for (int t = 0; t < opt.threads; t++)
        conns_ok += loops[t]->ready;
    window_start_ns = clock_ns() + seconds_to_ns(opt.warmup);
    window_end_ns = window_start_ns + seconds_to_ns(opt.seconds);
    pthread_barrier_wait(&load_gate);

    struct cpu_window cpu;
    while (!over(window_start_ns))
        usleep(10000);
    cpu_window_open(&cpu, opt.daemon);
    while (!over(window_end_ns))
        usleep(10000);
    cpu_window_close(&cpu);

    struct latency *lat = calloc(1, sizeof(*lat));
    uint64_t ops = 0, errors = 0, reordered = 0, unexpected = 0;
    for (int t = 0; t < opt.threads; t++) {
        struct loop *l = loops[t];
        pthread_join(l->thread, NULL);
        latency_add(lat, &l->lat);
        ops += l->ops;
        errors += l->errors;
        reordered += l->reordered;
        unexpected += l->unexpected;
    }

    json_begin();
    json_str("mode", "load");
    json_str("addr", opt.addr);
    json_int("threads", opt.threads);
    json_int("conns", opt.conns);
    json_int("depth", opt.depth);
    json_num("seconds", opt.seconds, 1);
    json_int("conns_ok", conns_ok);
    json_int("ops", (long long)ops);
    json_num("ops_per_s", (double)ops / opt.seconds, 0);
    json_latency("", lat);
    json_int("errors", (long long)errors);
    json_int("reordered", (long long)reordered);
    json_int("unexpected", (long long)unexpected);
    json_int("lib_version", (long long)atomic_load(&lib_version));
    json_cpu(&cpu);
    json_end();

    for (int t = 0; t < opt.threads; t++)
        loop_free(loops[t]);
    free(loops);
    free(lat);
    return conns_ok == opt.conns && errors == 0 ? 0 : 1;
}

/* ---- idle ------------------------------------------------------------------------------- */

static int run_idle(void)
{
    struct loop *l = loop_new(opt.conns);
    uint64_t t0 = clock_ns();
    int started = 0, settled = 0;   /* conns[0..settled) are ready or failed */

    for (;;) {
        bool stop_opening = l->failed >= opt.max_failures;
        int pending = started - l->ready - l->failed;
        if (atomic_load(&interrupted) || (pending == 0 && (stop_opening || started == opt.conns)))
            break;
        while (!stop_opening && started < opt.conns && pending < opt.batch) {
            conn_start(&l->conns[started++]);
            pending++;
        }
        loop_wait(l, 20);
        while (settled < started && (l->conns[settled].phase == PHASE_READY ||
                                     l->conns[settled].phase == PHASE_FAILED))
            settled++;
        loop_expire(l, settled, started);
    }
    double elapsed_s = (double)(clock_ns() - t0) / 1e9;
    double connect_s = l->ready ? (double)(l->last_ready_ns - t0) / 1e9 : 0;
    int established = l->ready;

    fprintf(stderr, "HOLDING %d\n", established);
    fprintf(stderr, "lvload: %d of %d connections established in %.2f s (%d tried, %d failed, "
            "%.2f s in all); holding them %.0f s: read the daemon's VmRSS now\n",
            established, opt.conns, connect_s, started, l->failed, elapsed_s, opt.hold);
    fflush(stderr);

    uint64_t hold_end = clock_ns() + seconds_to_ns(opt.hold);
    while (!over(hold_end))
        loop_wait(l, 100);  /* notices connections the daemon closes meanwhile */
    int open_after_hold = l->ready;

    /* still served? one call on each open connection, all counted */
    window_start_ns = 0;
    window_end_ns = UINT64_MAX;
    for (int i = 0; i < opt.conns; i++) {
        struct conn *c = &l->conns[i];
        if (c->phase == PHASE_READY) {
            queue_lib_version(c, 0);
            conn_flush(c);
        }
    }
    uint64_t deadline = clock_ns() + seconds_to_ns(opt.timeout);
    while (l->replies < (uint64_t)l->ready && !over(deadline))
        loop_wait(l, 50);

    json_begin();
    json_str("mode", "idle");
    json_str("addr", opt.addr);
    json_int("conns", opt.conns);
    json_int("attempted", started);
    json_int("established", established);
    json_int("failed", l->failed);
    json_num("connect_s", connect_s, 2);
    json_num("elapsed_s", elapsed_s, 2);
    json_num("hold_s", opt.hold, 0);
    json_int("open_after_hold", open_after_hold);
    json_int("answered_after_hold", (long long)l->replies);
    json_latency("ping_", &l->lat);
    json_end();

    bool all = established == opt.conns && l->replies == (uint64_t)established;
    loop_say_goodbye(l);
    loop_free(l);
    return all ? 0 : 1;
}

/* ---- command line ------------------------------------------------------------------------ */

static void usage(FILE *to)
{
    fprintf(to,
        "usage: lvload --addr HOST:PORT|unix:PATH [--mode load|idle] [options]\n"
        "  --conns C          connections (default 1)\n"
        "  --name URI         name in CONNECT_OPEN (default test:///default)\n"
        "  --timeout S        limit per handshake step (default 10)\n"
        "load:\n"
        "  --depth D          calls in flight per connection, 1..%d (default 1)\n"
        "  --threads N        epoll loops (default 1)\n"
        "  --seconds S        measured seconds (default 5)\n"
        "  --warmup W         seconds before the measurement (default 1)\n"
        "  --server-pid PID   also report that process's CPU use\n"
        "idle:\n"
        "  --hold S           seconds to hold the connections (default 10)\n"
        "  --batch B          handshakes under way at once (default 100)\n"
        "  --max-failures F   stop opening after F failed connections (default 1)\n",
        MAX_DEPTH);
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        { "addr", required_argument, NULL, 'a' },
        { "mode", required_argument, NULL, 'm' },
        { "conns", required_argument, NULL, 'c' },
        { "depth", required_argument, NULL, 'd' },
        { "threads", required_argument, NULL, 't' },
        { "seconds", required_argument, NULL, 's' },
        { "warmup", required_argument, NULL, 'w' },
        { "name", required_argument, NULL, 'n' },
        { "server-pid", required_argument, NULL, 'p' },
        { "hold", required_argument, NULL, 'H' },
        { "batch", required_argument, NULL, 'b' },
        { "max-failures", required_argument, NULL, 'F' },
        { "timeout", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    for (int o; (o = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        switch (o) {
        case 'a': opt.addr = optarg; break;
        case 'm':
            if (strcmp(optarg, "idle") == 0)
                opt.idle = true;
            else if (strcmp(optarg, "load") == 0)
                opt.idle = false;
            else {
                fprintf(stderr, "lvload: no mode '%s' (load or idle)\n", optarg);
                return 2;
            }
            break;
        case 'c': opt.conns = (int)option_long("--conns", optarg, 1, 1000000); break;
        case 'd': opt.depth = (int)option_long("--depth", optarg, 1, MAX_DEPTH); break;
        case 't': opt.threads = (int)option_long("--threads", optarg, 1, 64); break;
        case 's': opt.seconds = option_double("--seconds", optarg, 0.1); break;
        case 'w': opt.warmup = option_double("--warmup", optarg, 0); break;
        case 'n': opt.name = optarg; break;
        case 'p': opt.daemon = (pid_t)option_long("--server-pid", optarg, 1, 1 << 30); break;
        case 'H': opt.hold = option_double("--hold", optarg, 0); break;
        case 'b': opt.batch = (int)option_long("--batch", optarg, 1, 1000000); break;
        case 'F': opt.max_failures = (int)option_long("--max-failures", optarg, 1, 1000000); break;
        case 'T': opt.timeout = option_double("--timeout", optarg, 0.1); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!opt.addr || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (opt.threads > opt.conns)
        opt.threads = opt.conns;
    if (resolve(opt.addr) < 0)
        return 2;

    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return opt.idle ? run_idle() : run_load();
}
