/*
 * measure.h - what every bench tool measures the same way: the monotonic clock, a latency
 * histogram, the CPU used during the measured window (by the tool, by the daemon under test
 * and by the whole host), and the one JSON line each tool prints on stdout.
 *
 * Header-only, so that each tool stays one .c file plus these headers.
 */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/types.h>

#define NS_PER_S 1000000000ull

static inline uint64_t clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static inline uint64_t seconds_to_ns(double s)
{
    return (uint64_t)(s * 1e9);
}

/* ---- latency histogram ------------------------------------------------------------------ */
/*
 * Log-linear: every octave [2^k, 2^(k+1)) of nanoseconds is cut into LAT_STEPS equal steps, and
 * values below LAT_STEPS ns are kept exactly. A quantile is reported as the middle of its step,
 * so it is within 1/LAT_STEPS (1.6 %) of a recorded value. Fixed size, so each thread keeps its
 * own and they are added together at the end without any locking.
 */
#define LAT_STEP_BITS 6
#define LAT_STEPS (1u << LAT_STEP_BITS)
#define LAT_SLOTS ((64u - LAT_STEP_BITS + 1u) * LAT_STEPS)

struct latency {
    uint64_t slot[LAT_SLOTS];
    uint64_t count;
    uint64_t max_ns;
};

static inline unsigned latency_slot(uint64_t ns)
{
    if (ns < LAT_STEPS)
        return (unsigned)ns;
    unsigned top = 63u - (unsigned)__builtin_clzll(ns);   /* ns >= 2^top */
    unsigned shift = top - LAT_STEP_BITS;                 /* step width is 2^shift */
    unsigned step = (unsigned)(ns >> shift) - LAT_STEPS;  /* 0 .. LAT_STEPS-1 */
    return (shift + 1u) * LAT_STEPS + step;
}

/* The middle of a slot's range (its exact value below LAT_STEPS). */
static inline uint64_t latency_slot_middle(unsigned slot)
{
    if (slot < LAT_STEPS)
        return slot;
    unsigned shift = slot / LAT_STEPS - 1u;
    uint64_t low = (uint64_t)(LAT_STEPS + slot % LAT_STEPS) << shift;
    return low + (((uint64_t)1 << shift) / 2);
}

static inline void latency_record(struct latency *l, uint64_t ns)
{
    l->slot[latency_slot(ns)]++;
    l->count++;
    if (ns > l->max_ns)
        l->max_ns = ns;
}

static inline void latency_add(struct latency *into, const struct latency *from)
{
    for (unsigned i = 0; i < LAT_SLOTS; i++)
        into->slot[i] += from->slot[i];
    into->count += from->count;
    if (from->max_ns > into->max_ns)
        into->max_ns = from->max_ns;
}

/* The value below which a fraction q of the recorded values lie (nearest rank), in ns. */
static inline uint64_t latency_quantile(const struct latency *l, double q)
{
    if (l->count == 0)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)l->count);
    if ((double)rank < q * (double)l->count)
        rank++;                             /* ceil without libm */
    if (rank == 0)
        rank = 1;
    uint64_t below = 0;
    for (unsigned i = 0; i < LAT_SLOTS; i++) {
        below += l->slot[i];
        if (below >= rank) {
            uint64_t v = latency_slot_middle(i);
            return v < l->max_ns ? v : l->max_ns;
        }
    }
    return l->max_ns;
}

/* ---- CPU over the measured window ------------------------------------------------------- */
/*
 * The tool's own CPU (getrusage), the daemon's (/proc/PID/stat, clock ticks) and the whole
 * host's busy time (/proc/stat). On a shared machine host - tool - daemon is what everything
 * else used meanwhile: the noise of that measurement.
 */
struct cpu_window {
    pid_t daemon;           /* 0: not measured */
    uint64_t start_ns;
    double tool_s, daemon_s, host_s;
    double tool_pct, daemon_pct, host_pct;  /* % of one core; negative: unknown */
};

