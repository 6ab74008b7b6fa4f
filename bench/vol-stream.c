/*
 * vol-stream - vol-upload and vol-download over libvirt's remote protocol without the libvirt
 * client library, so that the client is not what limits a daemon's stream throughput.
 *
 *   vol-stream upload   ADDR POOL VOLUME FILE [options]
 *   vol-stream download ADDR POOL VOLUME [FILE] [options]     (no FILE: the data is dropped)
 *
 * ADDR is HOST:PORT (TCP) or unix:PATH (or /PATH). Options:
 *   --name URI        the CONNECT_OPEN name (default qemu:///system)
 *   --offset N        the call's offset (default 0)
 *   --length N        the call's length (default 0: as virsh, "the rest of the volume")
 *   --batch N         upload: stream packets per writev (default 1, as libvirt's client sends)
 *   --send HOW        upload: mmap (default), read (pread into a buffer, one write per packet)
 *                     or sendfile (the header with MSG_MORE, the data by sendfile)
 *
 * What it says on the wire is what virsh vol-upload / vol-download say (auth none only):
 * AUTH_LIST, CONNECT_OPEN, STORAGE_POOL_LOOKUP_BY_NAME, STORAGE_VOL_LOOKUP_BY_NAME, then
 * STORAGE_VOL_UPLOAD (or _DOWNLOAD) with offset, length and flags 0, whose reply opens the
 * stream. An upload then sends the file as STREAM packets (the call's procedure and serial,
 * status CONTINUE) of WIRE_STREAM_PAYLOAD bytes each, the size libvirt's virStreamSendAll cuts,
 * and finishes with an empty STREAM packet of status OK, which the daemon confirms with an
 * empty STREAM OK (or answers with an error: the exit status is then 1). A download reads the
 * daemon's STREAM CONTINUE packets until an empty one (its end of data), then finishes the same
 * way.
 *
 * Where libvirt's client reads the file into a buffer, copies it into a message and writes the
 * socket in several calls per packet with its event loop woken for each, this one maps the file
 * and hands the kernel the packet's 28-byte header and the mapped data in one writev per packet:
 * the only copy of a byte in this process is the kernel's, page cache to socket. A download
 * reads large chunks and writes each packet's data straight from the read buffer.
 *
 * Prints one JSON line to stdout: op, bytes, packets, the seconds from the transfer call to
 * the finish's confirmation, MiB/s, and the write or read calls made for the data.
 * Facts from libvirt 9.0: src/remote/remote_protocol.x, src/rpc/virnetprotocol.x,
 * src/rpc/virnetclientstream.c, src/remote/remote_daemon_stream.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

#define READ_BUFFER (8u << 20)          /* downloads: room for ~30 packets per read */
#define MAX_BATCH 64

static struct {
    const char *op, *addr, *pool, *volume, *file, *name;
    unsigned long long offset, length;
    int batch;
    enum { SEND_MMAP, SEND_READ, SEND_SENDFILE } send;  /* --send; mmap is the default */
} opt = { .name = "qemu:///system", .batch = 1 };

static int sock = -1;
static uint32_t next_serial = 1;

/* The read side: a buffer with `fill` bytes, of which the first `used` are consumed. */
static unsigned char *rbuf;
static size_t rfill, rused;
static unsigned long long read_calls;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vol-stream: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int connect_to(const char *addr)
{
    if (strncmp(addr, "unix:", 5) == 0 || addr[0] == '/') {
        const char *path = addr[0] == '/' ? addr : addr + 5;
        struct sockaddr_un un = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(un.sun_path))
            die("socket path too long: %s", path);
        strcpy(un.sun_path, path);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&un, sizeof un) < 0)
            die("connect %s: %s", path, strerror(errno));
        return fd;
    }
    const char *colon = strrchr(addr, ':');
    char host[256];
    if (!colon || colon == addr || (size_t)(colon - addr) >= sizeof host)
        die("'%s' is neither HOST:PORT nor unix:PATH", addr);
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *found;
    int rc = getaddrinfo(host, colon + 1, &hints, &found);
    if (rc != 0)
        die("cannot resolve '%s': %s", addr, gai_strerror(rc));
    int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) < 0)
        die("connect %s: %s", addr, strerror(errno));
    freeaddrinfo(found);
    return fd;
}

