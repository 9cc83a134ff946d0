/*
 * Intel store benchmark: build time, memory and lookups/s for IPv4, IPv6 and domains against
 * indicator sets of the sizes given on the command line (default 1M and 10M).  Indicators are
 * random public addresses (a tenth of them /24 networks) and random domains (a tenth wildcards);
 * half of the probes hit, half miss.
 *   usage: bench_intel [N...]
 */
#include "core/compat.h"

#include "enrich/intel.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 11.0.0.0 - 99.255.255.255 holds no private or reserved block except 100.64/10 above it */
static uint32_t public_v4(void)
{
    return 0x0B000000u + (uint32_t)(next64() % (0x63FFFFFFu - 0x0B000000u));
}

static void domain_name(uint64_t k, char *out, size_t cap)
{
    snprintf(out, cap, "h%" PRIx64 ".d%" PRIu64 ".example-%u.com", k, k % 100003,
             (unsigned)(k % 97));
}

static void run(size_t n)
{
    struct vg_diag diag;
    vg_diag_init(&diag, 0, NULL, NULL);
    struct vg_diag_loc loc = { "bench", 0, 0 };
    uint32_t *v4 = malloc(n * sizeof(*v4));
    uint64_t *dom = malloc(n * sizeof(*dom));
    size_t n6 = n / 10;
    struct vg_ip *v6 = malloc((n6 ? n6 : 1) * sizeof(*v6));
    double t0 = now_s();
    struct vg_intel_builder *b = vg_intel_builder_new();
    uint32_t list;
    vg_intel_builder_list(b, "bench", "bench", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, &list);
    char text[128];
    for (size_t i = 0; i < n; i++) {
        v4[i] = public_v4();
        bool net = i % 10 == 0;
        snprintf(text, sizeof(text), "%u.%u.%u.%u%s", v4[i] >> 24, v4[i] >> 16 & 255,
                 v4[i] >> 8 & 255, net ? 0 : v4[i] & 255, net ? "/24" : "");
        vg_intel_builder_add(b, list, vg_str_from(text), VG_STR("bench"), &diag, &loc);
    }
    for (size_t i = 0; i < n6; i++) {
        v6[i].family = 6;
        uint64_t hi = 0x2a00000000000000ull | (next64() >> 8), lo = next64();
        for (int k = 0; k < 8; k++) {
            v6[i].addr[k] = (uint8_t)(hi >> (56 - 8 * k));
            v6[i].addr[8 + k] = (uint8_t)(lo >> (56 - 8 * k));
        }
        vg_ip_format(&v6[i], text, sizeof(text));
        vg_intel_builder_add(b, list, vg_str_from(text), VG_STR_NULL, &diag, &loc);
    }
    for (size_t i = 0; i < n; i++) {
        dom[i] = next64();
        char name[100];
        domain_name(dom[i], name, sizeof(name));
        snprintf(text, sizeof(text), "%s%s", i % 10 == 0 ? "*." : "", name);
        vg_intel_builder_add(b, list, vg_str_from(text), VG_STR_NULL, &diag, &loc);
    }
    double t1 = now_s();
    struct vg_intel *in = vg_intel_freeze(b);
    double t2 = now_s();
    uint64_t total = vg_intel_indicator_count(in);
    printf("%zu IPv4 + %zu IPv6 + %zu domains: add %.2f s, freeze %.2f s, %.1f MB (%.1f MB per "
           "million indicators)\n",
           n, n6, n, t1 - t0, t2 - t1, (double)vg_intel_memory(in) / 1e6,
           (double)vg_intel_memory(in) / 1e6 / ((double)total / 1e6));

    enum { Q = 4000000 };
    struct vg_intel_match m;
    size_t hits = 0;
    double q0 = now_s();
    for (size_t q = 0; q < Q; q++) {
        uint32_t v = q & 1 ? v4[next64() % n] : public_v4();
        struct vg_ip ip = { .family = 4,
                            .addr = { v >> 24, v >> 16 & 255, v >> 8 & 255, v & 255 } };
        hits += vg_intel_match_ip(in, &ip, &m);
    }
    double q1 = now_s();
    for (size_t q = 0; q < Q; q++) {
        struct vg_ip ip = v6[next64() % (n6 ? n6 : 1)];
        if (q & 1)
            ip.addr[15] ^= 1;
        hits += vg_intel_match_ip(in, &ip, &m);
    }
    double q2 = now_s();
    char name[100];
    for (size_t q = 0; q < Q; q++) {
        uint64_t k = q & 1 ? dom[next64() % n] : next64();
        domain_name(k, name, sizeof(name));
        hits += vg_intel_match_domain(in, vg_str_from(name), &m);
    }
    double q3 = now_s();
    printf("  lookups/s: IPv4 %.1f M, IPv6 %.1f M, domains %.1f M (with name formatting)  [%zu "
           "hits]\n",
           Q / (q1 - q0) / 1e6, Q / (q2 - q1) / 1e6, Q / (q3 - q2) / 1e6, hits);
    vg_intel_free(in);
    free(v4);
    free(v6);
    free(dom);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        run(1000000);
        run(10000000);
    }
    for (int i = 1; i < argc; i++)
        run((size_t)strtoull(argv[i], NULL, 10));
    return 0;
}
