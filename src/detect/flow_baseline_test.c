/* The per-instance flow baselines: silence while learning, one finding per new behaviour, the
 * near misses (VPC and private resolvers, ephemeral ports, mail servers, volume under the bar)
 * and what eviction does to a baseline (learning starts again, no burst of findings). */
#include "detect/flow_baseline.h"
#include "detect/flow_test_util.h"

enum { TCP = 6, UDP = 17 };

#define T0 1700000000000ll
#define HOUR 3600000ll
#define MIB (1024ull * 1024)

struct fixture {
    struct vg_flow_thresholds flow;
    struct vg_detect_env env;
    void *state;
    unsigned count;                /* findings so far */
    struct flow_test_finding seen; /* the latest */
};

static void on_finding(void *ctx, const struct vg_finding_draft *d)
{
    struct fixture *fx = ctx;
    fx->count++;
    flow_test_finding_copy(&fx->seen, d);
}

static void fixture_init(struct fixture *fx, int64_t state_memory)
{
    memset(fx, 0, sizeof(*fx));
    fx->flow.state_memory = state_memory;
    fx->flow.baseline_learning = HOUR;
    fx->flow.volume_min_bytes = 1024 * MIB;
    fx->flow.volume_factor = 10;
    fx->flow.volume_window = HOUR;
    fx->flow.spambot_hosts = 10;
    fx->flow.spambot_window = HOUR;
    fx->env.flow = &fx->flow;
    assert_int_equal(vg_detector_flow_baseline.state_new(&fx->state, &fx->env), VG_OK);
}

static void fixture_release(struct fixture *fx)
{
    vg_detector_flow_baseline.state_free(fx->state);
}

struct rec {
    const char *eni;
    const char *local, *remote;
    uint16_t local_port, remote_port;
    uint8_t protocol;
    uint64_t bytes;
    int64_t ms;       /* event time */
    bool from_remote; /* the record's source is the remote end */
    uint8_t tcp_flags;
    bool rejected;
};

/* Feeds one record; returns the findings it made. */
static unsigned feed(struct fixture *fx, struct rec r)
{
    struct vg_event ev;
    flow_test_event(&ev, &(struct flow_test_record){
                             .interface_id = r.eni ? r.eni : "eni-0a1b2c3d4e5f60718",
                             .local = flow_test_ip(r.local ? r.local : "10.0.1.23"),
                             .remote = flow_test_ip(r.remote),
                             .local_port = r.local_port,
                             .remote_port = r.remote_port,
                             .local_sends = !r.from_remote,
                             .protocol = r.protocol,
                             .packets = 10,
                             .bytes = r.bytes ? r.bytes : 840,
                             .ms = r.ms,
                             .duration_ms = 60000,
                             .tcp_flags = r.tcp_flags,
                             .rejected = r.rejected,
                         });
    unsigned before = fx->count;
    struct vg_emit emit = { on_finding, fx };
    vg_detector_flow_baseline.on_event(fx->state, &ev, &emit);
    return fx->count - before;
}

/* An outbound connection from the default instance to remote:port, at hours after T0. */
static unsigned out(struct fixture *fx, const char *remote, uint16_t port, uint8_t protocol,
                    double hours)
{
    return feed(fx, (struct rec){ .remote = remote,
                                  .local_port = 43512,
                                  .remote_port = port,
                                  .protocol = protocol,
                                  .ms = T0 + (int64_t)(hours * HOUR) });
}