static void handle_async(void);
static unsigned long long write_calls;

/* Waits until the socket takes more, reading what the daemon says meanwhile: a stream error
 * ends the run there (handle_async). */
static void wait_writable(void)
{
    struct pollfd p = { .fd = sock, .events = POLLOUT | POLLIN };
    if (poll(&p, 1, -1) < 0 && errno != EINTR)
        die("poll: %s", strerror(errno));
    if (p.revents & (POLLIN | POLLHUP | POLLERR))
        handle_async();
}

/* Writes all of iov (modifying it), waiting for the socket when it is full. */

static void write_all(struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t k = writev(sock, iov, n);
        write_calls++;
        if (k < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                die("write: %s", strerror(errno));
            wait_writable();
            continue;
        }
        while (n > 0 && (size_t)k >= iov->iov_len) {
            k -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + k;
            iov->iov_len -= (size_t)k;
        }
    }
}

static void send_message(const unsigned char *msg, size_t len)
{
    struct iovec iov = { (void *)msg, len };
    write_all(&iov, 1);
}

/* Reads more into rbuf (waiting for it); returns false on the daemon's end of the connection. */
static bool fill_more(void)
{
    if (rused > 0 && (READ_BUFFER - rfill < 2 * WIRE_PREFIX + WIRE_STREAM_PAYLOAD || rused == rfill)) {
        memmove(rbuf, rbuf + rused, rfill - rused);
        rfill -= rused;
        rused = 0;
    }
    for (;;) {
        ssize_t k = read(sock, rbuf + rfill, READ_BUFFER - rfill);
        read_calls++;
        if (k > 0) {
            rfill += (size_t)k;
            return true;
        }
        if (k == 0)
            return false;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            die("read: %s", strerror(errno));
        struct pollfd p = { .fd = sock, .events = POLLIN };
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            die("poll: %s", strerror(errno));
    }
}

/* The next whole message: its header, its body in rbuf (valid until the next call). */
static const unsigned char *next_message(struct wire_header *h, size_t *body_len)
{
    for (;;) {
        if (rfill - rused >= WIRE_PREFIX) {
            *h = wire_get_header(rbuf + rused);
            if (h->length < WIRE_PREFIX || h->length > WIRE_MAX + 4)
                die("the daemon sent a message of length %u", h->length);
            if (h->program != WIRE_REMOTE_PROGRAM)
                die("the daemon sent a message of program %#x", h->program);
            if (rfill - rused >= h->length) {
                const unsigned char *body = rbuf + rused + WIRE_PREFIX;
                *body_len = h->length - WIRE_PREFIX;
                rused += h->length;
                return body;
            }
        }
        if (!fill_more())
            die("the daemon closed the connection");
    }
}

/* Reads (without waiting) whatever the daemon sent during an upload: only a message that ends
 * the stream can come (events are not registered, keepalive is not offered). */
static uint32_t stream_serial;
static void handle_async(void)
{
    if (rused == rfill)
        rused = rfill = 0;
    if (rfill == READ_BUFFER)
        die("the daemon sent more than %u bytes during the upload", READ_BUFFER);
    ssize_t k = read(sock, rbuf + rfill, READ_BUFFER - rfill);
    read_calls++;
    if (k == 0)
        die("the daemon closed the connection during the upload");
    if (k < 0)
        return;
    rfill += (size_t)k;
    while (rfill - rused >= WIRE_PREFIX) {
        struct wire_header h = wire_get_header(rbuf + rused);
        if (rfill - rused < h.length)
            return;
        const unsigned char *body = rbuf + rused + WIRE_PREFIX;
        rused += h.length;
        if (h.serial == stream_serial && h.status == WIRE_ERROR) {
            char why[512];
            die("the daemon ended the upload: %s",
                wire_error_text(body, h.length - WIRE_PREFIX, why, sizeof why));
        }
        if (h.serial == stream_serial)
            die("unexpected stream message during the upload (type %u status %u)", h.type, h.status);
    }
}

