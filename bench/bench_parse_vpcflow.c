/*
 * VPC Flow Logs parser benchmark: records/s and MB/s of vg_format_vpcflow.parse over flow log
 * text already in memory (no gzip, no detectors), with its x86-64-v2 and its portable column
 * loops, next to two references measured in the same run on the same buffer: a memchr pass that
 * only counts the newlines, the least any line reader can do, and the straightforward
 * split-and-convert parser (strtoull, inet_pton) that issue 4 quotes at ~2.4 M lines/s.  Two inputs
 * are generated with a fixed seed: the header-less default version-2 format, and an S3 object in
 * the "every field up to version 5" custom format (29 fields, with its header). Traffic is a
 * plausible mix: mostly TCP, private and public IPv4, 3% IPv6, ephemeral and well-known ports, 10%
 * REJECT, 1% NODATA/SKIPDATA.
 *
 * These machines are shared and drift by tens of percent within minutes, so each figure is the
 * best of `runs` passes and the ratio to the reference is printed with it.
 *   usage: bench_parse_vpcflow [MILLION_LINES [RUNS [v2|v5]]]   (default 2 million lines, 3 runs,
 *                                                                both inputs)
 */
#include "core/compat.h"

#include "bench_util.h"
#include "parse/json.h"
#include "parse/vpcflow.h"

static void address(char *out, size_t cap, bool v6, bool private_side)
{
    if (v6) {
        snprintf(out, cap, "2600:1f18:%x:%x:%x:%x:%x:%x", below(0x10000), below(0x10000),
                 below(0x10000), below(0x10000), below(0x10000), below(0x10000));
    } else if (private_side) {
        if (below(2))
            snprintf(out, cap, "10.%u.%u.%u", below(256), below(256), 1 + below(254));
        else
            snprintf(out, cap, "172.31.%u.%u", below(256), 1 + below(254));
    } else {
        snprintf(out, cap, "%u.%u.%u.%u", 11 + below(180), below(256), below(256), 1 + below(254));
    }
}

struct flow {
    char src[48], dst[48];
    unsigned sport, dport, proto, packets, bytes, start, end;
    const char *action, *status;
    bool nodata, v6, inbound;
    unsigned eni;
};

static void make_flow(struct flow *f, size_t i)
{
    static const unsigned services[] = { 22, 80,  443,  443,  443,  3389,
                                         53, 123, 8080, 5432, 3306, 6379 };
    unsigned r = below(1000);
    f->nodata = r < 10;
    f->status = r < 8 ? "NODATA" : r < 10 ? "SKIPDATA" : "OK";
    f->v6 = below(100) < 3;
    f->inbound = below(2);
    f->eni = below(2000);
    address(f->inbound ? f->dst : f->src, sizeof(f->src), f->v6, true);
    address(f->inbound ? f->src : f->dst, sizeof(f->src), f->v6, below(4) == 0);
    unsigned p = below(100);
    f->proto = p < 80 ? 6 : p < 97 ? 17 : 1;
    unsigned svc = services[below(VG_ARRAY_LEN(services))], eph = 32768 + below(32768);
    f->sport = f->proto == 1 ? 0 : f->inbound ? eph : svc;
    f->dport = f->proto == 1 ? 0 : f->inbound ? svc : eph;
    if (below(10) == 0) /* scans and probes to random ports */
        f->dport = f->proto == 1 ? 0 : below(65536);
    f->packets = 1 + (below(8) == 0 ? below(100000) : below(40));
    f->bytes = f->packets * (40 + below(1460));
    f->start = 1700000000u + (unsigned)(i / 5000);
    f->end = f->start + below(61);
    f->action = below(10) == 0 ? "REJECT" : "ACCEPT";
}

static void gen_v2(struct text *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct flow f;
        make_flow(&f, i);
        if (f.nodata)
            put(t, "2 1234567890%02u eni-0a1b2c3d4e5f%05u - - - - - - - %u %u - %s\n", f.eni % 7,
                f.eni, f.start, f.end, f.status);
        else
            put(t, "2 1234567890%02u eni-0a1b2c3d4e5f%05u %s %s %u %u %u %u %u %u %u %s %s\n",
                f.eni % 7, f.eni, f.src, f.dst, f.sport, f.dport, f.proto, f.packets, f.bytes,
                f.start, f.end, f.action, f.status);
        t->lines++;
    }
}