static void test_flow_baseline_port_learning_then_new(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    /* learning: everything is silent, including ports that would be unusual later */
    assert_int_equal(out(&fx, "151.101.1.69", 443, TCP, 0), 0);
    assert_int_equal(out(&fx, "91.189.91.157", 123, UDP, 0.5), 0);
    assert_int_equal(out(&fx, "185.220.101.47", 4444, TCP, 0.9), 0);
    /* after learning: learned ports stay quiet, with any address */
    assert_int_equal(out(&fx, "151.101.65.69", 443, TCP, 2), 0);
    assert_int_equal(out(&fx, "185.220.101.99", 4444, TCP, 2), 0);
    /* the same number on the other protocol is another port */
    assert_int_equal(out(&fx, "91.189.91.157", 123, TCP, 2), 1);
    assert_int_equal(fx.seen.type, VG_FT_BEHAVIOR_EC2_NETWORKPORTUNUSUAL);
    /* a new port fires once, then it is learned */
    assert_int_equal(out(&fx, "45.33.32.156", 6667, TCP, 3), 1);
    assert_int_equal(fx.seen.severity, 0);
    assert_string_equal(fx.seen.counterpart, "45.33.32.156:6667");
    assert_non_null(strstr(fx.seen.additional,
                           "\"learningPeriodSeconds\":3600,"
                           "\"instanceFirstSeen\":\"2023-11-14T22:13:20.000Z\""));
    assert_non_null(strstr(fx.seen.additional, "\"remotePort\":6667"));
    assert_int_equal(out(&fx, "45.33.32.156", 6667, TCP, 3.1), 0);
    assert_int_equal(out(&fx, "45.33.32.157", 6667, TCP, 3.2), 0);
    /* private peers and inbound connections are not the instance's outbound behaviour */
    assert_int_equal(out(&fx, "10.0.2.15", 5432, TCP, 4), 0);
    assert_int_equal(feed(&fx, (struct rec){ .remote = "45.33.32.156",
                                             .local_port = 8080,
                                             .remote_port = 51000,
                                             .protocol = TCP,
                                             .from_remote = true,
                                             .ms = T0 + 4 * HOUR }),
                     0);
    fixture_release(&fx);
}

static void test_flow_baseline_log4j_ports_are_high(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    out(&fx, "151.101.1.69", 443, TCP, 0);
    assert_int_equal(out(&fx, "185.220.101.47", 1389, TCP, 2), 1);
    assert_true(fx.seen.severity == 8);
    assert_non_null(strstr(fx.seen.detail, "possible log4j callback"));
    assert_int_equal(out(&fx, "185.220.101.48", 389, TCP, 2), 1);
    assert_true(fx.seen.severity == 8);
    assert_int_equal(out(&fx, "185.220.101.48", 636, TCP, 2), 1);
    assert_true(fx.seen.severity == 0);
    assert_null(strstr(fx.seen.detail, "log4j"));
    fixture_release(&fx);
}

/* Both ends ephemeral and no TCP flags: the "server" port is a guess, not a choice. */
static void test_flow_baseline_ephemeral_remote_port(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    out(&fx, "151.101.1.69", 443, TCP, 0);
    assert_int_equal(out(&fx, "45.33.32.156", 50000, UDP, 2), 0);
    assert_int_equal(out(&fx, "45.33.32.156", 50000, TCP, 2), 0);
    /* a logged SYN from the instance makes it a service port */
    assert_int_equal(feed(&fx, (struct rec){ .remote = "45.33.32.156",
                                             .local_port = 51000,
                                             .remote_port = 50001,
                                             .protocol = TCP,
                                             .tcp_flags = 0x03,
                                             .ms = T0 + 2 * HOUR }),
                     1);
    fixture_release(&fx);
}

static void test_flow_baseline_port_set_saturates(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    /* a crawler: 40 distinct service ports while learning */
    for (uint16_t p = 0; p < 40; p++)
        assert_int_equal(out(&fx, "151.101.1.69", (uint16_t)(8000 + p), TCP, 0.5), 0);
    assert_int_equal(out(&fx, "45.33.32.156", 6667, TCP, 2), 0);
    fixture_release(&fx);
}

static void test_flow_baseline_dns_resolvers(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    out(&fx, "151.101.1.69", 443, TCP, 0);
    out(&fx, "8.8.8.8", 53, UDP, 0.5); /* learned */
    assert_int_equal(out(&fx, "8.8.8.8", 53, UDP, 2), 0);
    assert_int_equal(out(&fx, "8.8.8.8", 53, TCP, 2), 0);
    /* the Amazon resolver and private resolvers never count */
    assert_int_equal(out(&fx, "169.254.169.253", 53, UDP, 2), 0);
    assert_int_equal(out(&fx, "10.0.0.2", 53, UDP, 2), 0);
    assert_int_equal(out(&fx, "10.20.0.53", 53, UDP, 2), 0);
    assert_int_equal(out(&fx, "1.1.1.1", 53, UDP, 2), 1);
    assert_int_equal(fx.seen.type, VG_FT_DEFENSEEVASION_EC2_UNUSUALDNSRESOLVER);
    assert_string_equal(fx.seen.counterpart, "1.1.1.1");
    assert_non_null(strstr(fx.seen.additional, "\"knownPublicResolvers\":1"));
    assert_int_equal(out(&fx, "1.1.1.1", 53, UDP, 2.5), 0);
    fixture_release(&fx);
}