/* Sends a call with `args` and waits for its reply; returns the reply body (in rbuf). */
static const unsigned char *call(uint32_t proc, const unsigned char *args, size_t args_len,
                                 size_t *ret_len, uint32_t *serial_out)
{
    uint32_t serial = next_serial++;
    size_t len = WIRE_PREFIX + args_len;
    unsigned char *msg = malloc(len);
    wire_put_header(msg, (uint32_t)len, proc, WIRE_CALL, serial, WIRE_OK);
    if (args_len)
        memcpy(msg + WIRE_PREFIX, args, args_len);
    send_message(msg, len);
    free(msg);
    if (serial_out)
        *serial_out = serial;
    for (;;) {
        struct wire_header h;
        const unsigned char *body = next_message(&h, ret_len);
        if (h.type != WIRE_REPLY || h.serial != serial)
            continue;
        if (h.status != WIRE_OK) {
            char why[512];
            die("procedure %u failed: %s", proc, wire_error_text(body, *ret_len, why, sizeof why));
        }
        return body;
    }
}

/* XDR reading with bounds checks. */
struct cursor { const unsigned char *at, *end; };

static uint32_t get_u32(struct cursor *c)
{
    if (c->end - c->at < 4)
        die("a reply shorter than its fields");
    uint32_t v = xdr_get_u32(c->at);
    c->at += 4;
    return v;
}

/* Copies an XDR string's encoding (length word, bytes, padding) out of the cursor. */
static size_t skip_string(struct cursor *c)
{
    const unsigned char *start = c->at;
    uint32_t n = get_u32(c);
    size_t padded = ((size_t)n + 3) & ~(size_t)3;
    if ((size_t)(c->end - c->at) < padded)
        die("a reply shorter than its string");
    c->at += padded;
    return (size_t)(c->at - start);
}

static void handshake(void)
{
    size_t n;
    const unsigned char *body = call(PROC_AUTH_LIST, NULL, 0, &n, NULL);
    struct cursor c = { body, body + n };
    uint32_t count = get_u32(&c);
    bool none = count == 0;
    for (uint32_t i = 0; i < count; i++)
        none |= get_u32(&c) == WIRE_AUTH_NONE;
    if (!none)
        die("the daemon wants authentication (only auth none is spoken here)");

    size_t nlen = strlen(opt.name);
    unsigned char args[4 + 4 + 1024 + 4];
    if (nlen > 1024)
        die("--name too long");
    xdr_u32(args, 1);
    size_t at = 4 + xdr_string(args + 4, opt.name, nlen);
    xdr_u32(args + at, 0);
    call(PROC_CONNECT_OPEN, args, at + 4, &n, NULL);
}

/* remote_nonnull_storage_vol (pool, name, key), encoded, into vol; returns its size. */
static size_t lookup_volume(unsigned char *vol, size_t room)
{
    size_t n, plen = strlen(opt.pool), vlen = strlen(opt.volume);
    if (plen > 4096 || vlen > 4096)
        die("pool or volume name too long");
    unsigned char *args = malloc(3 * 4096 + 64);
    size_t alen = xdr_string(args, opt.pool, plen);
    const unsigned char *body = call(PROC_STORAGE_POOL_LOOKUP_BY_NAME, args, alen, &n, NULL);
    /* remote_nonnull_storage_pool: name, uuid[16]: the next call's first argument as it is */
    struct cursor c = { body, body + n };
    size_t pool_len = skip_string(&c) + 16;
    if (pool_len > n)
        die("a pool reply shorter than its uuid");
    memcpy(args, body, pool_len);
    alen = pool_len + xdr_string(args + pool_len, opt.volume, vlen);
    body = call(PROC_STORAGE_VOL_LOOKUP_BY_NAME, args, alen, &n, NULL);
    free(args);
    c = (struct cursor){ body, body + n };
    size_t vol_len = skip_string(&c);
    vol_len += skip_string(&c);
    vol_len += skip_string(&c);
    if (vol_len > room)
        die("a volume reply too long");
    memcpy(vol, body, vol_len);
    return vol_len;
}

