/*
 * stream-sink - what a stream client can push on its own: a TCP relay in front of a daemon that
 * passes every message both ways except the client's stream DATA packets (type STREAM, status
 * CONTINUE, non-empty), which it reads and drops. `virsh vol-upload` through it opens the
 * stream on the daemon as usual and finishes it (the daemon saw an empty upload), but its data
 * goes nowhere: the time is the client's and the loopback's alone, a ceiling for any daemon.
 * Each message is read as libvirtd reads it (length word and header, then the rest), one thread
 * per direction per connection, blocking I/O.
 *
 * usage: stream-sink LISTEN DAEMON      (runs until killed)
 * each a port on 127.0.0.1 or unix:PATH (the unix socket it listens on is made anew).
 * On each connection's end it prints the dropped byte count to stderr.
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
#include <unistd.h>

#define HEAD 28                 /* length word and header */
#define MAX_MESSAGE (32u << 20) /* VIR_NET_MESSAGE_MAX */

struct pair { int client, daemon; };

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
    while (buf && !readn(p->client, buf, HEAD)) {
        uint32_t len, type, status;
        memcpy(&len, buf, 4);
        memcpy(&type, buf + 16, 4);
        memcpy(&status, buf + 24, 4);
        len = ntohl(len); type = ntohl(type); status = ntohl(status);
        if (len < HEAD || len > MAX_MESSAGE + 4 || readn(p->client, buf + HEAD, len - HEAD))
            break;
        if (type == 3 && status == 2 && len > HEAD) {
            dropped += len - HEAD;
            continue;
        }
        if (writen(p->daemon, buf, len))
            break;
    }
    fprintf(stderr, "stream-sink: dropped %llu bytes of stream data\n", dropped);
    shutdown(p->daemon, SHUT_WR);
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
    if (argc != 3) {
        fputs("usage: stream-sink LISTEN DAEMON   (each PORT on 127.0.0.1 or unix:PATH)\n", stderr);
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