/* A VPC on a publicly routable CIDR: its resolver at base+2 (of the VPC or a subnet) is public
 * but still the VPC's. */
static void test_flow_baseline_public_cidr_vpc_resolver(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    static const struct {
        const char *local, *resolver;
        unsigned findings;
    } cases[] = {
        { "52.10.3.7", "52.10.0.2", 0 },  /* /16 VPC base + 2 */
        { "52.10.3.7", "52.10.2.2", 0 },  /* base of a /23 subnet + 2 */
        { "52.10.3.7", "52.11.0.2", 1 },  /* another /16 */
        { "52.10.3.7", "52.10.3.53", 1 }, /* not base + 2 of any /16-/28 holding us */
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char eni[32];
        snprintf(eni, sizeof(eni), "eni-00000000000000%02zu", i);
        struct rec base = { .eni = eni,
                            .local = cases[i].local,
                            .remote = "151.101.1.69",
                            .local_port = 43512,
                            .remote_port = 443,
                            .protocol = TCP,
                            .ms = T0 };
        feed(&fx, base);
        base.remote = cases[i].resolver;
        base.remote_port = 53;
        base.protocol = UDP;
        base.ms = T0 + 2 * HOUR;
        assert_int_equal(feed(&fx, base), cases[i].findings);
    }
    fixture_release(&fx);
}

/* A recursive resolver talks to many public DNS servers while learning: no resolver baseline. */
static void test_flow_baseline_resolver_set_saturates(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    static const char *const roots[] = { "198.41.0.4", "170.247.170.2", "192.33.4.12",
                                         "199.7.91.13", "192.203.230.10" };
    for (size_t i = 0; i < VG_ARRAY_LEN(roots); i++)
        assert_int_equal(out(&fx, roots[i], 53, UDP, 0.1 * (double)i), 0);
    assert_int_equal(out(&fx, "8.8.8.8", 53, UDP, 2), 0);
    fixture_release(&fx);
}

static void test_flow_baseline_dot_and_doh(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    out(&fx, "151.101.1.69", 443, TCP, 0);
    out(&fx, "8.8.8.8", 443, TCP, 0.5); /* Google DoH, learned */
    /* ordinary web servers on 443 and a known DoH server are quiet */
    assert_int_equal(out(&fx, "151.101.65.69", 443, TCP, 2), 0);
    assert_int_equal(out(&fx, "8.8.8.8", 443, TCP, 2), 0);
    assert_int_equal(out(&fx, "1.1.1.1", 443, TCP, 2), 1);
    assert_int_equal(fx.seen.type, VG_FT_DEFENSEEVASION_EC2_UNUSUALDOHACTIVITY);
    assert_non_null(strstr(fx.seen.additional, "\"dohProvider\":\"Cloudflare\""));
    assert_int_equal(out(&fx, "1.1.1.1", 443, TCP, 2.1), 0);
    /* UDP to 443 is QUIC, not the DoH this type means */
    assert_int_equal(out(&fx, "9.9.9.9", 443, UDP, 2), 1);
    assert_int_equal(fx.seen.type, VG_FT_BEHAVIOR_EC2_NETWORKPORTUNUSUAL);
    /* DNS over TLS: one finding, not a second one for the new port */
    assert_int_equal(out(&fx, "9.9.9.9", 853, TCP, 2), 1);
    assert_int_equal(fx.seen.type, VG_FT_DEFENSEEVASION_EC2_UNUSUALDOTACTIVITY);
    assert_int_equal(out(&fx, "9.9.9.9", 853, TCP, 2.5), 0);
    assert_int_equal(out(&fx, "10.0.3.9", 853, TCP, 2.5), 0);
    fixture_release(&fx);
}

static unsigned mail(struct fixture *fx, int host, double hours)
{
    char remote[32];
    snprintf(remote, sizeof(remote), "91.198.%d.%d", host / 200, host % 200 + 1);
    return out(fx, remote, 25, TCP, hours);
}

