/*
 * Scans from an instance, counted over event-time windows (detect/flow_window.h):
 *   Recon:EC2/Portscan   one instance probes flow.portscan.ports distinct ports of one remote
 *                        host (private hosts too: nmap against a neighbour in the VPC is what
 *                        amazon-guardduty-tester runs); one finding per (instance, host);
 *   Impact:EC2/PortSweep one instance probes one port on flow.portsweep.hosts distinct public
 *                        hosts; one finding per (instance, protocol/port), showing the latest
 *                        host, as GuardDuty does.
 * A probe is a connection the instance opened (its request record) whose initiator sent at most
 * flow.probe_max_packets packets: a SYN, or a connect scan's SYN, ACK, RST.  Sessions that
 * carry data are longer, so a busy client using many ports or many servers is not a scanner.
 * Never probes, whatever their size:
 *   - UDP to 33434-33534, where Unix traceroute and mtr send one datagram per hop and try
 *     (30 hops x 3 tries = 90 ports of one host);
 *   - for the sweep, UDP 53 and 123: a recursive resolver and an NTP client talk to many
 *     public servers in one- or two-packet exchanges, which is exactly a probe's shape.
 *
 * State (core/keyed.h), from flow.state_memory:
 *   portscan  per (instance, remote host), 1/16 of the budget: one entry per host an instance
 *             probes, so entries are small (two 512-bit pane bitmaps, 144 bytes) and many;
 *   portsweep per (instance, protocol, port), 1/32: few keys, so room for two 1,984-bit
 *             bitmaps (512 bytes), exact at the default threshold and accurate to the larger
 *             counts a sweep threshold may be set to.
 */
#include "detect/flow_scan.h"

#include "core/hash.h"
#include "core/keyed.h"
#include "detect/flow_util.h"
#include "detect/flow_window.h"

/* Portscan entries are many, so small; sweep entries are few and take the largest value a table
 * holds, so that the default threshold is counted exactly (see flow_window.h). */
enum {
    PORTSCAN_WORDS = 8,
    PORTSWEEP_WORDS = (VG_KEYED_MAX_VALUE - sizeof(struct vg_flow_window)) / (2 * sizeof(uint64_t)),
};

struct portscan_state {
    struct vg_flow_window w;
    uint64_t bits[2][PORTSCAN_WORDS]; /* [0] current pane, [1] previous */
};

struct portsweep_state {
    struct vg_flow_window w;
    uint64_t bits[2][PORTSWEEP_WORDS];
};

enum { PORTSCAN_TABLE, PORTSWEEP_TABLE };

static const struct vg_flow_table tables[] = {
    [PORTSCAN_TABLE] = { sizeof(struct vg_flow_key), sizeof(struct portscan_state), 16 },
    [PORTSWEEP_TABLE] = { sizeof(struct vg_flow_key), sizeof(struct portsweep_state), 32 },
};

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_flow_state_new(out, env, tables, VG_ARRAY_LEN(tables));
}

/* Count an item in a two-pane distinct window (fresh: the entry was just created).  The
 * estimate when this record makes the count reach the threshold (the window is then marked
 * fired), else 0. */
static uint64_t count_distinct(struct vg_flow_window *w, uint64_t *bits, size_t words, bool fresh,
                               int64_t time_ms, int64_t window_ms, uint64_t item_hash,
                               int64_t threshold)
{
    int slot = vg_flow_window_slide(w, bits, words * sizeof(uint64_t), time_ms, window_ms);
    /* a fresh entry holds one item, below any threshold (the options' minimum is 2): a flood
     * of one-off hosts skips the estimate */
    if (slot < 0 || !vg_flow_distinct_add(bits + (size_t)slot * words, words, item_hash) || fresh ||
        !vg_flow_window_may_fire(w))
        return 0;
    uint64_t n = vg_flow_distinct_count(bits, bits + words, words);
    if (n < (uint64_t)threshold)
        return 0;
    vg_flow_window_fired(w, window_ms);
    return n;
}

static bool is_traceroute(const struct vg_finding_net *n)
{
    return n->protocol == 17 && n->remote_port >= 33434 && n->remote_port <= 33534;
}

static bool sweeps_normally(const struct vg_finding_net *n)
{
    return n->protocol == 17 && (n->remote_port == 53 || n->remote_port == 123);
}

/* What a finding of each kind counts, in words and in additionalInfo. */
struct scan_kind {
    enum vg_finding_type type;
    const char *items;
    const char *member;
};

static const struct scan_kind PORTSCAN = { VG_FT_RECON_EC2_PORTSCAN, "ports", "distinctPorts" };
static const struct scan_kind PORTSWEEP = { VG_FT_IMPACT_EC2_PORTSWEEP, "public hosts",
                                            "distinctHosts" };

