/*
 * nullserver - the loopback limit: one thread, one epoll set, and just enough of libvirt's
 * remote protocol to answer lvload's handshake and calls. It does no work per call, so what
 * lvload measures against it is what the kernel, the loopback and the load tool allow on this
 * machine: a ceiling for any daemon here.
 *
 * Answers (remote program, version 1, the call's serial echoed):
 *   AUTH_LIST                  auth types [ none ]
 *   CONNECT_OPEN, CONNECT_CLOSE  empty success
 *   CONNECT_GET_LIB_VERSION    --version (default 9000000)
 *   CONNECT_SUPPORTS_FEATURE   0 (not supported): with the two above, libvirt's own client
 *                              library can connect (lvbench --mode version, connect)
 *   any other call             an error: VIR_ERR_NO_SUPPORT from VIR_FROM_RPC
 * Messages that are not calls (keepalive, stream data) are ignored. All replies to the
 * calls of one read go out in one write.
 *
 * With --events it is also the event limit: just enough for lvbench --mode events (one
 * domain, whatever its XML names; its lifecycle callbacks; suspend and resume), so that what
 * lvbench measures against it is what libvirt's client library and this machine allow, a
 * floor under any daemon's delivery latency. Then also:
 *   CONNECT_SUPPORTS_FEATURE   1 for REMOTE_EVENT_CALLBACK (the client then registers with
 *                              CALLBACK_REGISTER_ANY and gets callback ids), else 0
 *   DOMAIN_CREATE_XML          the domain named by the XML's <name>, a fixed UUID, id 1
 *   DOMAIN_LOOKUP_BY_NAME      the domain of that name
 *   CALLBACK_REGISTER_ANY      callback id (one per connection is kept: the last one)
 *   CALLBACK_DEREGISTER_ANY, DOMAIN_DESTROY   empty success
 *   DOMAIN_SUSPEND, DOMAIN_RESUME   a CALLBACK_LIFECYCLE message (SUSPENDED/PAUSED or
 *                              RESUMED/UNPAUSED) to every connection with a lifecycle
 *                              callback, one write each, back to back in one loop pass, then
 *                              the reply (--reply-first: the reply first, as libvirtd, which
 *                              dispatches events after the call from its loop's timer)
 * No work is done per event but the writes: no queue, no thread hop, no encoding per listener
 * beyond writing the callback id in.
 *
 * usage: nullserver [--tcp HOST:PORT] [--unix PATH] [--version N] [--events [--reply-first]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
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

#define READ_SIZE 16384
#define CLIENT_BYTES_MAX (4u * 1024 * 1024)   /* per client, unread input or unsent output */
#define EVENTS_PER_WAIT 256

/* A byte buffer that holds memory only while it has bytes: an idle client owns none. */
struct bytes {
    unsigned char *data;
    size_t len, cap;
};

struct peer {
    int fd;
    bool listener;
    bool watching_out;
    int32_t lifecycle_callback;   /* --events: the connection's lifecycle callback id, -1 none */
    struct bytes in;    /* an incomplete call */
    struct bytes out;   /* replies the socket did not take yet */
};

static int epfd;
static volatile sig_atomic_t stopping;
static uint64_t lib_version = 9000000;
static unsigned long clients;
static unsigned char read_buf[READ_SIZE];   /* single-threaded: shared by all clients */
static struct bytes replies;                /* replies to the calls of the current read */

/* --events */
#define EV_LISTENERS_MAX 4096
#define EV_SUSPENDED 3          /* VIR_DOMAIN_EVENT_SUSPENDED, detail PAUSED 0 */
#define EV_RESUMED 4            /* VIR_DOMAIN_EVENT_RESUMED, detail UNPAUSED 0 */
static bool events_on, reply_first;
static struct peer *ev_listeners[EV_LISTENERS_MAX];  /* connections with a lifecycle callback */
static int ev_count;
static int32_t next_callback_id;
static char dom_name[256];
static size_t dom_name_len;
static const unsigned char dom_uuid[16] = { 0x6e, 0x75, 0x6c, 0x6c, 0x73, 0x65, 0x72, 0x76,
                                            0x65, 0x72, 0x2d, 0x65, 0x76, 0x65, 0x6e, 0x74 };
