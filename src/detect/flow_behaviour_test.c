/* The behavioural flow detectors (flow_scan.c, flow_bruteforce.c, flow_dos.c): each type fires
 * once at its threshold and stays quiet on the near misses an analyst fears; a replay gives the
 * same findings; and a hostile stream of millions of distinct addresses keeps the state within
 * its budget, counts evictions, and still lets a recent real attack fire. */
#include "detect/flow_bruteforce.h"
#include "detect/flow_dos.h"
#include "detect/flow_scan.h"
#include "detect/flow_test_util.h"
#include "detect/flow_util.h"

enum { ICMP = 1, TCP = 6, UDP = 17, GRE = 47 };

#define T0 1699999800000ll /* a multiple of every pane length used here */
#define SECOND 1000ll
#define MINUTE 60000ll
#define MIB (1024ll * 1024)

static const struct vg_detector *const detectors[] = {
    &vg_detector_flow_scan,
    &vg_detector_flow_bruteforce,
    &vg_detector_flow_dos,
};

enum { MAX_KEPT = 64 };

struct fixture {
    struct vg_flow_thresholds flow;
    struct vg_detect_env env;
    void *state[VG_ARRAY_LEN(detectors)];
    unsigned count; /* findings so far; the first MAX_KEPT are kept */
    struct flow_test_finding seen[MAX_KEPT];
};

static void on_finding(void *ctx, const struct vg_finding_draft *d)
{
    struct fixture *fx = ctx;
    if (fx->count < MAX_KEPT)
        flow_test_finding_copy(&fx->seen[fx->count], d);
    fx->count++;
}

/* The defaults of the option table (config/config.c). */
static void fixture_init(struct fixture *fx, int64_t state_memory)
{
    memset(fx, 0, sizeof(*fx));
    fx->flow = (struct vg_flow_thresholds){
        .state_memory = state_memory,
        .probe_max_packets = 4,
        .portscan_ports = 25,
        .portscan_window = 10 * MINUTE,
        .portsweep_hosts = 50,
        .portsweep_window = 10 * MINUTE,
        .bruteforce_attempts = 20,
        .bruteforce_window = 10 * MINUTE,
        .bruteforce_max_packets = 60,
        .dos_packets = 50000,
        .dos_window = MINUTE,
        .dos_max_avg_packet = 512,
        .dos_tcp_connections = 256,
    };
    fx->env.flow = &fx->flow;
    for (size_t i = 0; i < VG_ARRAY_LEN(detectors); i++)
        assert_int_equal(detectors[i]->state_new(&fx->state[i], &fx->env), VG_OK);
}

static void fixture_release(struct fixture *fx)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(detectors); i++)
        detectors[i]->state_free(fx->state[i]);
}

/* One flow record seen on the instance's interface.  The initiator's port is ephemeral, the
 * responder's is `port`; TCP records carry the flags that name the initiator. */
struct rec {
    const char *instance; /* default i-0a1b2c3d4e5f60718 */
    struct vg_ip remote;
    uint16_t port;
    uint16_t ephemeral; /* default 43512 */
    uint8_t protocol;
    uint64_t packets, bytes;
    int64_t ms;
    bool inbound; /* the remote end opened the connection */
    bool reply;   /* the record carries the responder's packets */
    bool rejected;
};

/* IPv4 address number n of a public range (11.0.0.0/8 upwards). */
static struct vg_ip nth_public(uint32_t n)
{
    struct vg_ip a;
    memset(&a, 0, sizeof(a));
    a.family = 4;
    uint32_t v = htonl(0x0b000000u + n);
    memcpy(a.addr, &v, 4);
    return a;
}

