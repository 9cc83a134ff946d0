/*
 * Route 53 Resolver query log parser benchmark: records/s and MB/s of vg_format_route53.parse
 * over JSON lines already in memory (no gzip, no detectors), next to jansson parsing the same
 * lines (json_loadb per line, then reading the same fields), measured in the same run on the
 * same buffer.  The input is generated with a fixed seed: S3-delivery JSON lines with the
 * mix a VPC resolver logs (A/AAAA/PTR/HTTPS queries, CNAME chains, NXDOMAIN, empty answers,
 * some upper-case names and DNS Firewall fields).
 *
 * These machines are shared and drift by tens of percent within minutes, so each figure is the
 * best of `runs` passes and the ratio to the reference is printed with it.
 *   usage: bench_parse_route53 [MILLION_LINES [RUNS]]   (default 0.5 million lines, 3 runs)
 */
#include "core/compat.h"

#include "bench_util.h"
#include "parse/json.h"
#include "parse/route53.h"

#include <jansson.h>

static void gen(struct text *t, size_t n)
{
    static const char *const zones[] = { "amazonaws.com", "example.com", "ec2.internal",
                                         "github.com",    "ubuntu.com",  "cloudfront.net" };
    static const char *const hosts[] = { "www", "api", "s3", "ssm.us-east-1", "cdn", "Mail" };
    for (size_t i = 0; i < n; i++) {
        unsigned r = below(100), sec = (unsigned)(i / 2000);
        char name[128], answers[512];
        const char *type = r < 45 ? "A" : r < 75 ? "AAAA" : r < 90 ? "PTR" : "HTTPS";
        const char *rcode = below(10) == 0 ? "NXDOMAIN" : "NOERROR";
        if (type[0] == 'P')
            snprintf(name, sizeof(name), "%u.%u.%u.10.in-addr.arpa.", below(256), below(256),
                     below(256));
        else
            snprintf(name, sizeof(name), "%s%u.%s.", hosts[below(VG_ARRAY_LEN(hosts))], below(50),
                     zones[below(VG_ARRAY_LEN(zones))]);
        if (rcode[0] == 'N' && rcode[1] == 'X')
            snprintf(answers, sizeof(answers), "[]");
        else if (type[0] == 'P')
            snprintf(
                answers, sizeof(answers),
                "[{\"Rdata\":\"ip-10-0-%u-%u.ec2.internal.\",\"Type\":\"PTR\",\"Class\":\"IN\"}]",
                below(256), below(256));
        else if (type[1] == 'A')
            snprintf(answers, sizeof(answers),
                     "[{\"Rdata\":\"edge.%s\",\"Type\":\"CNAME\",\"Class\":\"IN\"},"
                     "{\"Rdata\":\"2600:1f18:%x::%x\",\"Type\":\"AAAA\",\"Class\":\"IN\"}]",
                     name, below(65536), below(65536));
        else if (type[0] == 'A')
            snprintf(answers, sizeof(answers),
                     "[{\"Rdata\":\"%u.%u.%u.%u\",\"Type\":\"A\",\"Class\":\"IN\"},"
                     "{\"Rdata\":\"%u.%u.%u.%u\",\"Type\":\"A\",\"Class\":\"IN\"}]",
                     11 + below(180), below(256), below(256), 1 + below(254), 11 + below(180),
                     below(256), below(256), 1 + below(254));
        else
            snprintf(answers, sizeof(answers), "[]");
        put(t,
            "{\"version\":\"1.100000\",\"account_id\":\"1234567890%02u\",\"region\":\"us-east-1\","
            "\"vpc_id\":\"vpc-0a1b2c3d%04u\",\"query_timestamp\":\"2024-03-12T%02u:%02u:%02uZ\","
            "\"query_name\":\"%s\",\"query_type\":\"%s\",\"query_class\":\"IN\",\"rcode\":\"%s\","
            "\"answers\":%s,\"srcaddr\":\"10.0.%u.%u\",\"srcport\":\"%u\",\"transport\":\"UDP\","
            "\"srcids\":{\"instance\":\"i-0f1e2d3c4b5a%05u\"}%s}\n",
            below(7), below(13), sec / 3600 % 24, sec / 60 % 60, sec % 60, name, type, rcode,
            answers, below(256), 1 + below(254), 1024 + below(64000), below(2000),
            below(50) == 0 ? ",\"firewall_rule_action\":\"ALERT\",\"firewall_rule_group_id\":"
                             "\"rslvr-frg-1\",\"firewall_domain_list_id\":\"rslvr-fdl-1\""
                           : "");
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
    s->check += ev->dns.query.text.len + ev->dns.query_type + ev->dns.src.addr[3] +
                ev->dns.answer_count + (uint64_t)ev->time_ms;
}

static double time_parse(const struct text *t, struct sink *sink, struct vg_parse_stats *stats)
{
    memset(sink, 0, sizeof(*sink));
    return bench_time_parse("bench_parse_route53", &vg_format_route53, t, on_event, sink, stats);
}

/* jansson: one json_loadb per line, then the fields vigil maps read back. */
static double time_jansson(const struct text *t, uint64_t *records)
{
    uint64_t n = 0, sum = 0;
    double t0 = now_s();
    const char *p = t->data, *end = t->data + t->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        json_error_t err;
        json_t *rec = json_loadb(p, (size_t)(nl - p), 0, &err);
        if (rec) {
            const char *name = json_string_value(json_object_get(rec, "query_name"));
            sum += name ? strlen(name) : 0;
            sum += json_array_size(json_object_get(rec, "answers"));
            const char *src = json_string_value(json_object_get(rec, "srcaddr"));
            sum += src ? (unsigned char)src[0] : 0;
            json_decref(rec);
            n++;
        }
        p = nl + 1;
    }
    double t1 = now_s();
    *records = n + (sum == 42);
    return t1 - t0;
}