static unsigned long long events_sent, events_dropped;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static void bytes_room(struct bytes *b, size_t more)
{
    if (b->len + more <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more)
        cap *= 2;
    unsigned char *p = realloc(b->data, cap);
    if (!p) {
        perror("nullserver: realloc");
        exit(1);
    }
    b->data = p;
    b->cap = cap;
}

static void bytes_append(struct bytes *b, const unsigned char *p, size_t n)
{
    bytes_room(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void bytes_drop_front(struct bytes *b, size_t n)
{
    b->len -= n;
    if (b->len == 0) {
        free(b->data);
        *b = (struct bytes){ 0 };
    } else {
        memmove(b->data, b->data + n, b->len);
    }
}

/* Appends a reply header for `call` with room for `body` bytes; returns the body. */
static unsigned char *reply(const struct wire_header *call, uint32_t status, size_t body)
{
    size_t len = WIRE_PREFIX + body;
    bytes_room(&replies, len);
    unsigned char *at = replies.data + replies.len;
    replies.len += len;
    wire_put_header(at, (uint32_t)len, call->proc, WIRE_REPLY, call->serial, status);
    return at + WIRE_PREFIX;
}

/* virNetMessageError: code, domain, message (present, string), level, dom (absent),
 * str1..str3 (absent), int1, int2, net (absent) */
static void reply_not_supported(const struct wire_header *call)
{
    static const char text[] = "nullserver does not implement this procedure";
    size_t tlen = sizeof(text) - 1;
    size_t body = 3 * 4 + xdr_string_size(tlen) + 4 + 4 + 3 * 4 + 2 * 4 + 4;
    unsigned char *at = reply(call, WIRE_ERROR, body);
    memset(at, 0, body);
    xdr_u32(at, WIRE_ERR_NO_SUPPORT);
    xdr_u32(at + 4, WIRE_FROM_RPC);
    xdr_u32(at + 8, 1);
    at += 12 + xdr_string(at + 12, text, tlen);
    xdr_u32(at, WIRE_LEVEL_ERROR);
}

static bool send_replies(struct peer *p);
static ssize_t send_some(int fd, const unsigned char *p, size_t len);
static void watch_out(struct peer *p, bool on);
static void ev_forget(struct peer *p);

/* remote_nonnull_domain of the one domain: name, uuid, id; returns its size. */
static size_t put_domain(unsigned char *at)
{
    size_t n = xdr_string(at, dom_name, dom_name_len);
    memcpy(at + n, dom_uuid, 16);
    xdr_u32(at + n + 16, 1);
    return n + 20;
}

static size_t domain_size(void)
{
    return xdr_string_size(dom_name_len) + 20;
}

/* A remote_string or remote_nonnull_string at body[*at]; NULL if it does not fit. */
static const unsigned char *get_string(const unsigned char *body, size_t n, size_t *at, size_t *len)
{
    if (*at + 4 > n)
        return NULL;
    *len = xdr_get_u32(body + *at);
    if (*len > n - *at - 4)
        return NULL;
    const unsigned char *s = body + *at + 4;
    *at += xdr_string_size(*len);
    return s;
}

/* DOMAIN_CREATE_XML: the domain is whatever <name> the XML has. */
static void create_domain(const unsigned char *body, size_t n)
{
    size_t at = 0, len;
    const unsigned char *xml = get_string(body, n, &at, &len);
    const char *open_tag = xml ? memmem(xml, len, "<name>", 6) : NULL;
    const char *close_tag = open_tag ? memmem(open_tag, len - (size_t)(open_tag - (const char *)xml), "</name>", 7) : NULL;
    dom_name_len = 0;
    if (close_tag && (size_t)(close_tag - open_tag - 6) < sizeof(dom_name)) {
        dom_name_len = (size_t)(close_tag - open_tag - 6);
        memcpy(dom_name, open_tag + 6, dom_name_len);
    }
}

/* Writes one lifecycle event to every connection with a callback, each its own message. */
static void send_lifecycle(int event)
{
    unsigned char msg[WIRE_PREFIX + 4 + sizeof(dom_name) + 4 + 20 + 8];
    size_t body = 4 + domain_size() + 8;
    wire_put_header(msg, (uint32_t)(WIRE_PREFIX + body), PROC_CALLBACK_LIFECYCLE, WIRE_MESSAGE, 0, WIRE_OK);
    size_t at = WIRE_PREFIX + 4;
    at += put_domain(msg + at);
    xdr_u32(msg + at, (uint32_t)event);
    xdr_u32(msg + at + 4, 0);
    for (int i = 0; i < ev_count; i++) {
        struct peer *p = ev_listeners[i];
        xdr_u32(msg + WIRE_PREFIX, (uint32_t)p->lifecycle_callback);
        size_t len = WIRE_PREFIX + body;
        ssize_t w = p->out.len == 0 ? send_some(p->fd, msg, len) : 0;
        if (w < 0)
            continue;   /* it goes when its socket says so */
        if ((size_t)w < len) {
            if (p->out.len + len - (size_t)w > CLIENT_BYTES_MAX) {
                events_dropped++;
                continue;
            }
            bytes_append(&p->out, msg + w, len - (size_t)w);
            watch_out(p, true);
        }
        events_sent++;
    }
}

/* The calls of --events; false if `h` is none of them. */
static bool answer_event_call(struct peer *p, const struct wire_header *h, const unsigned char *body, size_t n)
{
    switch (h->proc) {
    case PROC_CONNECT_SUPPORTS_FEATURE:
        xdr_u32(reply(h, WIRE_OK, 4), n >= 4 && xdr_get_u32(body) == WIRE_FEATURE_REMOTE_EVENT_CALLBACK);
        return true;
    case PROC_DOMAIN_CREATE_XML:
        create_domain(body, n);
        put_domain(reply(h, WIRE_OK, domain_size()));
        return true;
    case PROC_DOMAIN_LOOKUP_BY_NAME:
        put_domain(reply(h, WIRE_OK, domain_size()));
        return true;
    case PROC_CALLBACK_REGISTER_ANY:
        if (n < 4 || xdr_get_u32(body) != 0) {   /* VIR_DOMAIN_EVENT_ID_LIFECYCLE only */
            reply_not_supported(h);
            return true;
        }
        if (p->lifecycle_callback < 0) {
            if (ev_count == EV_LISTENERS_MAX) {
                reply_not_supported(h);
                return true;
            }
            ev_listeners[ev_count++] = p;
        }
        p->lifecycle_callback = next_callback_id++;
        xdr_u32(reply(h, WIRE_OK, 4), (uint32_t)p->lifecycle_callback);
        return true;
    case PROC_CALLBACK_DEREGISTER_ANY:
        ev_forget(p);
        reply(h, WIRE_OK, 0);
        return true;
    case PROC_DOMAIN_DESTROY:
        reply(h, WIRE_OK, 0);
        return true;
    case PROC_DOMAIN_SUSPEND:
    case PROC_DOMAIN_RESUME:
        reply(h, WIRE_OK, 0);
        if (reply_first)
            send_replies(p);    /* an error shows on its next read */
        send_lifecycle(h->proc == PROC_DOMAIN_SUSPEND ? EV_SUSPENDED : EV_RESUMED);
        return true;
    default:
        return false;
    }
}

static void answer(struct peer *p, const struct wire_header *h, const unsigned char *body, size_t n)
{
    if (h->program != WIRE_REMOTE_PROGRAM || h->type != WIRE_CALL)
        return;
    if (h->version != WIRE_REMOTE_VERSION) {
        reply_not_supported(h);
        return;
    }
    if (events_on && answer_event_call(p, h, body, n))
        return;
    unsigned char *out;
    switch (h->proc) {
    case PROC_AUTH_LIST:
        out = reply(h, WIRE_OK, 8);
        xdr_u32(out, 1);
        xdr_u32(out + 4, WIRE_AUTH_NONE);
        break;
    case PROC_CONNECT_OPEN:
    case PROC_CONNECT_CLOSE:
        reply(h, WIRE_OK, 0);
        break;
    case PROC_CONNECT_GET_LIB_VERSION:
        xdr_u64(reply(h, WIRE_OK, 8), lib_version);
        break;
    case PROC_CONNECT_SUPPORTS_FEATURE:
        xdr_u32(reply(h, WIRE_OK, 4), 0);
        break;
    default:
        reply_not_supported(h);
        break;
    }
}

static void watch_out(struct peer *p, bool on)
{
    if (p->watching_out == on)
        return;
    struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = p };
    epoll_ctl(epfd, EPOLL_CTL_MOD, p->fd, &ev);
    p->watching_out = on;
}

static void ev_forget(struct peer *p)
{
    if (p->lifecycle_callback < 0)
        return;
    p->lifecycle_callback = -1;
    for (int i = 0; i < ev_count; i++)
        if (ev_listeners[i] == p) {
            ev_listeners[i] = ev_listeners[--ev_count];
            break;
        }
}

static void drop(struct peer *p)
{
    ev_forget(p);
    epoll_ctl(epfd, EPOLL_CTL_DEL, p->fd, NULL);
    close(p->fd);
    free(p->in.data);
    free(p->out.data);
    free(p);
    clients--;
}

/* Writes what the socket takes; returns the bytes written or -1. */
static ssize_t send_some(int fd, const unsigned char *p, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n > 0)
            done += (size_t)n;
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && errno == EAGAIN)
            break;
        else
            return -1;
    }
    return (ssize_t)done;
}

