/*
 * stream-sink - what a stream client can push on its own: a TCP relay in front of a daemon that
 * passes every message both ways except the client's stream DATA packets (type STREAM, status
 * CONTINUE, non-empty), which it reads and drops. `virsh vol-upload` through it opens the
 * stream on the daemon as usual and finishes it (the daemon saw an empty upload), but its data
 * goes nowhere: the time is the client's and the loopback's alone, a ceiling for any daemon.
 * Each message is read as libvirtd reads it (length word and header, then the rest), one thread
 * per direction per connection, blocking I/O.
 *
 * usage: stream-sink LISTEN DAEMON [FILE HOW]     (runs until killed)
 * each a port on 127.0.0.1 or unix:PATH (the unix socket it listens on is made anew).
 * On each connection's end it prints the byte count it dropped (or wrote) to stderr, with the CPU
 * seconds of the thread that read the client's messages and of the writer thread (copy2, splice2).
 *
 * With FILE the data is not dropped but written into FILE from offset 0 (a daemon's work
 * without the daemon), HOW being one of:
 *   copy     read each packet's body into a buffer, pwrite it (one thread per connection);
 *   splice   splice(2) the body from the socket into a pipe (1 MiB) and from there into the file:
 *            no copy to user space;
 *   copy2    as copy, but a writer thread pwrites while the reader reads the next body (up to 4
 *            bodies between them): the shape of a daemon whose loop reads and whose worker writes;
 *   splice2  as splice with the same two threads (the reader splices into the pipe, the writer
 *            from it into the file).
 * Environment, for experiments: RCVBUF=N sets SO_RCVBUF on each accepted socket; LOWAT=1 (copy2)
 * sets SO_RCVLOWAT to the body's length before reading it (one wake-up per body).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#define HEAD 28                 /* length word and header */
#define MAX_MESSAGE (32u << 20) /* VIR_NET_MESSAGE_MAX */

struct pair { int client, daemon; };
static int readn(int fd, char *b, size_t n);

/* Optional third and fourth arguments: the data goes into FILE (from offset 0) instead of
 * nowhere, by read + pwrite (HOW "copy") or by splice(2) socket -> pipe -> file ("splice"). */
static const char *sink_file;
static int use_splice;

/* Pipelined modes, as a daemon with a reading loop and a writing worker: "copy2" reads each
 * body into one of SLOTS buffers and a writer thread pwrites it; "splice2" splices each body
 * into the pipe and a writer thread splices it on into the file. */
#define SLOTS 4
static int pipelined;
struct ring {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    char *buf[SLOTS];
    size_t len[SLOTS];
    unsigned head, tail; /* head: next to fill; tail: next to write */
    int done, file, pipe_r;
    off_t off;
    double writer_cpu; /* the writer thread's CPU seconds, set when it ends */
};

/* CPU seconds the calling thread has used. */
static double thread_cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *writer(void *arg)
{
    struct ring *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        while (r->head == r->tail && !r->done)
            pthread_cond_wait(&r->cond, &r->lock);
        if (r->head == r->tail) {
            r->writer_cpu = thread_cpu();
            pthread_mutex_unlock(&r->lock);
            return NULL;
        }
        unsigned i = r->tail % SLOTS;
        size_t n = r->len[i];
        pthread_mutex_unlock(&r->lock);
        for (size_t h = 0; h < n; ) {
            ssize_t k = use_splice ? splice(r->pipe_r, NULL, r->file, &r->off, n - h, SPLICE_F_MOVE)
                                   : pwrite(r->file, r->buf[i] + h, n - h, r->off);
            if (k <= 0)
                return NULL;
            h += (size_t)k;
            if (!use_splice)
                r->off += k;
        }
        pthread_mutex_lock(&r->lock);
        r->tail++;
        pthread_cond_signal(&r->cond);
        pthread_mutex_unlock(&r->lock);
    }
}