static inline double tool_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* utime + stime of a process, or -1. */
static inline double process_cpu_s(pid_t pid)
{
    char path[48], text[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    /* field 2 is "(comm)" and comm may hold spaces: count fields after the last ')' */
    char *p = strrchr(text, ')');
    if (!p)
        return -1;
    unsigned long long utime = 0, stime = 0;
    int field = 2;
    char *save = NULL;
    for (char *tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        field++;
        if (field == 14)
            utime = strtoull(tok, NULL, 10);
        else if (field == 15) {
            stime = strtoull(tok, NULL, 10);
            return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
        }
    }
    return -1;
}

/* Busy time of all CPUs together (user nice system irq softirq steal), or -1. */
static inline double host_busy_s(void)
{
    unsigned long long user, nice, sys, idle, iowait, irq = 0, softirq = 0, steal = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return -1;
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
                     &user, &nice, &sys, &idle, &iowait, &irq, &softirq, &steal);
    fclose(f);
    if (got < 4)
        return -1;
    return (double)(user + nice + sys + irq + softirq + steal) / (double)sysconf(_SC_CLK_TCK);
}

static inline void cpu_window_open(struct cpu_window *w, pid_t daemon)
{
    w->daemon = daemon;
    w->start_ns = clock_ns();
    w->tool_s = tool_cpu_s();
    w->daemon_s = daemon > 0 ? process_cpu_s(daemon) : -1;
    w->host_s = host_busy_s();
}

static inline void cpu_window_close(struct cpu_window *w)
{
    double wall = (double)(clock_ns() - w->start_ns) / 1e9;
    double d = w->daemon > 0 ? process_cpu_s(w->daemon) : -1;
    double h = host_busy_s();
    w->tool_pct = 100.0 * (tool_cpu_s() - w->tool_s) / wall;
    w->daemon_pct = (w->daemon_s >= 0 && d >= 0) ? 100.0 * (d - w->daemon_s) / wall : -1;
    w->host_pct = (w->host_s >= 0 && h >= 0) ? 100.0 * (h - w->host_s) / wall : -1;
}

/* ---- the JSON result line ---------------------------------------------------------------- */
/*
 * json_begin(); json_*(key, value)...; json_end(); prints {"key":value,...} and a newline on
 * stdout. Keys are plain identifiers; string values get quotes and backslashes escaped.
 */
static bool json_first;

static inline void json_key(const char *key)
{
    printf("%s\"%s\":", json_first ? "" : ",", key);
    json_first = false;
}

static inline void json_begin(void)
{
    json_first = true;
    putchar('{');
}

static inline void json_end(void)
{
    puts("}");
    fflush(stdout);
}

static inline void json_str(const char *key, const char *v)
{
    json_key(key);
    putchar('"');
    for (; *v; v++) {
        if (*v == '"' || *v == '\\')
            putchar('\\');
        putchar(*v);
    }
    putchar('"');
}

static inline void json_int(const char *key, long long v)
{
    json_key(key);
    printf("%lld", v);
}

static inline void json_bool(const char *key, bool v)
{
    json_key(key);
    fputs(v ? "true" : "false", stdout);
}

/* A number with the given decimals; null when negative (unknown). */
static inline void json_num(const char *key, double v, int decimals)
{
    json_key(key);
    if (v < 0)
        fputs("null", stdout);
    else
        printf("%.*f", decimals, v);
}

/* <prefix>p50_us, p99_us, p999_us, max_us */
static inline void json_latency(const char *prefix, const struct latency *l)
{
    static const struct { const char *name; double q; } points[] = {
        { "p50_us", 0.50 }, { "p99_us", 0.99 }, { "p999_us", 0.999 },
    };
    char key[64];
    for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
        snprintf(key, sizeof(key), "%s%s", prefix, points[i].name);
        json_num(key, (double)latency_quantile(l, points[i].q) / 1e3, 1);
    }
    snprintf(key, sizeof(key), "%smax_us", prefix);
    json_num(key, (double)l->max_ns / 1e3, 1);
}

/* cli_cpu_pct (the tool), srv_cpu_pct (the daemon), host_cpu_pct, ncpu */
static inline void json_cpu(const struct cpu_window *w)
{
    json_num("cli_cpu_pct", w->tool_pct, 0);
    json_num("srv_cpu_pct", w->daemon_pct, 0);
    json_num("host_cpu_pct", w->host_pct, 0);
    json_int("ncpu", sysconf(_SC_NPROCESSORS_ONLN));
}

/* ---- option values ---------------------------------------------------------------------- */

static inline long option_long(const char *name, const char *text, long lo, long hi)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "%s wants a whole number from %ld to %ld, not '%s'\n", name, lo, hi, text);
        exit(2);
    }
    return v;
}

static inline double option_double(const char *name, const char *text, double lo)
{
    char *end;
    double v = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !(v >= lo)) {
        fprintf(stderr, "%s wants a number of at least %g, not '%s'\n", name, lo, text);
        exit(2);
    }
    return v;
}

#endif