/* Sends `replies` after anything still queued; false if the client must go. */
static bool send_replies(struct peer *p)
{
    ssize_t n = 0;
    if (p->out.len == 0)    /* else queue behind the rest, to keep the order */
        n = send_some(p->fd, replies.data, replies.len);
    if (n >= 0 && (size_t)n < replies.len)
        bytes_append(&p->out, replies.data + n, replies.len - (size_t)n);
    replies.len = 0;
    if (n < 0)
        return false;
    if (p->out.len > CLIENT_BYTES_MAX)
        return false;   /* it does not read its replies */
    watch_out(p, p->out.len > 0);
    return true;
}

static bool writable(struct peer *p)
{
    ssize_t n = send_some(p->fd, p->out.data, p->out.len);
    if (n < 0)
        return false;
    bytes_drop_front(&p->out, (size_t)n);
    watch_out(p, p->out.len > 0);
    return true;
}

/* Reads, answers every complete call; false if the client must go. */
static bool readable(struct peer *p)
{
    /* without an incomplete call pending, read into the shared buffer; else behind it */
    bool shared = p->in.len == 0;
    unsigned char *data;
    ssize_t n;
    if (shared) {
        data = read_buf;
        n = read(p->fd, read_buf, READ_SIZE);
    } else {
        bytes_room(&p->in, READ_SIZE);
        n = read(p->fd, p->in.data + p->in.len, p->in.cap - p->in.len);
        data = p->in.data;
    }
    if (n == 0)
        return false;
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    size_t total = (shared ? 0 : p->in.len) + (size_t)n;

    size_t at = 0;
    while (total - at >= WIRE_PREFIX) {
        struct wire_header h = wire_get_header(data + at);
        if (h.length < WIRE_PREFIX || h.length > CLIENT_BYTES_MAX) {
            replies.len = 0;
            return false;   /* not libvirt's framing */
        }
        if (total - at < h.length)
            break;
        answer(p, &h, data + at + WIRE_PREFIX, h.length - WIRE_PREFIX);
        at += h.length;
    }
    if (shared) {
        if (at < total)
            bytes_append(&p->in, data + at, total - at);
    } else {
        p->in.len = total;
        bytes_drop_front(&p->in, at);
    }
    return replies.len == 0 || send_replies(p);
}