/* Opens the stream: the transfer call with vol, offset, length, flags 0; returns its serial. */
static uint32_t open_stream(uint32_t proc)
{
    unsigned char args[3 * (4 + 4096 + 4) + 20];
    size_t at = lookup_volume(args, sizeof args - 20);
    xdr_u64(args + at, opt.offset);
    xdr_u64(args + at + 8, opt.length);
    xdr_u32(args + at + 16, 0);
    size_t n;
    uint32_t serial;
    call(proc, args, at + 20, &n, &serial);
    return serial;
}

/* The finish both directions end with: an empty STREAM OK, confirmed by an empty STREAM OK. */
static void finish_stream(uint32_t proc, uint32_t serial)
{
    unsigned char msg[WIRE_PREFIX];
    wire_put_header(msg, WIRE_PREFIX, proc, WIRE_STREAM, serial, WIRE_OK);
    send_message(msg, sizeof msg);
    for (;;) {
        struct wire_header h;
        size_t n;
        const unsigned char *body = next_message(&h, &n);
        if (h.serial != serial)
            continue;
        if (h.status == WIRE_ERROR) {
            char why[512];
            die("the daemon refused the stream's finish: %s", wire_error_text(body, n, why, sizeof why));
        }
        if (h.type == WIRE_STREAM && h.status == WIRE_OK)
            return;
        die("unexpected answer to the finish (type %u status %u, %zu bytes)", h.type, h.status, n);
    }
}

static void report(const char *op, unsigned long long bytes, unsigned long long packets,
                   double seconds, const char *calls, unsigned long long ncalls)
{
    printf("{\"op\": \"%s\", \"bytes\": %llu, \"packets\": %llu, \"seconds\": %.4f, "
           "\"mib_s\": %.1f, \"%s\": %llu}\n",
           op, bytes, packets, seconds, (double)bytes / 1048576.0 / seconds, calls, ncalls);
}

/* A packet's header with MSG_MORE (TCP holds it for the data that follows), then its data
 * straight from the file's pages by sendfile: the kernel hands the page-cache pages to the
 * socket, so not even the kernel copies a byte on this side. */
static void send_packet_sendfile(const unsigned char *header, int fd, off_t offset, size_t chunk)
{
    for (size_t done = 0; done < WIRE_PREFIX; ) {
        ssize_t k = send(sock, header + done, WIRE_PREFIX - done, MSG_MORE | MSG_NOSIGNAL);
        write_calls++;
        if (k > 0)
            done += (size_t)k;
        else if (errno == EAGAIN)
            wait_writable();
        else if (errno != EINTR)
            die("send: %s", strerror(errno));
    }
    while (chunk > 0) {
        ssize_t k = sendfile(sock, fd, &offset, chunk);
        write_calls++;
        if (k > 0)
            chunk -= (size_t)k;
        else if (k == 0)
            die("%s ended early", opt.file);
        else if (errno == EAGAIN)
            wait_writable();
        else if (errno != EINTR)
            die("sendfile: %s", strerror(errno));
    }
}

/* --send read: each packet's data read (pread) into one buffer behind its header and the whole
 * packet written at once. No page tables (mapping 1 GiB with MAP_POPULATE and unmapping it cost
 * 0.25-0.5 s of this process's time on the loaded bench machine), but one copy more, on the
 * sending thread: against jvirtd the whole process still took longer than with mmap (TCP
 * 1.0-2.0 s against 0.92-0.97 s per GiB), so mmap stays the default. */