static unsigned feed(struct fixture *fx, struct rec r)
{
    static const struct vg_ip local4 = { 4, { 10, 0, 1, 23 } };
    static const struct vg_ip local6 = {
        6, { 0x26, 0x00, 0x1f, 0x18, 0x04, 0x2b, 0x7c, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x23 }
    };
    uint16_t eph = r.ephemeral ? r.ephemeral : 43512;
    bool local_initiated = !r.inbound;
    bool has_ports = r.protocol == TCP || r.protocol == UDP;
    uint64_t packets = r.packets ? r.packets : 1;
    struct vg_event ev;
    flow_test_event(&ev, &(struct flow_test_record){
                             .instance_id = r.instance ? r.instance : "i-0a1b2c3d4e5f60718",
                             .interface_id = "eni-0a1b2c3d4e5f60718",
                             .region = "eu-west-1",
                             .local = r.remote.family == 6 ? local6 : local4,
                             .remote = r.remote,
                             .local_port = !has_ports        ? 0
                                           : local_initiated ? eph
                                                             : r.port,
                             .remote_port = !has_ports        ? 0
                                            : local_initiated ? r.port
                                                              : eph,
                             .local_sends = local_initiated != r.reply,
                             .protocol = r.protocol,
                             .packets = packets,
                             .bytes = r.bytes ? r.bytes : packets * 60,
                             .ms = r.ms,
                             .duration_ms = 10 * SECOND,
                             /* SYN-ACK from the responder, SYN from the other */
                             .tcp_flags = r.protocol != TCP ? 0
                                          : r.reply         ? 0x12
                                                            : 0x02,
                             .rejected = r.rejected,
                         });
    unsigned before = fx->count;
    struct vg_emit emit = { on_finding, fx };
    for (size_t i = 0; i < VG_ARRAY_LEN(detectors); i++)
        detectors[i]->on_event(fx->state[i], &ev, &emit);
    return fx->count - before;
}

static const struct flow_test_finding *last(const struct fixture *fx)
{
    assert_true(fx->count > 0 && fx->count <= MAX_KEPT);
    return &fx->seen[fx->count - 1];
}

/* An outbound TCP probe (one SYN) to remote:port at T0 + ms. */
static unsigned probe(struct fixture *fx, const char *remote, uint16_t port, int64_t ms)
{
    return feed(fx,
                (struct rec){
                    .remote = flow_test_ip(remote), .port = port, .protocol = TCP, .ms = T0 + ms });
}

/* ---- Recon:EC2/Portscan ---- */

static void test_flow_portscan_fires_once_per_window(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    for (uint16_t p = 1; p < 25; p++)
        assert_int_equal(probe(&fx, "10.0.2.40", p, p * SECOND), 0);
    assert_int_equal(probe(&fx, "10.0.2.40", 25, 25 * SECOND), 1);
    assert_int_equal(last(&fx)->type, VG_FT_RECON_EC2_PORTSCAN);
    assert_string_equal(last(&fx)->counterpart, "10.0.2.40");
    assert_non_null(strstr(last(&fx)->additional,
                           "\"threshold\":25,\"windowSeconds\":600,\"distinctPorts\":25"));
    /* the rest of nmap's 1,000 ports in the same window add nothing */
    for (uint16_t p = 26; p <= 1000; p++)
        assert_int_equal(probe(&fx, "10.0.2.40", p, 30 * SECOND), 0);
    /* a scan still going two panes later is a second occurrence */
    unsigned fired = 0;
    for (uint16_t p = 1001; p <= 1100; p++)
        fired += probe(&fx, "10.0.2.40", p, 10 * MINUTE + p * 100);
    assert_int_equal(fired, 1);
    fixture_release(&fx);
}

/* A burst that straddles the end of a window anchored at the key's first record fires: a
 * tumbling window would split it in two halves below the threshold, the panes hold both. */
static void test_flow_portscan_burst_across_panes(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    probe(&fx, "45.33.32.156", 80, 0); /* an earlier contact anchors nothing */
    unsigned fired = 0;
    for (uint16_t p = 1; p <= 30; p++)
        fired += probe(&fx, "45.33.32.156", (uint16_t)(1000 + p),
                       10 * MINUTE - 15 * SECOND + p * SECOND);
    assert_int_equal(fired, 1);
    fixture_release(&fx);
}

