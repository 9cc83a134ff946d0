/*
 * What the parser benchmarks share: a seeded generator for their synthetic input, a monotonic
 * clock and a growable text buffer.  Header-only: each bench is one program built from one file.
 */
#ifndef VG_BENCH_UTIL_H
#define VG_BENCH_UTIL_H

#include "core/compat.h"

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

#endif