/* Pipelined: the body goes into the next slot (or the pipe); waits while SLOTS bodies wait. */
static int to_ring(int fd, struct ring *r, size_t n, int pipe_w)
{
    pthread_mutex_lock(&r->lock);
    while (r->head - r->tail == SLOTS)
        pthread_cond_wait(&r->cond, &r->lock);
    unsigned i = r->head % SLOTS;
    pthread_mutex_unlock(&r->lock);
    if (use_splice) {
        for (size_t h = 0; h < n; ) {
            ssize_t k = splice(fd, NULL, pipe_w, NULL, n - h, SPLICE_F_MOVE);
            if (k <= 0)
                return -1;
            h += (size_t)k;
        }
    } else {
        int lowat = (int)n, one = 1;
        if (getenv("LOWAT"))
            setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
        int rc = readn(fd, r->buf[i], n);
        if (getenv("LOWAT"))
            setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &one, sizeof one);
        if (rc)
            return -1;
    }
    pthread_mutex_lock(&r->lock);
    r->len[i] = n;
    r->head++;
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static int to_file(int fd, int file, char *buf, size_t n, off_t *off, int pipefd[2])
{
    if (!use_splice) {
        if (readn(fd, buf, n))
            return -1;
        for (size_t h = 0; h < n; ) {
            ssize_t k = pwrite(file, buf + h, n - h, *off);
            if (k <= 0)
                return -1;
            h += (size_t)k;
            *off += k;
        }
        return 0;
    }
    while (n > 0) {
        ssize_t k = splice(fd, NULL, pipefd[1], NULL, n, SPLICE_F_MOVE);
        if (k <= 0)
            return -1;
        n -= (size_t)k;
        for (ssize_t left = k; left > 0; ) {
            ssize_t w = splice(pipefd[0], NULL, file, off, (size_t)left, SPLICE_F_MOVE);
            if (w <= 0)
                return -1;
            left -= w;
        }
    }
    return 0;
}

static int readn(int fd, char *b, size_t n)
{
    for (size_t h = 0; h < n; ) {
        ssize_t k = read(fd, b + h, n - h);
        if (k <= 0)
            return -1;
        h += (size_t)k;
    }
    return 0;
}

static int writen(int fd, const char *b, size_t n)
{
    for (size_t h = 0; h < n; ) {
        ssize_t k = write(fd, b + h, n - h);
        if (k <= 0)
            return -1;
        h += (size_t)k;
    }
    return 0;
}

static void *to_client(void *arg)
{
    struct pair *p = arg;
    char *buf = malloc(1 << 20);
    ssize_t k;
    while ((k = read(p->daemon, buf, 1 << 20)) > 0)
        if (writen(p->client, buf, (size_t)k))
            break;
    shutdown(p->client, SHUT_WR);
    free(buf);
    return NULL;
}