static void test_flow_portscan_near_misses(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    struct vg_ip host = flow_test_ip("45.33.32.156");
    for (uint16_t p = 1; p <= 60; p++) {
        /* a client using many ports of one NAT'd service, with data-carrying sessions */
        feed(&fx, (struct rec){ .remote = host,
                                .port = (uint16_t)(8000 + p),
                                .protocol = TCP,
                                .packets = 14,
                                .ms = T0 + p * SECOND });
        /* the answers of a server the remote scans: reply records are not probes */
        feed(&fx, (struct rec){ .remote = host,
                                .port = p,
                                .protocol = TCP,
                                .inbound = true,
                                .reply = true,
                                .ms = T0 + p * SECOND });
        /* traceroute: one UDP datagram per hop and try */
        feed(&fx, (struct rec){ .remote = host,
                                .port = (uint16_t)(33433 + p),
                                .protocol = UDP,
                                .ms = T0 + p * SECOND });
    }
    /* 24 ports per window, spread over an hour: slow, but below the threshold in every window */
    for (int64_t i = 0; i < 144; i++)
        probe(&fx, "91.189.91.157", (uint16_t)(100 + i), 20 * MINUTE + i * 25 * SECOND);
    assert_int_equal(fx.count, 0);
    fixture_release(&fx);
}

/* ---- Impact:EC2/PortSweep ---- */

static void test_flow_portsweep_fires_on_public_hosts(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    unsigned fired = 0;
    for (uint32_t h = 0; h < 49; h++)
        fired += feed(&fx, (struct rec){ .remote = nth_public(h * 7919),
                                         .port = 22,
                                         .protocol = TCP,
                                         .ms = T0 + h * 100 });
    assert_int_equal(fired, 0);
    for (uint32_t h = 49; h < 60; h++)
        fired += feed(&fx, (struct rec){ .remote = nth_public(h * 7919),
                                         .port = 22,
                                         .protocol = TCP,
                                         .ms = T0 + h * 100 });
    assert_int_equal(fired, 1);
    const struct flow_test_finding *s = NULL;
    for (unsigned i = 0; i < fx.count; i++)
        if (fx.seen[i].type == VG_FT_IMPACT_EC2_PORTSWEEP)
            s = &fx.seen[i];
    assert_non_null(s);
    assert_string_equal(s->counterpart, "tcp/22");
    assert_non_null(strstr(s->additional, "\"threshold\":50,"));
    fixture_release(&fx);
}

static void test_flow_portsweep_near_misses(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    for (uint32_t h = 0; h < 200; h++) {
        struct vg_ip priv = flow_test_ip("10.0.0.0");
        priv.addr[2] = (uint8_t)(h / 250);
        priv.addr[3] = (uint8_t)(h % 250 + 1);
        int64_t ms = T0 + h * 100;
        /* an inventory agent sweeping its own VPC */
        feed(&fx, (struct rec){ .remote = priv, .port = 22, .protocol = TCP, .ms = ms });
        /* a recursive resolver and an NTP client: one-datagram exchanges with many servers */
        feed(&fx, (struct rec){ .remote = nth_public(h), .port = 53, .protocol = UDP, .ms = ms });
        feed(&fx, (struct rec){ .remote = nth_public(h), .port = 123, .protocol = UDP, .ms = ms });
        /* a crawler: many public hosts, sessions that carry data */
        feed(&fx,
             (struct rec){
                 .remote = nth_public(h), .port = 443, .protocol = TCP, .packets = 25, .ms = ms });
    }
    assert_int_equal(fx.count, 0);
    fixture_release(&fx);
}

/* ---- SSH, RDP and WinRM brute force ---- */

/* n short connections between peer and the instance's (or the peer's) service port. */
static unsigned attempts(struct fixture *fx, const char *peer, uint16_t port, bool inbound,
                         unsigned n, uint64_t packets)
{
    unsigned fired = 0;
    for (unsigned i = 0; i < n; i++)
        fired += feed(fx, (struct rec){ .remote = flow_test_ip(peer),
                                        .port = port,
                                        .protocol = TCP,
                                        .inbound = inbound,
                                        .packets = packets,
                                        .ephemeral = (uint16_t)(40000 + i),
                                        .ms = T0 + i * 10 * SECOND });
    return fired;
}