static void test_flow_baseline_spambot(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    out(&fx, "151.101.1.69", 443, TCP, 0);
    unsigned total = 0;
    for (int h = 0; h < 9; h++)
        total += mail(&fx, h, 2 + 0.01 * h);
    assert_int_equal(total, 1); /* the new port */
    assert_int_equal(fx.seen.type, VG_FT_BEHAVIOR_EC2_NETWORKPORTUNUSUAL);
    assert_int_equal(mail(&fx, 3, 2.2), 0); /* a host counts once */
    assert_int_equal(mail(&fx, 9, 2.3), 1);
    assert_int_equal(fx.seen.type, VG_FT_BACKDOOR_EC2_SPAMBOT);
    assert_string_equal(fx.seen.counterpart, "");
    assert_non_null(
        strstr(fx.seen.additional, "\"threshold\":10,\"windowSeconds\":3600,\"distinctHosts\":10"));
    /* once per window: more hosts within it add nothing */
    assert_int_equal(mail(&fx, 10, 2.4), 0);
    fixture_release(&fx);
}

static void test_flow_baseline_spambot_near_misses(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    /* a mail relay: port 25 while learning */
    mail(&fx, 0, 0.5);
    unsigned total = 0;
    for (int h = 0; h < 50; h++)
        total += mail(&fx, h, 2);
    assert_int_equal(total, 0);
    /* another instance: 9 hosts an hour, twice: never 10 within one window */
    struct rec r = { .eni = "eni-0fedcba9876543210",
                     .remote = "151.101.1.69",
                     .local_port = 43512,
                     .remote_port = 443,
                     .protocol = TCP,
                     .ms = T0 };
    feed(&fx, r);
    r.remote_port = 25;
    total = 0;
    for (int h = 0; h < 18; h++) {
        char remote[32];
        snprintf(remote, sizeof(remote), "91.199.0.%d", h + 1);
        r.remote = remote;
        r.ms = T0 + 2 * HOUR + (h / 9) * (HOUR + 60000) + h * 1000;
        total += feed(&fx, r);
    }
    assert_int_equal(total, 1); /* NetworkPortUnusual for port 25 only */
    /* inbound mail: others' connections to the instance's port 25 */
    total = 0;
    for (int h = 0; h < 20; h++) {
        char remote[32];
        snprintf(remote, sizeof(remote), "91.200.0.%d", h + 1);
        total += feed(&fx, (struct rec){ .eni = "eni-0fedcba9876543210",
                                         .remote = remote,
                                         .local_port = 25,
                                         .remote_port = 40000,
                                         .protocol = TCP,
                                         .from_remote = true,
                                         .ms = T0 + 5 * HOUR });
    }
    assert_int_equal(total, 0);
    fixture_release(&fx);
}

static unsigned send_bytes(struct fixture *fx, const char *remote, uint64_t bytes, double hours)
{
    return feed(fx, (struct rec){ .remote = remote,
                                  .local_port = 43512,
                                  .remote_port = 443,
                                  .protocol = TCP,
                                  .bytes = bytes,
                                  .ms = T0 + (int64_t)(hours * HOUR) });
}

static void test_flow_baseline_volume(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    /* learning: 150 MiB to one host in an hour, in three records */
    for (int i = 0; i < 3; i++)
        send_bytes(&fx, "151.101.1.69", 50 * MIB, 0.1 + 0.1 * i);
    /* under min_bytes */
    assert_int_equal(send_bytes(&fx, "52.95.110.1", 900 * MIB, 2), 0);
    /* over min_bytes but under 10 x 900 MiB, the largest window so far */
    assert_int_equal(send_bytes(&fx, "52.95.110.2", 2048 * MIB, 2.5), 0);
    /* a window of its own: 10 x 2 GiB in two records */
    assert_int_equal(send_bytes(&fx, "45.33.32.156", 10 * 1024 * MIB, 4), 0);
    assert_int_equal(send_bytes(&fx, "45.33.32.156", 10 * 1024 * MIB, 4.5), 1);
    assert_int_equal(fx.seen.type, VG_FT_BEHAVIOR_EC2_TRAFFICVOLUMEUNUSUAL);
    assert_string_equal(fx.seen.counterpart, "45.33.32.156");
    assert_non_null(strstr(fx.seen.additional, "\"thresholdBytes\":1073741824,\"factor\":10,"
                                               "\"windowSeconds\":3600,\"baselineBytes\":"
                                               "2147483648,\"observedBytes\":21474836480"));
    /* reported once per window */
    assert_int_equal(send_bytes(&fx, "45.33.32.156", 1024 * MIB, 4.6), 0);
    fixture_release(&fx);
}

/* Bytes the instance receives or serves to clients, rejected flows and volume while learning
 * never fire. */