static void gen_v5(struct text *t, size_t n)
{
    static const char *const svc[] = { "-", "-", "-", "-", "-", "-", "AMAZON", "S3", "EC2" };
    static const unsigned flags[] = { 0, 2, 3, 18, 19, 1, 27 };
    put(t, "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
           "start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr "
           "pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service "
           "pkt-dst-aws-service flow-direction traffic-path\n");
    for (size_t i = 0; i < n; i++) {
        struct flow f;
        make_flow(&f, i);
        char inst[32];
        if (f.eni % 5 == 0)
            snprintf(inst, sizeof(inst), "-");
        else
            snprintf(inst, sizeof(inst), "i-0f1e2d3c4b5a%05u", f.eni);
        if (f.nodata) {
            put(t,
                "5 1234567890%02u eni-0a1b2c3d4e5f%05u - - - - - - - %u %u - %s vpc-0a1b2c3d%04u "
                "subnet-0a1b2c3d4e%03u %s - - - - us-east-1 use1-az%u - - - - - -\n",
                f.eni % 7, f.eni, f.start, f.end, f.status, f.eni % 13, f.eni % 97, inst,
                1 + f.eni % 6);
        } else {
            char path[4] = "-";
            if (!f.inbound)
                snprintf(path, sizeof(path), "%u", 1 + below(8));
            put(t,
                "5 1234567890%02u eni-0a1b2c3d4e5f%05u %s %s %u %u %u %u %u %u %u %s %s "
                "vpc-0a1b2c3d%04u subnet-0a1b2c3d4e%03u %s %u %s %s %s us-east-1 use1-az%u - - %s "
                "%s %s %s\n",
                f.eni % 7, f.eni, f.src, f.dst, f.sport, f.dport, f.proto, f.packets, f.bytes,
                f.start, f.end, f.action, f.status, f.eni % 13, f.eni % 97, inst,
                f.proto == 6 ? flags[below(VG_ARRAY_LEN(flags))] : 0, f.v6 ? "IPv6" : "IPv4", f.src,
                f.dst, 1 + f.eni % 6, svc[below(VG_ARRAY_LEN(svc))], svc[below(VG_ARRAY_LEN(svc))],
                f.inbound ? "ingress" : "egress", path);
        }
        t->lines++;
    }
}

struct sink {
    uint64_t events;
    uint64_t check; /* folds a few fields, so the events are really looked at */
};

static void on_event(void *ctx, struct vg_event *ev)
{
    struct sink *s = ctx;
    s->events++;
    s->check += ev->flow.dst_port + ev->flow.bytes + ev->flow.src.addr[3] + (uint64_t)ev->time_ms;
}

static double time_parse(const struct text *t, bool simd, struct sink *sink,
                         struct vg_parse_stats *stats)
{
    memset(sink, 0, sizeof(*sink));
    vg_vpcflow_use_simd(simd);
    double seconds =
        bench_time_parse("bench_parse_vpcflow", &vg_format_vpcflow, t, on_event, sink, stats);
    vg_vpcflow_use_simd(true);
    return seconds;
}

/* The straightforward parser the issue measured: split the line on spaces, strtoull each
 * number, inet_pton each address.  kinds has one letter per field: 'n' number, 'a' address,
 * 'e' keyword, 's' kept as text. */
static double time_split_convert(const struct text *t, const char *kinds, bool header,
                                 uint64_t *lines_out)
{
    size_t nk = strlen(kinds);
    uint64_t lines = 0, sum = 0;
    double t0 = now_s();
    const char *p = t->data, *end = t->data + t->len;
    if (header)
        p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        const char *f[48];
        size_t fl[48], k = 0;
        for (const char *q = p; q < nl && k < 48;) {
            const char *sp = memchr(q, ' ', (size_t)(nl - q));
            if (!sp)
                sp = nl;
            f[k] = q;
            fl[k++] = (size_t)(sp - q);
            q = sp + 1;
        }
        if (k == nk) {
            for (size_t i = 0; i < k; i++) {
                char tmp[64];
                if ((fl[i] == 1 && f[i][0] == '-') || fl[i] >= sizeof(tmp) || kinds[i] == 's')
                    continue;
                memcpy(tmp, f[i], fl[i]);
                tmp[fl[i]] = '\0';
                if (kinds[i] == 'n') {
                    char *e;
                    sum += strtoull(tmp, &e, 10) + (*e != '\0');
                } else if (kinds[i] == 'a') {
                    unsigned char a[16];
                    sum += inet_pton(strchr(tmp, ':') ? AF_INET6 : AF_INET, tmp, a) + a[3];
                } else {
                    sum += strcmp(tmp, "ACCEPT") == 0 || strcmp(tmp, "OK") == 0;
                }
            }
            lines++;
        }
        p = nl + 1;
    }
    double t1 = now_s();
    *lines_out = lines + (sum == 42); /* keeps sum alive */
    return t1 - t0;
}