static void test_flow_bruteforce_direction_and_severity(void **unused)
{
    (void)unused;
    static const struct {
        uint16_t port;
        bool inbound;
        enum vg_finding_type type;
        double severity;
    } cases[] = {
        { 22, true, VG_FT_UNAUTHORIZEDACCESS_EC2_SSHBRUTEFORCE, 0 },
        { 22, false, VG_FT_UNAUTHORIZEDACCESS_EC2_SSHBRUTEFORCE, 8 },
        { 3389, true, VG_FT_UNAUTHORIZEDACCESS_EC2_RDPBRUTEFORCE, 0 },
        { 3389, false, VG_FT_UNAUTHORIZEDACCESS_EC2_RDPBRUTEFORCE, 8 },
        { 5985, true, VG_FT_IMPACT_EC2_WINRMBRUTEFORCE, 0 },
        { 5986, false, VG_FT_IMPACT_EC2_WINRMBRUTEFORCE, 8 },
    };
    for (size_t c = 0; c < VG_ARRAY_LEN(cases); c++) {
        struct fixture fx;
        fixture_init(&fx, 64 * MIB);
        /* a peer inside the VPC counts: the tester brute-forces its neighbour */
        assert_int_equal(attempts(&fx, "10.0.3.77", cases[c].port, cases[c].inbound, 19, 22), 0);
        assert_int_equal(attempts(&fx, "10.0.3.77", cases[c].port, cases[c].inbound, 1, 22), 1);
        assert_int_equal(last(&fx)->type, cases[c].type);
        assert_true(last(&fx)->severity == cases[c].severity);
        assert_string_equal(last(&fx)->counterpart, cases[c].inbound ? "inbound" : "outbound");
        assert_non_null(strstr(last(&fx)->additional, "\"attempts\":20,"));
        fixture_release(&fx);
    }
}

/* IPv6 everywhere (GuardDuty ignores it): a brute force from an IPv6 peer and a sweep of IPv6
 * hosts fire like their IPv4 twins. */
static void test_flow_behaviour_ipv6(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    assert_int_equal(attempts(&fx, "2a01:4f8:c17:3e1::2", 22, true, 20, 22), 1);
    assert_int_equal(last(&fx)->type, VG_FT_UNAUTHORIZEDACCESS_EC2_SSHBRUTEFORCE);
    assert_string_equal(last(&fx)->counterpart, "inbound");
    unsigned fired = 0;
    for (uint32_t h = 0; h < 60; h++) {
        struct vg_ip host = flow_test_ip("2a01:4f8:c17::");
        host.addr[14] = (uint8_t)(h >> 8);
        host.addr[15] = (uint8_t)(h + 1);
        fired += feed(
            &fx,
            (struct rec){ .remote = host, .port = 6379, .protocol = TCP, .ms = T0 + h * SECOND });
    }
    assert_int_equal(fired, 1);
    assert_int_equal(last(&fx)->type, VG_FT_IMPACT_EC2_PORTSWEEP);
    assert_string_equal(last(&fx)->counterpart, "tcp/6379");
    fixture_release(&fx);
}

/* WinRM's HTTP and HTTPS ports are one service. */
static void test_flow_bruteforce_winrm_ports_together(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    assert_int_equal(attempts(&fx, "185.220.101.47", 5985, true, 10, 20), 0);
    assert_int_equal(attempts(&fx, "185.220.101.47", 5986, true, 10, 20), 1);
    assert_int_equal(last(&fx)->type, VG_FT_IMPACT_EC2_WINRMBRUTEFORCE);
    fixture_release(&fx);
}

static void test_flow_bruteforce_near_misses(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    /* SSH moved to 2222: never SSHBruteForce */
    attempts(&fx, "185.220.101.47", 2222, true, 100, 22);
    /* RDP below the threshold */
    attempts(&fx, "185.220.101.48", 3389, true, 19, 22);
    /* working sessions: an admin's long SSH logins */
    attempts(&fx, "185.220.101.49", 22, true, 50, 400);
    /* reply records of the instance's own SSH server */
    for (unsigned i = 0; i < 50; i++)
        feed(&fx, (struct rec){ .remote = flow_test_ip("185.220.101.50"),
                                .port = 22,
                                .protocol = TCP,
                                .inbound = true,
                                .reply = true,
                                .packets = 20,
                                .ms = T0 + i * SECOND });
    /* UDP on 3389 is RDP's UDP transport, not a login */
    for (unsigned i = 0; i < 50; i++)
        feed(&fx, (struct rec){ .remote = flow_test_ip("185.220.101.51"),
                                .port = 3389,
                                .protocol = UDP,
                                .inbound = true,
                                .packets = 20,
                                .ms = T0 + i * SECOND });
    assert_int_equal(fx.count, 0);
    fixture_release(&fx);
}