static void *to_daemon(void *arg)
{
    struct pair *p = arg;
    char *buf = malloc(MAX_MESSAGE + 4);
    unsigned long long dropped = 0;
    int file = -1, pipefd[2] = {-1, -1};
    off_t off = 0;
    struct ring ring = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, {0}, 0, 0, 0, -1, -1, 0, 0};
    pthread_t wt;
    if (sink_file) {
        file = open(sink_file, O_WRONLY | O_CREAT, 0600);
        if (use_splice && pipe(pipefd) == 0)
            fcntl(pipefd[1], F_SETPIPE_SZ, 1 << 20);
        if (pipelined) {
            for (int i = 0; i < SLOTS && !use_splice; i++)
                ring.buf[i] = malloc(1 << 20);
            ring.file = file;
            ring.pipe_r = pipefd[0];
            pthread_create(&wt, NULL, writer, &ring);
        }
    }
    while (buf && !readn(p->client, buf, HEAD)) {
        uint32_t len, type, status;
        memcpy(&len, buf, 4);
        memcpy(&type, buf + 16, 4);
        memcpy(&status, buf + 24, 4);
        len = ntohl(len); type = ntohl(type); status = ntohl(status);
        if (len < HEAD || len > MAX_MESSAGE + 4)
            break;
        if (file >= 0 && type == 3 && status == 2 && len > HEAD) {
            if (pipelined ? to_ring(p->client, &ring, len - HEAD, pipefd[1])
                          : to_file(p->client, file, buf, len - HEAD, &off, pipefd))
                break;
            dropped += len - HEAD;
            continue;
        }
        if (readn(p->client, buf + HEAD, len - HEAD))
            break;
        if (type == 3 && status == 2 && len > HEAD) {
            dropped += len - HEAD;
            continue;
        }
        if (writen(p->daemon, buf, len))
            break;
    }
    double reader_cpu = thread_cpu();
    if (file >= 0 && pipelined) { /* the writer ends once it wrote everything queued */
        pthread_mutex_lock(&ring.lock);
        ring.done = 1;
        pthread_cond_signal(&ring.cond);
        pthread_mutex_unlock(&ring.lock);
        pthread_join(wt, NULL);
    }
    fprintf(stderr, "stream-sink: %s %llu bytes of stream data; CPU s: reader %.3f writer %.3f\n",
            file >= 0 ? "wrote" : "dropped", dropped, reader_cpu, ring.writer_cpu);
    shutdown(p->daemon, SHUT_WR);
    if (file >= 0)
        close(file);
    if (pipefd[0] >= 0) {
        close(pipefd[0]);
        close(pipefd[1]);
    }
    free(buf);
    return NULL;
}

/* A socket address for "PORT" (127.0.0.1) or "unix:PATH". */
static socklen_t address(const char *spec, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (strncmp(spec, "unix:", 5) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *)ss;
        un->sun_family = AF_UNIX;
        snprintf(un->sun_path, sizeof un->sun_path, "%s", spec + 5);
        return sizeof *un;
    }
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    in->sin_port = htons((uint16_t)atoi(spec));
    return sizeof *in;
}

int main(int argc, char **argv)
{
    if (argc == 5) {
        sink_file = argv[3];
        use_splice = argc == 5 && strncmp(argv[4], "splice", 6) == 0;
        pipelined = argc == 5 && argv[4][strlen(argv[4]) - 1] == '2';
    }
    if (argc != 3 && (argc != 5 || (strcmp(argv[4], "copy") && strcmp(argv[4], "splice")
                                     && strcmp(argv[4], "copy2") && strcmp(argv[4], "splice2")))) {
        fputs("usage: stream-sink LISTEN DAEMON [FILE copy|splice|copy2|splice2]"
              "   (LISTEN, DAEMON: PORT on 127.0.0.1 or unix:PATH)\n", stderr);
        return 2;
    }
    struct sockaddr_storage la, da;
    socklen_t llen = address(argv[1], &la), dlen = address(argv[2], &da);
    int one = 1, ls = socket(la.ss_family, SOCK_STREAM, 0);
    if (la.ss_family == AF_UNIX)
        unlink(((struct sockaddr_un *)&la)->sun_path);
    else
        setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&la, llen) || listen(ls, 16)) {
        perror("stream-sink: listen");
        return 1;
    }
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0)
            continue;
        int d = socket(da.ss_family, SOCK_STREAM, 0);
        if (connect(d, (struct sockaddr *)&da, dlen)) {
            perror("stream-sink: connect");
            close(c);
            close(d);
            continue;
        }
        if (la.ss_family == AF_INET)
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (getenv("RCVBUF")) {
            int rb = atoi(getenv("RCVBUF"));
            setsockopt(c, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
        }
        if (da.ss_family == AF_INET)
            setsockopt(d, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct pair *p = malloc(sizeof *p);
        p->client = c;
        p->daemon = d;
        pthread_t a, b;
        pthread_create(&a, NULL, to_daemon, p);
        pthread_create(&b, NULL, to_client, p);
        pthread_detach(a);
        pthread_detach(b);
    }
}