static void line(const char *what, double items, double mb, double seconds, const char *note)
{
    printf("  %-34s %10.0f records/s %7.0f MB/s  %s\n", what, items / seconds, mb / seconds, note);
}

int main(int argc, char **argv)
{
    double million = 0.5;
    int runs = 3;
    if (argc > 1)
        million = strtod(argv[1], NULL);
    if (argc > 2)
        runs = (int)strtol(argv[2], NULL, 10);
    if (!(million > 0 && million <= 100) || runs < 1) {
        fprintf(stderr, "usage: bench_parse_route53 [MILLION_LINES [RUNS]]\n");
        return 2;
    }
    struct text t = { 0 };
    gen(&t, (size_t)(million * 1e6));
    double best_parse = 1e30, best_jansson = 1e30;
    struct sink sink;
    struct vg_parse_stats stats;
    uint64_t jrecords = 0;
    for (int i = 0; i < runs; i++) {
        double a = time_parse(&t, &sink, &stats);
        double b = time_jansson(&t, &jrecords);
        best_parse = a < best_parse ? a : best_parse;
        best_jansson = b < best_jansson ? b : best_jansson;
    }
    if (stats.events != t.lines || jrecords < t.lines) {
        fprintf(stderr, "bench_parse_route53: %" PRIu64 " events from %zu lines\n", stats.events,
                t.lines);
        return 1;
    }
    double mb = (double)t.len / 1e6, recs = (double)t.lines;
    printf("route53 parser, one core, JSON lines in memory, best of %d runs\n", runs);
    printf("S3 delivery lines: %zu lines, %.0f MB, %.0f bytes/line\n", t.lines, mb,
           (double)t.len / recs);
    line("vg_format_route53.parse", recs, mb, best_parse, "");
    line("jansson json_loadb per line", recs, mb, best_jansson, "(reference, same run)");
    printf("  parser: %.1fx jansson  (checksum %" PRIx64 ")\n", best_jansson / best_parse,
           sink.check);
    free(t.data);
    return 0;
}