/* ---- Backdoor:EC2/DenialOfService.* ---- */

static void test_flow_dos_types(void **unused)
{
    (void)unused;
    static const struct {
        uint8_t protocol;
        uint16_t port;
        enum vg_finding_type type;
    } cases[] = {
        { UDP, 80, VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_UDP }, /* amazon-guardduty-tester */
        { UDP, 443, VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_UDP },
        { UDP, 53, VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_DNS },
        { UDP, 22, VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_UDPONTCPPORTS },
        { UDP, 3306, VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_UDPONTCPPORTS },
        { GRE, 0, VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_UNUSUALPROTOCOL },
    };
    for (size_t c = 0; c < VG_ARRAY_LEN(cases); c++) {
        struct fixture fx;
        fixture_init(&fx, 64 * MIB);
        /* 400,000 datagrams of 256 bytes from one socket */
        assert_int_equal(feed(&fx, (struct rec){ .remote = flow_test_ip("52.95.110.1"),
                                                 .port = cases[c].port,
                                                 .protocol = cases[c].protocol,
                                                 .packets = 400000,
                                                 .bytes = 400000 * 284ull,
                                                 .ms = T0 }),
                         1);
        assert_int_equal(last(&fx)->type, cases[c].type);
        assert_string_equal(last(&fx)->counterpart, "52.95.110.1");
        assert_non_null(strstr(last(&fx)->additional, "\"packets\":400000,\"avgPacketBytes\":284"));
        fixture_release(&fx);
    }
}

/* n TCP records from distinct source ports to target:80, packets each, averaging 60 bytes. */
static unsigned tcp_records(struct fixture *fx, const char *target, unsigned n, uint64_t packets,
                            bool reply, uint64_t reply_bytes)
{
    unsigned fired = 0;
    for (unsigned i = 0; i < n; i++)
        fired += feed(fx, (struct rec){ .remote = flow_test_ip(target),
                                        .port = 80,
                                        .protocol = TCP,
                                        .ephemeral = (uint16_t)(33000 + i),
                                        .packets = packets,
                                        .reply = reply,
                                        .bytes = reply ? reply_bytes : packets * 60,
                                        .ms = T0 + i * 10 });
    return fired;
}

/* A SYN flood rotates source ports: it needs many connections, and is counted per target once
 * the instance has sent half a threshold of small packets. */
static void test_flow_dos_tcp_needs_many_connections(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    /* 25 records make the instance busy; from the 25th, the 256th connection fires */
    assert_int_equal(tcp_records(&fx, "151.101.1.69", 279, 1000, false, 0), 0);
    assert_int_equal(tcp_records(&fx, "151.101.1.69", 1, 1000, false, 0), 1);
    assert_int_equal(last(&fx)->type, VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_TCP);
    assert_non_null(strstr(last(&fx)->additional, "\"connections\":256,\"minConnections\":256"));
    fixture_release(&fx);
    /* millions of small packets over 250 connections: a transfer, not a flood */
    fixture_init(&fx, 64 * MIB);
    assert_int_equal(tcp_records(&fx, "151.101.1.70", 250, 20000, false, 0), 0);
    fixture_release(&fx);
}

