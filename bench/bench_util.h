/*
 * What the parser benchmarks share: a seeded generator for their synthetic input, a monotonic
 * clock and a growable text buffer.  Header-only: each bench is one program built from one file.
 */
#ifndef VG_BENCH_UTIL_H
#define VG_BENCH_UTIL_H

#include "core/compat.h"
#include "core/err.h"
#include "parse/format.h"
#include "parse/json.h"

/* splitmix64 with a fixed seed: the same input on every run, so figures compare */
static uint64_t bench_rng_state = 0x2545F4914F6CDD1Dull;

static inline uint64_t next64(void)
{
    uint64_t z = (bench_rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline unsigned below(unsigned n)
{
    return (unsigned)(next64() % n);
}

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct text {
    char *data;
    size_t len, cap;
    size_t lines;
};

static inline void put(struct text *t, const char *fmt, ...) VG_PRINTF(2, 3);
static inline void put(struct text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->data + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = t->cap * 2 + 4096;
        t->data = realloc(t->data, t->cap);
        if (!t->data) {
            fprintf(stderr, "bench: out of memory\n");
            exit(1);
        }
    }
}

/* Seconds one parse of t takes with a fresh batch (arena, JSON reader), events to on_event.
 * Synthetic input must parse cleanly: any report means the benchmark measures the wrong thing,
 * so it stops. */
static inline double bench_time_parse(const char *prog, const struct vg_format *format,
                                      const struct text *t, vg_event_fn on_event, void *sink,
                                      struct vg_parse_stats *stats)
{
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_diag diag;
    vg_arena_init(&arena, 1 << 16, 0);
    vg_json_parser_init(&json, &arena, 1 << 20);
    vg_diag_init(&diag, 5, NULL, NULL);
    memset(stats, 0, sizeof(*stats));
    struct vg_parse_ctx ctx = {
        .source = "bench",
        .arena = &arena,
        .json = &json,
        .diag = &diag,
        .stats = stats,
        .on_event = on_event,
        .event_ctx = sink,
    };
    double t0 = now_s();
    int rc = format->parse(&ctx, t->data, t->len);
    double t1 = now_s();
    if (rc != VG_OK || diag.total != 0) {
        fprintf(stderr, "%s: parse failed (%s, %" PRIu64 " reports: %s)\n", prog, vg_strerror(rc),
                diag.total, diag.last);
        exit(1);
    }
    vg_json_parser_release(&json);
    vg_arena_release(&arena);
    return t1 - t0;
}

#endif