static void accept_all(struct peer *listener)
{
    for (;;) {
        int fd = accept4(listener->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN)
                perror("nullserver: accept4");
            return;
        }
        int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));  /* fails on unix: fine */
        struct peer *p = calloc(1, sizeof(*p));
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = p };
        if (p)
            p->lifecycle_callback = -1;
        if (!p || (p->fd = fd, epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)) {
            close(fd);
            free(p);
            continue;
        }
        clients++;
    }
}

static int add_listener(int fd)
{
    struct peer *l = calloc(1, sizeof(*l));
    if (!l || listen(fd, 4096) < 0) {
        perror("nullserver: listen");
        return -1;
    }
    l->fd = fd;
    l->listener = true;
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = l };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int listen_tcp(const char *hostport)
{
    const char *colon = strrchr(hostport, ':');
    char host[256];
    if (!colon || (size_t)(colon - hostport) >= sizeof(host)) {
        fprintf(stderr, "nullserver: --tcp wants HOST:PORT, not '%s'\n", hostport);
        return -1;
    }
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *found;
    int rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &found);
    if (rc != 0) {
        fprintf(stderr, "nullserver: cannot resolve '%s': %s\n", hostport, gai_strerror(rc));
        return -1;
    }
    int on = 1;
    int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0 &&
              bind(fd, found->ai_addr, found->ai_addrlen) == 0;
    freeaddrinfo(found);
    if (!ok) {
        perror("nullserver: tcp");
        return -1;
    }
    return add_listener(fd);
}

