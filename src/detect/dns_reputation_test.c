/*
 * Unit tests for the domain reputation score (dns_reputation.c): the namespace table, each
 * feature's points and the type its link picks, the names never scored (listed, trusted,
 * internal), learning and the newly observed window in event time, and evictions of the
 * seen-set.  Records go through vg_format_route53 (parse/route53_test_util.h).
 */
#include "detect/dns_reputation.h"

#include "core/time.h"
#include "parse/route53_test_util.h"

#define DAY_MS 86400000ll
#define T0 1772323200000ll /* 2026-03-01T00:00:00Z */

struct caught {
    unsigned count;
    enum vg_finding_type type;
    int score;
};

struct run {
    struct vg_detect_env env;
    struct vg_dns_thresholds dns;
    void *state;
    struct caught c;
};

static void on_finding(void *ctx, const struct vg_finding_draft *d)
{
    struct caught *c = ctx;
    c->count++;
    c->type = d->type;
    const char *p = strstr(d->additional.ptr, "\"score\":");
    assert_non_null(p);
    c->score = (int)strtol(p + 8, NULL, 10);
}

static void on_event(void *ctx, struct vg_event *ev)
{
    struct run *r = ctx;
    struct vg_emit emit = { on_finding, &r->c };
    vg_detector_dns_reputation.on_event(r->state, ev, &emit);
}

/* One query of `name` at `ms` with one A answer (or none when ip is NULL); what it fired. */
static struct caught query(struct run *r, int64_t ms, const char *name, const char *ip)
{
    char when[40], answers[128] = "[]", logged[300];
    vg_time_format_iso(ms, when, sizeof(when));
    if (ip)
        vg_test_route53_answer_a(answers, sizeof(answers), ip);
    snprintf(logged, sizeof(logged), "%s.", name);
    r->c = (struct caught){ 0 };
    vg_test_route53_feed(when, logged, "NOERROR", answers, on_event, r);
    return r->c;
}

static void add(struct vg_intel_builder *b, uint32_t list, const char *indicator,
                const char *threat)
{
    struct vg_diag diag;
    vg_diag_init(&diag, 0, NULL, NULL);
    struct vg_diag_loc loc = { "t.txt", 1, 0 };
    assert_int_equal(
        vg_intel_builder_add(b, list, vg_str_from(indicator), vg_str_from(threat), &diag, &loc),
        VG_OK);
}

/* Lists: curated c2 domains, a reputation feed, curated sinkhole and mining addresses, trusted
 * names. */