static double time_newlines(const struct text *t, size_t *count)
{
    double t0 = now_s();
    size_t n = 0;
    const char *p = t->data, *end = t->data + t->len;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    double t1 = now_s();
    *count = n;
    return t1 - t0;
}

static void line(const char *what, double items, const char *unit, double mb, double seconds,
                 const char *note)
{
    printf("  %-40s %10.0f %s/s %7.0f MB/s  %s\n", what, items / seconds, unit, mb / seconds, note);
}

static void run(const char *name, const struct text *t, const char *kinds, bool header, int runs)
{
    double best_parse = 1e30, best_portable = 1e30, best_split = 1e30, best_nl = 1e30;
    struct sink sink, sink_portable;
    struct vg_parse_stats stats, stats_portable;
    size_t nl = 0;
    uint64_t split_lines = 0;
    for (int i = 0; i < runs; i++) {
        double a = time_parse(t, true, &sink, &stats);
        double b = time_parse(t, false, &sink_portable, &stats_portable);
        double c = time_split_convert(t, kinds, header, &split_lines);
        double d = time_newlines(t, &nl);
        best_parse = a < best_parse ? a : best_parse;
        best_portable = b < best_portable ? b : best_portable;
        best_split = c < best_split ? c : best_split;
        best_nl = d < best_nl ? d : best_nl;
    }
    if (stats.events != t->lines || stats.bad_records != 0 || sink.check != sink_portable.check ||
        stats_portable.events != t->lines) {
        fprintf(stderr, "bench_parse_vpcflow: %s: %" PRIu64 " events from %zu lines\n", name,
                stats.events, t->lines);
        exit(1);
    }
    double mb = (double)t->len / 1e6, recs = (double)t->lines;
    printf("%s: %zu lines, %.0f MB, %.0f bytes/line\n", name, t->lines, mb, (double)t->len / recs);
    line("vg_format_vpcflow.parse", recs, "records", mb, best_parse, "");
    line("  with the portable column loops", recs, "records", mb, best_portable, "");
    line("split-and-convert (strtoull, inet_pton)", recs, "records", mb, best_split,
         "(reference, same run)");
    line("memchr('\\n') count", (double)nl, "lines  ", mb, best_nl, "(reference, same run)");
    printf("  parser: %.1fx split-and-convert; %.1fx the newline count's time  (checksum %" PRIx64
           ")\n",
           best_split / best_parse, best_parse / best_nl, sink.check);
}

int main(int argc, char **argv)
{
    double million = 2;
    int runs = 3;
    if (argc > 1)
        million = strtod(argv[1], NULL);
    if (argc > 2)
        runs = (int)strtol(argv[2], NULL, 10);
    const char *only = argc > 3 ? argv[3] : "";
    if (!(million > 0 && million <= 1000) || runs < 1) {
        fprintf(stderr, "usage: bench_parse_vpcflow [MILLION_LINES [RUNS [v2|v5]]]\n");
        return 2;
    }
    size_t n = (size_t)(million * 1e6);
    printf("vpcflow parser, one core, text in memory, best of %d runs\n", runs);
    struct text t = { 0 };
    if (strcmp(only, "v5") != 0) {
        gen_v2(&t, n);
        run("default v2 format (14 fields)", &t, "sssaannnnnnnee", false, runs);
        free(t.data);
        memset(&t, 0, sizeof(t));
    }
    if (strcmp(only, "v2") != 0) {
        gen_v5(&t, n);
        run("S3 object, v5 fields (29, header)", &t,
            "sssaannnnnnnee"
            "sssnsaasssssses",
            true, runs);
        free(t.data);
    }
    return 0;
}