static void test_flow_dos_near_misses(void **unused)
{
    (void)unused;
    struct fixture fx;
    fixture_init(&fx, 64 * MIB);
    /* a large download over four connections: 600,000 acknowledgements of 60 bytes; the data
     * comes back in the replies, before or after the acknowledgements */
    tcp_records(&fx, "52.216.8.10", 4, 150000, true, 150000ull * 2 * 1448);
    tcp_records(&fx, "52.216.8.10", 4, 150000, false, 0);
    tcp_records(&fx, "52.216.8.11", 4, 150000, false, 0);
    tcp_records(&fx, "52.216.8.11", 4, 150000, true, 150000ull * 2 * 1448);
    /* a QUIC download whose data arrived first */
    feed(&fx, (struct rec){ .remote = flow_test_ip("142.250.74.46"),
                            .port = 443,
                            .protocol = UDP,
                            .reply = true,
                            .packets = 400000,
                            .bytes = 400000ull * 1350,
                            .ms = T0 });
    feed(&fx, (struct rec){ .remote = flow_test_ip("142.250.74.46"),
                            .port = 443,
                            .protocol = UDP,
                            .packets = 100000,
                            .bytes = 100000ull * 70,
                            .ms = T0 + SECOND });
    /* a bulk upload: full-size packets */
    feed(&fx, (struct rec){ .remote = flow_test_ip("52.216.8.12"),
                            .port = 443,
                            .protocol = TCP,
                            .packets = 400000,
                            .bytes = 400000ull * 1500,
                            .ms = T0 });
    /* a flood at a private address */
    feed(&fx, (struct rec){ .remote = flow_test_ip("10.0.9.9"),
                            .port = 80,
                            .protocol = UDP,
                            .packets = 400000,
                            .bytes = 400000ull * 284,
                            .ms = T0 });
    /* DNS at a normal rate: 600 queries a minute to a public resolver, for an hour */
    for (int64_t i = 0; i < 60; i++)
        feed(&fx, (struct rec){ .remote = flow_test_ip("8.8.8.8"),
                                .port = 53,
                                .protocol = UDP,
                                .packets = 600,
                                .bytes = 600 * 72,
                                .ms = T0 + i * MINUTE });
    /* a ping flood is not one of GuardDuty's types */
    feed(&fx, (struct rec){ .remote = flow_test_ip("52.95.110.2"),
                            .protocol = ICMP,
                            .packets = 400000,
                            .bytes = 400000ull * 84,
                            .ms = T0 });
    /* the instance's DNS server answering a heavy public client */
    feed(&fx, (struct rec){ .remote = flow_test_ip("74.125.18.5"),
                            .port = 53,
                            .protocol = UDP,
                            .inbound = true,
                            .reply = true,
                            .packets = 400000,
                            .bytes = 400000ull * 120,
                            .ms = T0 });
    assert_int_equal(fx.count, 0);
    fixture_release(&fx);
}

/* ---- replay and hostile volume ---- */

/* A mixed scenario: scans, brute force and a flood among ordinary traffic. */
static void mixed_scenario(struct fixture *fx)
{
    for (uint32_t i = 0; i < 20000; i++) {
        int64_t ms = T0 + i * 50;
        feed(fx, (struct rec){ .remote = nth_public(i % 300),
                               .port = (uint16_t)(i % 40 + 1),
                               .protocol = TCP,
                               .packets = i % 7 ? 2 : 30,
                               .ms = ms });
        feed(fx, (struct rec){ .remote = nth_public(i % 13),
                               .port = 22,
                               .protocol = TCP,
                               .inbound = true,
                               .packets = 20,
                               .ms = ms });
        feed(fx, (struct rec){ .remote = nth_public(i % 5),
                               .port = (uint16_t)(i % 3 ? 80 : 53),
                               .protocol = UDP,
                               .packets = 300,
                               .bytes = 300 * 100,
                               .ms = ms });
    }
}

static void test_flow_behaviour_replay_is_identical(void **unused)
{
    (void)unused;
    struct fixture *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
    assert_non_null(a);
    assert_non_null(b);
    fixture_init(a, 64 * MIB);
    fixture_init(b, 64 * MIB);
    mixed_scenario(a);
    mixed_scenario(b);
    assert_true(a->count > 0);
    assert_int_equal(a->count, b->count);
    assert_memory_equal(a->seen, b->seen, sizeof(a->seen));
    fixture_release(a);
    fixture_release(b);
    free(a);
    free(b);
}

static size_t state_memory(const struct fixture *fx)
{
    size_t n = 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(detectors); i++)
        n += vg_flow_state_memory(fx->state[i]);
    return n;
}

static bool seen_finding(const struct fixture *fx, enum vg_finding_type type,
                         const char *counterpart)
{
    for (unsigned i = 0; i < fx->count && i < MAX_KEPT; i++)
        if (fx->seen[i].type == type && strcmp(fx->seen[i].counterpart, counterpart) == 0)
            return true;
    return false;
}