static void test_flow_baseline_volume_near_misses(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    assert_int_equal(send_bytes(&fx, "52.95.110.1", 8192 * MIB, 0.5), 0);
    /* a client fetched 100 GB from the instance's port 443: the reply record */
    assert_int_equal(feed(&fx, (struct rec){ .remote = "45.33.32.158",
                                             .local_port = 443,
                                             .remote_port = 51000,
                                             .protocol = TCP,
                                             .bytes = 100000 * MIB,
                                             .ms = T0 + 2 * HOUR }),
                     0);
    assert_int_equal(feed(&fx, (struct rec){ .remote = "45.33.32.156",
                                             .local_port = 43512,
                                             .remote_port = 443,
                                             .protocol = TCP,
                                             .bytes = 100000 * MIB,
                                             .from_remote = true,
                                             .ms = T0 + 2 * HOUR }),
                     0);
    assert_int_equal(feed(&fx, (struct rec){ .remote = "45.33.32.157",
                                             .local_port = 43512,
                                             .remote_port = 443,
                                             .protocol = TCP,
                                             .bytes = 100000 * MIB,
                                             .rejected = true,
                                             .ms = T0 + 2 * HOUR }),
                     0);
    fixture_release(&fx);
}

/* An instance pushed out of the table comes back learning: no burst of "new" ports. */
static void test_flow_baseline_eviction_restarts_learning(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 1 * MIB);
    out(&fx, "151.101.1.69", 443, TCP, 0);
    out(&fx, "45.33.32.156", 6667, TCP, 0.5);
    for (int i = 0; i < 20000; i++) {
        char eni[32];
        snprintf(eni, sizeof(eni), "eni-%017d", i);
        feed(&fx, (struct rec){ .eni = eni,
                                .remote = "151.101.1.69",
                                .local_port = 43512,
                                .remote_port = 443,
                                .protocol = TCP,
                                .ms = T0 + HOUR });
    }
    assert_true(vg_detector_flow_baseline.state_evictions(fx.state) > 0);
    unsigned before = fx.count;
    /* learned before the eviction; unknown now, but the instance is learning again */
    assert_int_equal(out(&fx, "45.33.32.156", 6667, TCP, 2), 0);
    assert_int_equal(out(&fx, "45.33.32.156", 6697, TCP, 2.5), 0);
    assert_int_equal(fx.count, before);
    /* a learning period after it came back, its baseline works again */
    assert_int_equal(out(&fx, "45.33.32.156", 6667, TCP, 3.5), 0);
    assert_int_equal(out(&fx, "45.33.32.156", 7000, TCP, 3.5), 1);
    assert_non_null(
        strstr(fx.seen.additional, "\"instanceFirstSeen\":\"2023-11-15T00:13:20.000Z\""));
    fixture_release(&fx);
}

/* Small connections to many hosts (a sweep, a crawler's HEAD requests) open no volume window:
 * the volume table keeps what it holds. */
static void test_flow_baseline_small_flows_open_no_windows(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 1 * MIB);
    for (uint32_t i = 0; i < 200000; i++) {
        char remote[32];
        snprintf(remote, sizeof(remote), "45.%u.%u.%u", 60 + (i >> 16), (i >> 8) & 0xff,
                 (i & 0xff) | 1);
        feed(&fx, (struct rec){ .remote = remote,
                                .local_port = 40000,
                                .remote_port = 443,
                                .protocol = TCP,
                                .bytes = 9000,
                                .ms = T0 + (int64_t)i });
    }
    assert_int_equal(vg_detector_flow_baseline.state_evictions(fx.state), 0);
    fixture_release(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_baseline_port_learning_then_new),
        cmocka_unit_test(test_flow_baseline_log4j_ports_are_high),
        cmocka_unit_test(test_flow_baseline_ephemeral_remote_port),
        cmocka_unit_test(test_flow_baseline_port_set_saturates),
        cmocka_unit_test(test_flow_baseline_dns_resolvers),
        cmocka_unit_test(test_flow_baseline_public_cidr_vpc_resolver),
        cmocka_unit_test(test_flow_baseline_resolver_set_saturates),
        cmocka_unit_test(test_flow_baseline_dot_and_doh),
        cmocka_unit_test(test_flow_baseline_spambot),
        cmocka_unit_test(test_flow_baseline_spambot_near_misses),
        cmocka_unit_test(test_flow_baseline_volume),
        cmocka_unit_test(test_flow_baseline_volume_near_misses),
        cmocka_unit_test(test_flow_baseline_eviction_restarts_learning),
        cmocka_unit_test(test_flow_baseline_small_flows_open_no_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