static void upload_by_read(int fd, size_t size)
{
    unsigned char *packet = malloc(WIRE_PREFIX + WIRE_STREAM_PAYLOAD);
    if (!packet)
        die("out of memory");
    double t0 = now_s();
    stream_serial = open_stream(PROC_STORAGE_VOL_UPLOAD);
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
    unsigned long long packets = 0;
    size_t sent = 0;
    while (sent < size) {
        size_t chunk = size - sent < WIRE_STREAM_PAYLOAD ? size - sent : WIRE_STREAM_PAYLOAD;
        for (size_t got = 0; got < chunk; ) {
            ssize_t k = pread(fd, packet + WIRE_PREFIX + got, chunk - got, (off_t)(sent + got));
            if (k == 0)
                die("%s ended early", opt.file);
            if (k < 0 && errno != EINTR)
                die("read %s: %s", opt.file, strerror(errno));
            if (k > 0)
                got += (size_t)k;
        }
        wire_put_header(packet, (uint32_t)(WIRE_PREFIX + chunk), PROC_STORAGE_VOL_UPLOAD, WIRE_STREAM,
                        stream_serial, WIRE_CONTINUE);
        send_message(packet, WIRE_PREFIX + chunk);
        sent += chunk;
        packets++;
    }
    finish_stream(PROC_STORAGE_VOL_UPLOAD, stream_serial);
    double t1 = now_s();
    report("upload", size, packets, t1 - t0, "write_calls", write_calls);
    free(packet);
}