static int listen_unix(const char *path)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(un.sun_path)) {
        fprintf(stderr, "nullserver: socket path too long\n");
        return -1;
    }
    strcpy(un.sun_path, path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        perror("nullserver: unix");
        return -1;
    }
    return add_listener(fd);
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        { "tcp", required_argument, NULL, 't' },
        { "unix", required_argument, NULL, 'u' },
        { "version", required_argument, NULL, 'v' },
        { "events", no_argument, NULL, 'e' },
        { "reply-first", no_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static const char use[] = "usage: nullserver [--tcp HOST:PORT] [--unix PATH] [--version N] [--events [--reply-first]]\n"
                              "  one of --tcp / --unix at least; runs until SIGINT or SIGTERM\n"
                              "  --events: one domain, lifecycle callbacks, suspend and resume (lvbench --mode events)\n"
                              "  --reply-first: a toggle's reply before its events (default: after)\n";
    const char *tcp = NULL, *unix_path = NULL;
    for (int o; (o = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        switch (o) {
        case 't': tcp = optarg; break;
        case 'u': unix_path = optarg; break;
        case 'v': lib_version = (uint64_t)option_long("--version", optarg, 0, 1L << 62); break;
        case 'e': events_on = true; break;
        case 'r': reply_first = true; break;
        case 'h': fputs(use, stdout); return 0;
        default: fputs(use, stderr); return 2;
        }
    }
    if ((!tcp && !unix_path) || optind != argc) {
        fputs(use, stderr);
        return 2;
    }

    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        perror("nullserver: epoll_create1");
        return 1;
    }
    if ((tcp && listen_tcp(tcp) < 0) || (unix_path && listen_unix(unix_path) < 0))
        return 1;
    fprintf(stderr, "nullserver: pid %d, listening%s%s%s%s\n", (int)getpid(),
            tcp ? " on tcp " : "", tcp ? tcp : "", unix_path ? " on unix " : "",
            unix_path ? unix_path : "");

    struct epoll_event evs[EVENTS_PER_WAIT];
    while (!stopping) {
        int n = epoll_wait(epfd, evs, EVENTS_PER_WAIT, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("nullserver: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct peer *p = evs[i].data.ptr;
            if (p->listener) {
                accept_all(p);
                continue;
            }
            bool keep = true;
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                keep = readable(p);
            if (keep && (evs[i].events & EPOLLOUT))
                keep = writable(p);
            if (!keep)
                drop(p);
        }
    }
    if (unix_path)
        unlink(unix_path);
    fprintf(stderr, "nullserver: stopping with %lu clients connected\n", clients);
    if (events_on)
        fprintf(stderr, "nullserver: %llu events sent, %llu dropped (a listener more than %u bytes behind)\n",
                events_sent, events_dropped, CLIENT_BYTES_MAX);
    return 0;
}