/*
 * The hostile stream: millions of distinct public addresses, each seen once, as inbound
 * SSH attempts, outbound probes (one port per host) and outbound UDP, with an 8 MiB budget.  The
 * state never grows past its share of the budget, every table evicts and counts it, and a real
 * port scan and SSH brute force woven into the last part of the noise still fire.
 */
static void test_flow_behaviour_hostile_volume(void **unused)
{
    (void)unused;
    enum { NOISE = 10000000, TAIL = 3000, EVERY = 50 };
    const int64_t budget = 8 * MIB;
    struct fixture *fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    fixture_init(fx, budget);
    /* each family's share of flow.state_memory: 1/16 + 1/32, 1/16, 1/16 + 1/256 */
    const size_t share = (size_t)(budget / 16 * 3 + budget / 32 + budget / 256);
    struct vg_ip scanned = flow_test_ip("45.33.32.156"), guesser = flow_test_ip("185.220.101.47");
    for (uint32_t i = 0; i < NOISE; i++) {
        int64_t ms = T0 + i / 10; /* 10,000 records a second */
        struct vg_ip remote = nth_public(i);
        switch (i % 3) {
        case 0:
            feed(fx, (struct rec){ .remote = remote,
                                   .port = 22,
                                   .protocol = TCP,
                                   .inbound = true,
                                   .packets = 12,
                                   .ms = ms });
            break;
        case 1:
            feed(fx, (struct rec){ .remote = remote,
                                   .port = (uint16_t)(i % 60000 + 1),
                                   .protocol = TCP,
                                   .ms = ms });
            break;
        default:
            feed(fx, (struct rec){ .remote = remote,
                                   .port = 9999,
                                   .protocol = UDP,
                                   .packets = 3,
                                   .bytes = 300,
                                   .ms = ms });
            break;
        }
        uint32_t tail = i - (NOISE - TAIL);
        if (i >= NOISE - TAIL && tail % EVERY == 0) {
            uint16_t n = (uint16_t)(tail / EVERY);
            feed(fx, (struct rec){
                         .remote = scanned, .port = (uint16_t)(1 + n), .protocol = TCP, .ms = ms });
            feed(fx, (struct rec){ .remote = guesser,
                                   .port = 22,
                                   .protocol = TCP,
                                   .inbound = true,
                                   .packets = 20,
                                   .ms = ms });
        }
        if (i % 1000000 == 0)
            assert_true(state_memory(fx) <= share);
    }
    assert_true(state_memory(fx) <= share);
    assert_true(state_memory(fx) <= (size_t)budget);
    for (size_t d = 0; d < VG_ARRAY_LEN(detectors); d++)
        assert_true(detectors[d]->state_evictions(fx->state[d]) > 0);
    assert_true(seen_finding(fx, VG_FT_RECON_EC2_PORTSCAN, "45.33.32.156"));
    /* the noise never reaches the threshold, so the one inbound finding is the attacker's */
    assert_true(seen_finding(fx, VG_FT_UNAUTHORIZEDACCESS_EC2_SSHBRUTEFORCE, "inbound"));
    fixture_release(fx);
    free(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_portscan_fires_once_per_window),
        cmocka_unit_test(test_flow_portscan_burst_across_panes),
        cmocka_unit_test(test_flow_portscan_near_misses),
        cmocka_unit_test(test_flow_portsweep_fires_on_public_hosts),
        cmocka_unit_test(test_flow_portsweep_near_misses),
        cmocka_unit_test(test_flow_bruteforce_direction_and_severity),
        cmocka_unit_test(test_flow_bruteforce_winrm_ports_together),
        cmocka_unit_test(test_flow_behaviour_ipv6),
        cmocka_unit_test(test_flow_bruteforce_near_misses),
        cmocka_unit_test(test_flow_dos_types),
        cmocka_unit_test(test_flow_dos_tcp_needs_many_connections),
        cmocka_unit_test(test_flow_dos_near_misses),
        cmocka_unit_test(test_flow_behaviour_replay_is_identical),
        cmocka_unit_test(test_flow_behaviour_hostile_volume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