static struct vg_intel *lists(void)
{
    struct vg_intel_builder *b = vg_intel_builder_new();
    uint32_t c2, rep, holes, pools, ok;
    vg_intel_builder_list(b, "c2", "c2.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, &c2);
    vg_intel_builder_categorize(b, c2, VG_INTEL_CAT_C2);
    vg_intel_builder_list(b, "rep", "rep.txt", VG_INTEL_THREAT, VG_INTEL_FEED_REPUTATION, &rep);
    vg_intel_builder_list(b, "holes", "h.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, &holes);
    vg_intel_builder_categorize(b, holes, VG_INTEL_CAT_BLACKHOLE);
    vg_intel_builder_list(b, "pools", "p.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, &pools);
    vg_intel_builder_categorize(b, pools, VG_INTEL_CAT_CRYPTOCURRENCY);
    vg_intel_builder_list(b, "ok", "ok.txt", VG_INTEL_TRUSTED, VG_INTEL_FEED_CUSTOM, &ok);
    add(b, c2, "update-checker.com", "");
    add(b, rep, "meh.example.net", "");
    add(b, rep, "coins.example.net", "cryptocurrency");
    add(b, rep, "home.duckdns.org", "abused dynamic DNS");
    add(b, holes, "87.106.190.153", "");
    add(b, pools, "51.255.34.79", "");
    add(b, ok, "lab.example.org", "");
    add(b, ok, "trusted-zone.com", "");
    struct vg_intel *in = vg_intel_freeze(b);
    assert_non_null(in);
    return in;
}

static void start(struct run *r, const struct vg_intel *intel, int64_t state_memory)
{
    /* the dns.reputation.* defaults (config/config.c) */
    r->dns = (struct vg_dns_thresholds){
        .state_memory = state_memory,
        .reputation_threshold = 50,
        .reputation_learning = 7 * DAY_MS,
        .reputation_new_window = DAY_MS,
        .reputation_points_list = 50,
        .reputation_points_proximity = 35,
        .reputation_points_abused = 30,
        .reputation_points_new = 20,
        .reputation_points_answer = 35,
        .reputation_points_sinkhole = 50,
        .reputation_points_dga = 40,
    };
    r->env = (struct vg_detect_env){ .intel = intel, .dns = &r->dns };
    assert_int_equal(vg_detector_dns_reputation.state_new(&r->state, &r->env), VG_OK);
}

static void test_dns_reputation_namespaces(void **unused)
{
    (void)unused;
    static const struct {
        const char *name;
        const char *suffix; /* NULL: none */
        bool abused;
    } cases[] = {
        { "x7k2qz.duckdns.org", "duckdns.org", true },
        { "a.b.hopto.org", "hopto.org", true },
        { "qwxzvbnm.tk", "tk", true },
        { "0a1b2c.ngrok-free.app", "ngrok-free.app", true },
        { "www.duckdns.org", NULL, false }, /* the provider's own site */
        { "duckdns.org", NULL, false },     /* no label under it */
        { "x\\.duckdns.org", NULL, false }, /* one label "x.duckdns" under org */
        { "notduckdns.org", NULL, false },  /* not on a label boundary */
        { "d1234abcd.cloudfront.net", "cloudfront.net", false },
        { "b.s3.dualstack.us-east-1.amazonaws.com", "amazonaws.com", false },
        { "www.example.com", NULL, false },
        { "tk", NULL, false },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        const struct vg_dns_namespace *ns = vg_dns_reputation_namespace(vg_str_from(cases[i].name));
        if (!cases[i].suffix) {
            if (ns)
                fail_msg("'%s': want none, got %s", cases[i].name, ns->suffix);
            continue;
        }
        if (!ns || strcmp(ns->suffix, cases[i].suffix) != 0 || ns->abused != cases[i].abused)
            fail_msg("'%s': want %s, got %s", cases[i].name, cases[i].suffix,
                     ns ? ns->suffix : "none");
    }
}

/* Each feature's points, and the type its link picks; after a week of learning. */
static void test_dns_reputation_features(void **unused)
{
    (void)unused;
    struct vg_intel *in = lists();
    struct run r;
    start(&r, in, 64 << 20);
    const int64_t t = T0 + 8 * DAY_MS;
    query(&r, T0, "www.amazon.com", NULL);
    static const struct {
        const char *name, *ip;
        enum vg_finding_type type; /* VG_FT_COUNT: silent */
        int score;
    } cases[] = {
        /* reputation list: 50 points, the entry's category links it; example.net is a new
         * zone (+20) for a day */
        { "meh.example.net", NULL, VG_FT_IMPACT_EC2_SUSPICIOUSDOMAINREQUEST_REPUTATION, 70 },
        { "coins.example.net", NULL, VG_FT_IMPACT_EC2_BITCOINDOMAINREQUEST_REPUTATION, 70 },
        { "home.duckdns.org", NULL, VG_FT_IMPACT_EC2_ABUSEDDOMAINREQUEST_REPUTATION, 100 },
        /* listed exactly on a list that fires: dns_intel's, not ours */
        { "update-checker.com", NULL, VG_FT_COUNT, 0 },
        /* proximity (35) alone stays under; with a new zone's 20 it would not apply: the zone
         * update-checker.com is known from the query above */
        { "www.update-checker.com", NULL, VG_FT_COUNT, 0 },
        /* answers: a sinkhole fires alone, a listed pool address needs a new zone (20) */
        { "seized.example.com", "87.106.190.153",
          VG_FT_IMPACT_EC2_MALICIOUSDOMAINREQUEST_REPUTATION, 70 },
        { "pool.hashfast-relay.net", "51.255.34.79",
          VG_FT_IMPACT_EC2_BITCOINDOMAINREQUEST_REPUTATION, 55 },
        /* abused namespace (30) + new (20) */
        { "nas.ddns.net", NULL, VG_FT_IMPACT_EC2_ABUSEDDOMAINREQUEST_REPUTATION, 50 },
        /* new alone; a cloud label that looks generated */
        { "weatherstation-news.com", NULL, VG_FT_COUNT, 0 },
        { "d3k2jq9x7r1vz8.cloudfront.net", NULL, VG_FT_COUNT, 0 },
        /* trusted: the name, or its zone */
        { "lab.example.org", "87.106.190.153", VG_FT_COUNT, 0 },
        { "x.trusted-zone.com", "87.106.190.153", VG_FT_COUNT, 0 },
        /* no owner */
        { "ip-10-0-1-5.ec2.internal", "87.106.190.153", VG_FT_COUNT, 0 },
        { "5.1.0.10.in-addr.arpa", NULL, VG_FT_COUNT, 0 },
    };
    query(&r, T0 + DAY_MS, "update-checker.com", NULL);
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct caught c = query(&r, t + (int64_t)i * 1000, cases[i].name, cases[i].ip);
        enum vg_finding_type got = c.count ? c.type : VG_FT_COUNT;
        if (got != cases[i].type || (c.count && c.score != cases[i].score))
            fail_msg("'%s': want type %d score %d, got type %d score %d (%u findings)",
                     cases[i].name, cases[i].type, cases[i].score, got, c.score, c.count);
    }
    vg_detector_dns_reputation.state_free(r.state);
    vg_intel_free(in);
}

/* Learning and the newly observed window run on event time. */
static void test_dns_reputation_new_in_event_time(void **unused)
{
    (void)unused;
    struct run r;
    start(&r, NULL, 64 << 20);
    query(&r, T0, "www.amazon.com", NULL);
    /* first seen while learning: never new, even when queried again after it */
    assert_int_equal(query(&r, T0 + DAY_MS, "early.duckdns.org", NULL).count, 0);
    assert_int_equal(query(&r, T0 + 8 * DAY_MS, "early.duckdns.org", NULL).count, 0);
    /* first seen after learning: new for dns.reputation.new_window (1d), then routine */
    assert_int_equal(query(&r, T0 + 8 * DAY_MS, "late.duckdns.org", NULL).count, 1);
    assert_int_equal(query(&r, T0 + 8 * DAY_MS + DAY_MS / 2, "late.duckdns.org", NULL).count, 1);
    assert_int_equal(query(&r, T0 + 9 * DAY_MS + 1, "late.duckdns.org", NULL).count, 0);
    vg_detector_dns_reputation.state_free(r.state);
}

/* The seen-set is bounded: a flood of distinct zones evicts, and the evictions are counted. */
static void test_dns_reputation_evictions(void **unused)
{
    (void)unused;
    struct run r;
    start(&r, NULL, 1 << 20);
    assert_int_equal(vg_detector_dns_reputation.state_evictions(r.state), 0);
    char name[64];
    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof(name), "zone%d.example%d.com", i, i);
        query(&r, T0 + i, name, NULL);
    }
    assert_true(vg_detector_dns_reputation.state_evictions(r.state) > 0);
    vg_detector_dns_reputation.state_free(r.state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dns_reputation_namespaces),
        cmocka_unit_test(test_dns_reputation_features),
        cmocka_unit_test(test_dns_reputation_new_in_event_time),
        cmocka_unit_test(test_dns_reputation_evictions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
