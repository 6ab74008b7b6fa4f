/*
 * wire.h - the part of libvirt's RPC wire format that lvload, nullserver and vol-stream speak,
 * written out by hand so that none needs libvirt's headers (facts from libvirt 9.0's
 * src/rpc/virnetprotocol.x and src/remote/remote_protocol.x).
 *
 * Every message is a 4-byte big-endian length (counting itself), a 24-byte header
 *
 *     program, version, procedure, type, serial, status      (six 32-bit XDR words)
 *
 * and an XDR body. A reply echoes the call's program, version, procedure and serial.
 */
#ifndef BENCH_WIRE_H
#define BENCH_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define WIRE_PREFIX 28u                 /* length word + header: a call without arguments */
#define WIRE_MAX    (32u * 1024 * 1024) /* libvirt's largest message */

#define WIRE_REMOTE_PROGRAM 0x20008086u
#define WIRE_REMOTE_VERSION 1u

enum wire_type { WIRE_CALL = 0, WIRE_REPLY = 1, WIRE_MESSAGE = 2, WIRE_STREAM = 3,
                 WIRE_STREAM_HOLE = 6 };
/* CONTINUE: a stream packet with data follows; OK on a stream: the end (and its confirmation) */
enum wire_status { WIRE_OK = 0, WIRE_ERROR = 1, WIRE_CONTINUE = 2 };

/* The data of one stream packet as libvirt's client cuts it (virStreamSendAll and virStreamRecvAll
 * use VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX, 256 KiB less the 24-byte header). */
#define WIRE_STREAM_PAYLOAD 262120u

enum wire_proc {
    PROC_CONNECT_OPEN = 1,
    PROC_CONNECT_CLOSE = 2,
    PROC_DOMAIN_CREATE_XML = 10,
    PROC_DOMAIN_DESTROY = 12,
    PROC_DOMAIN_LOOKUP_BY_NAME = 23,
    PROC_DOMAIN_RESUME = 28,
    PROC_DOMAIN_SUSPEND = 34,
    PROC_CONNECT_SUPPORTS_FEATURE = 60,
    PROC_AUTH_LIST = 66,
    PROC_STORAGE_POOL_LOOKUP_BY_NAME = 84,
    PROC_STORAGE_VOL_LOOKUP_BY_NAME = 95,
    PROC_CONNECT_GET_LIB_VERSION = 157,
    PROC_STORAGE_VOL_UPLOAD = 208,      /* then the client's STREAM packets */
    PROC_STORAGE_VOL_DOWNLOAD = 209,    /* then the daemon's STREAM packets */
    PROC_CALLBACK_REGISTER_ANY = 316,   /* CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY */
    PROC_CALLBACK_DEREGISTER_ANY = 317,
    PROC_CALLBACK_LIFECYCLE = 318,      /* DOMAIN_EVENT_CALLBACK_LIFECYCLE, a MESSAGE */
};

#define WIRE_FEATURE_REMOTE_EVENT_CALLBACK 14u  /* VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK */

#define WIRE_AUTH_NONE 0u

/* virNetMessageError fields nullserver sets */
#define WIRE_ERR_NO_SUPPORT 3   /* VIR_ERR_NO_SUPPORT */
#define WIRE_FROM_RPC 7         /* VIR_FROM_RPC */
#define WIRE_LEVEL_ERROR 2      /* VIR_ERR_ERROR */

struct wire_header {
    uint32_t length, program, version, proc, type, serial, status;
};

static inline void xdr_u32(unsigned char *at, uint32_t v)
{
    at[0] = (unsigned char)(v >> 24);
    at[1] = (unsigned char)(v >> 16);
    at[2] = (unsigned char)(v >> 8);
    at[3] = (unsigned char)v;
}

static inline void xdr_u64(unsigned char *at, uint64_t v)
{
    xdr_u32(at, (uint32_t)(v >> 32));
    xdr_u32(at + 4, (uint32_t)v);
}

static inline uint32_t xdr_get_u32(const unsigned char *at)
{
    return (uint32_t)at[0] << 24 | (uint32_t)at[1] << 16 | (uint32_t)at[2] << 8 | at[3];
}

static inline uint64_t xdr_get_u64(const unsigned char *at)
{
    return (uint64_t)xdr_get_u32(at) << 32 | xdr_get_u32(at + 4);
}

/* Size of an XDR string of n bytes: its length word and the bytes padded to 4. */
static inline size_t xdr_string_size(size_t n)
{
    return 4 + ((n + 3) & ~(size_t)3);
}

/* Writes an XDR string; returns the bytes written. */
static inline size_t xdr_string(unsigned char *at, const char *s, size_t n)
{
    size_t padded = (n + 3) & ~(size_t)3;
    xdr_u32(at, (uint32_t)n);
    memcpy(at + 4, s, n);
    memset(at + 4 + n, 0, padded - n);
    return 4 + padded;
}

/* Writes the length word and header of a remote-program message at `at`. */
static inline void wire_put_header(unsigned char *at, uint32_t length, uint32_t proc,
                                   uint32_t type, uint32_t serial, uint32_t status)
{
    const uint32_t words[7] = { length, WIRE_REMOTE_PROGRAM, WIRE_REMOTE_VERSION,
                                proc, type, serial, status };
    for (int i = 0; i < 7; i++)
        xdr_u32(at + 4 * i, words[i]);
}

/* Reads the length word and header (WIRE_PREFIX bytes must be there). */
static inline struct wire_header wire_get_header(const unsigned char *at)
{
    struct wire_header h = {
        xdr_get_u32(at), xdr_get_u32(at + 4), xdr_get_u32(at + 8), xdr_get_u32(at + 12),
        xdr_get_u32(at + 16), xdr_get_u32(at + 20), xdr_get_u32(at + 24),
    };
    return h;
}

/* The text of a virNetMessageError body (code, domain, message: an optional string, level, ...)
 * as "code C domain D: MESSAGE" in `out`. */
static inline const char *wire_error_text(const unsigned char *body, size_t len, char *out,
                                          size_t outlen)
{
    if (len < 12) {
        snprintf(out, outlen, "an error without its body");
        return out;
    }
    int code = (int)xdr_get_u32(body), domain = (int)xdr_get_u32(body + 4);
    uint32_t mlen = len >= 16 ? xdr_get_u32(body + 12) : 0;
    if (xdr_get_u32(body + 8) == 1 && len >= 16 && mlen <= len - 16)
        snprintf(out, outlen, "code %d domain %d: %.*s", code, domain,
                 (int)(mlen < 400 ? mlen : 400), (const char *)body + 16);
    else
        snprintf(out, outlen, "code %d domain %d (no message)", code, domain);
    return out;
}

#endif