static void upload(void)
{
    int fd = open(opt.file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        die("%s: %s", opt.file, strerror(errno));
    size_t size = (size_t)st.st_size;
    const unsigned char *data = NULL;
    if (opt.send == SEND_READ) {
        upload_by_read(fd, size);
        close(fd);
        return;
    }
    if (opt.send == SEND_MMAP && size) {
        /* MAP_POPULATE: the pages are mapped here, not faulted in one by one during the send */
        data = mmap(NULL, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
        if (data == MAP_FAILED)
            die("mmap %s: %s", opt.file, strerror(errno));
    }

    double t0 = now_s();
    stream_serial = open_stream(PROC_STORAGE_VOL_UPLOAD);
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
    unsigned char headers[MAX_BATCH][WIRE_PREFIX];
    struct iovec iov[2 * MAX_BATCH];
    unsigned long long packets = 0;
    size_t sent = 0;
    while (sent < size) {
        int n = 0;
        for (int p = 0; p < opt.batch && sent < size; p++) {
            size_t chunk = size - sent < WIRE_STREAM_PAYLOAD ? size - sent : WIRE_STREAM_PAYLOAD;
            wire_put_header(headers[p], (uint32_t)(WIRE_PREFIX + chunk), PROC_STORAGE_VOL_UPLOAD,
                            WIRE_STREAM, stream_serial, WIRE_CONTINUE);
            if (opt.send == SEND_SENDFILE) {
                send_packet_sendfile(headers[p], fd, (off_t)sent, chunk);
            } else {
                iov[n++] = (struct iovec){ headers[p], WIRE_PREFIX };
                iov[n++] = (struct iovec){ (void *)(data + sent), chunk };
            }
            sent += chunk;
            packets++;
        }
        if (n)
            write_all(iov, n);
    }
    finish_stream(PROC_STORAGE_VOL_UPLOAD, stream_serial);
    double t1 = now_s();
    report("upload", size, packets, t1 - t0, "write_calls", write_calls);
    if (data)
        munmap((void *)data, size);
    close(fd);
}

static void download(void)
{
    int out = -1;
    if (opt.file) {
        out = open(opt.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0)
            die("%s: %s", opt.file, strerror(errno));
    }
    double t0 = now_s();
    uint32_t serial = open_stream(PROC_STORAGE_VOL_DOWNLOAD);
    unsigned long long bytes = 0, packets = 0, calls_before = read_calls;
    for (;;) {
        struct wire_header h;
        size_t n;
        const unsigned char *body = next_message(&h, &n);
        if (h.serial != serial)
            continue;
        if (h.status == WIRE_ERROR) {
            char why[512];
            die("the daemon ended the download: %s", wire_error_text(body, n, why, sizeof why));
        }
        if (h.type != WIRE_STREAM)
            die("unexpected message type %u in the download", h.type);
        if (h.status != WIRE_CONTINUE)
            die("unexpected stream status %u before the end of the data", h.status);
        if (n == 0)  /* the daemon's end of data: an empty CONTINUE (virNetServerProgramSendStreamData) */
            break;
        packets++;
        bytes += n;
        for (size_t done = 0; out >= 0 && done < n; ) {
            ssize_t k = write(out, body + done, n - done);
            if (k < 0 && errno != EINTR)
                die("write %s: %s", opt.file, strerror(errno));
            if (k > 0)
                done += (size_t)k;
        }
    }
    finish_stream(PROC_STORAGE_VOL_DOWNLOAD, serial);
    double t1 = now_s();
    if (out >= 0 && close(out) < 0)
        die("close %s: %s", opt.file, strerror(errno));
    report("download", bytes, packets, t1 - t0, "read_calls", read_calls - calls_before);
}

static unsigned long long number(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || end == s)
        die("%s: not a number: %s", what, s);
    return v;
}

int main(int argc, char **argv)
{
    const char *pos[5];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            opt.name = argv[++i];
        else if (strcmp(argv[i], "--offset") == 0 && i + 1 < argc)
            opt.offset = number(argv[++i], "--offset");
        else if (strcmp(argv[i], "--length") == 0 && i + 1 < argc)
            opt.length = number(argv[++i], "--length");
        else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
            opt.batch = (int)number(argv[++i], "--batch");
        else if (strcmp(argv[i], "--send") == 0 && i + 1 < argc) {
            const char *how = argv[++i];
            if (strcmp(how, "read") == 0)
                opt.send = SEND_READ;
            else if (strcmp(how, "mmap") == 0)
                opt.send = SEND_MMAP;
            else if (strcmp(how, "sendfile") == 0)
                opt.send = SEND_SENDFILE;
            else
                die("--send is read, mmap or sendfile");
        }
        else if (argv[i][0] == '-' && argv[i][1] == '-')
            die("unknown option %s", argv[i]);
        else if (npos < 5)
            pos[npos++] = argv[i];
        else
            die("too many arguments");
    }
    bool up = npos == 5 && strcmp(pos[0], "upload") == 0;
    bool down = (npos == 4 || npos == 5) && strcmp(pos[0], "download") == 0;
    if (!up && !down) {
        fputs("usage: vol-stream upload ADDR POOL VOLUME FILE [--name URI] [--offset N] [--length N] [--batch N]\n"
              "                         [--send mmap|read|sendfile]\n"
              "       vol-stream download ADDR POOL VOLUME [FILE] [--name URI] [--offset N] [--length N]\n"
              "ADDR: HOST:PORT or unix:PATH\n", stderr);
        return 2;
    }
    if (opt.batch < 1 || opt.batch > MAX_BATCH)
        die("--batch must be 1..%d", MAX_BATCH);
    opt.op = pos[0];
    opt.addr = pos[1];
    opt.pool = pos[2];
    opt.volume = pos[3];
    opt.file = npos == 5 ? pos[4] : NULL;
    signal(SIGPIPE, SIG_IGN);  /* a daemon that hangs up is reported, not a silent death */
    rbuf = malloc(READ_BUFFER);
    if (!rbuf)
        die("out of memory");
    sock = connect_to(opt.addr);
    handshake();
    if (up)
        upload();
    else
        download();
    size_t n;
    call(PROC_CONNECT_CLOSE, NULL, 0, &n, NULL);  /* as virsh does at its end */
    close(sock);
    return 0;
}