static void emit_scan(const struct scan_kind *kind, const struct vg_event *ev,
                      const struct vg_finding_net *net, struct vg_str counterpart, uint64_t count,
                      int64_t threshold, int64_t window_ms, int64_t probe_max,
                      const struct vg_emit *emit)
{
    char words[32], detail[256], additional[192];
    snprintf(detail, sizeof(detail),
             "It probed %" PRIu64 " distinct %s within %s, each probe at most %" PRId64
             " packets from the instance; the threshold is %" PRId64 " %s.",
             count, kind->items, vg_flow_window_words(window_ms, words, sizeof(words)), probe_max,
             threshold, kind->items);
    snprintf(additional, sizeof(additional),
             "\"threshold\":%" PRId64 ",\"windowSeconds\":%g,\"%s\":%" PRIu64
             ",\"probeMaxPackets\":%" PRId64,
             threshold, (double)window_ms / 1000, kind->member, count, probe_max);
    struct vg_finding_draft d = vg_flow_draft(kind->type, ev, net);
    d.counterpart = counterpart;
    d.detail = vg_str_from(detail);
    d.additional = vg_str_from(additional);
    vg_emit_finding(emit, &d);
}

/* host: the key of (instance, remote host) */
static void portscan(struct vg_flow_state *s, const struct vg_event *ev,
                     const struct vg_finding_net *net, const struct vg_flow_key *host,
                     const struct vg_emit *emit)
{
    const struct vg_flow_thresholds *t = s->env->flow;
    bool created;
    struct portscan_state *st = vg_keyed_get(s->tables[PORTSCAN_TABLE], host, &created);
    uint32_t item = (uint32_t)net->protocol << 16 | net->remote_port;
    uint64_t n =
        count_distinct(&st->w, st->bits[0], PORTSCAN_WORDS, created, ev->time_ms,
                       t->portscan_window, vg_hash64(&item, sizeof(item), 0), t->portscan_ports);
    if (!n)
        return;
    char remote[64];
    vg_ip_format(&net->remote_ip, remote, sizeof(remote));
    emit_scan(&PORTSCAN, ev, net, vg_str_from(remote), n, t->portscan_ports, t->portscan_window,
              t->probe_max_packets, emit);
}

static void portsweep(struct vg_flow_state *s, const struct vg_event *ev,
                      const struct vg_finding_net *net, const struct vg_flow_key *host,
                      const struct vg_emit *emit)
{
    const struct vg_flow_thresholds *t = s->env->flow;
    struct vg_flow_key key = *host;
    memset(key.addr, 0, sizeof(key.addr));
    key.family = 0;
    key.kind = net->protocol;
    key.port = net->remote_port;
    bool created;
    struct portsweep_state *st = vg_keyed_get(s->tables[PORTSWEEP_TABLE], &key, &created);
    uint64_t n =
        count_distinct(&st->w, st->bits[0], PORTSWEEP_WORDS, created, ev->time_ms,
                       t->portsweep_window, vg_hash64(host, sizeof(*host), 0), t->portsweep_hosts);
    if (!n)
        return;
    char proto[8], port[24];
    snprintf(port, sizeof(port), "%s/%u",
             vg_flow_protocol_text(net->protocol, proto, sizeof(proto)), net->remote_port);
    emit_scan(&PORTSWEEP, ev, net, vg_str_from(port), n, t->portsweep_hosts, t->portsweep_window,
              t->probe_max_packets, emit);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_flow_state *s = state;
    struct vg_flow_view v;
    if (!vg_flow_may_be_request(ev) || !vg_flow_view(ev, &v) ||
        v.net.direction != VG_NET_OUTBOUND || (v.net.protocol != 6 && v.net.protocol != 17) ||
        ev->flow.packets > (uint64_t)s->env->flow->probe_max_packets || is_traceroute(&v.net))
        return;
    struct vg_flow_key host = vg_flow_key_make(ev, &v.net.remote_ip, 0, 0);
    portscan(s, ev, &v.net, &host, emit);
    if (v.remote_public && !sweeps_normally(&v.net))
        portsweep(s, ev, &v.net, &host, emit);
}

static const enum vg_finding_type types[] = {
    VG_FT_RECON_EC2_PORTSCAN,
    VG_FT_IMPACT_EC2_PORTSWEEP,
};

const struct vg_detector vg_detector_flow_scan = {
    .name = "flow-scan",
    .sources = VG_SOURCE_VPCFLOW,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_flow_state_free,
    .state_evictions = vg_flow_state_evictions,
    .on_event = on_event,
};
