/*
 * Flows with listed addresses: the remote end of a VPC flow is on a threat list.
 *
 * One lookup per connection (its request record, see flow_util.h) whose remote end is public.
 * The list's feed and the hit's category (enrich/intel.h) pick the type:
 *   the user's own lists  UnauthorizedAccess:EC2/MaliciousIPCaller.Custom, either direction;
 *   Tor lists             UnauthorizedAccess:EC2/TorClient when the instance connects to a node;
 *                         UnauthorizedAccess:EC2/TorRelay when, within flow.tor_relay.window, it
 *                         both accepts connections from and opens connections to
 *                         flow.tor_relay.nodes distinct nodes (a client talks to one guard; a web
 *                         site visited over Tor only accepts);
 *   curated lists         c2 -> Backdoor:EC2/C&CActivity.B and cryptocurrency ->
 *                         CryptoCurrency:EC2/BitcoinTool.B, either direction; blackhole ->
 *                         Trojan:EC2/BlackholeTraffic and droppoint -> Trojan:EC2/DropPoint,
 *                         outbound only (a sinkhole or a drop point never calls in); scanner ->
 *                         Recon:EC2/PortProbeUnprotectedPort, or PortProbeEMRUnprotectedPort on
 *                         an EMR port, for an accepted inbound connection to any port but 80 and
 *                         443 (web servers are meant to be probed); tor -> as a Tor list; other
 *                         (neither the list nor the threat name gives a category), and the
 *                         domain families dga, driveby and phishing (an address serving them is
 *                         still a listed address) -> MaliciousIPCaller.Custom, GuardDuty's only
 *                         generic EC2 list type, so a curated list without categories is never
 *                         silent;
 *   low confidence        a reputation feed's hits and abused/suspicious ones fire nothing here:
 *                         they only score the reputation of names that resolve to them
 *                         (dns_reputation.c).
 * Inbound connections count only when accepted: a rejected one is the security group doing its
 * job, and listed scanners knock on every public address all day.  Outbound attempts count even
 * when rejected: the instance tried, which is what the finding is about.  An address that a
 * trusted list also covers never fires; private addresses never reach the store, and private
 * remotes are not looked up.
 *
 * Aggregation: the remote address is the counterpart (one finding per instance and address),
 * except for the port probes, which gather every probed port of an instance in one finding, and
 * TorRelay, which is about the instance.  Only TorRelay keeps state (struct relay_state).
 */
#include "detect/flow_intel.h"

#include "core/hash.h"
#include "core/keyed.h"
#include "detect/flow_util.h"
#include "detect/flow_window.h"

#define NO_TYPE VG_FT_COUNT

/* Share of flow.state_memory for the Tor relay table: only connections with Tor nodes touch it,
 * a sliver of any estate's traffic, so a 32nd (8 MiB of the default 256 MiB, ~8k instances
 * talking to Tor at once) is plenty. */
#define RELAY_SHARE 32

/* 512 bits per direction and pane: linear counting stays exact in practice up to ~30 nodes and
 * within 5% up to flow.tor_relay.nodes' maximum of 1,000 (flow_window.h). */
enum { RELAY_WORDS = 8 };

struct relay_pane {
    uint64_t nodes[2][RELAY_WORDS]; /* distinct Tor nodes: [0] connected in, [1] connected to */
};

/* An instance's Tor relay window: two aligned panes (detect/flow_window.h). */
struct relay_state {
    struct vg_flow_window w;
    int64_t relay_ms;           /* when it last crossed the threshold; 0: never */
    struct relay_pane panes[2]; /* [0] current, [1] previous */
};

enum { RELAYS };

/* keyed by the instance alone (vg_flow_instance_key): relaying is about the instance, whichever
 * nodes it talks to */
static const struct vg_flow_table tables[] = {
    [RELAYS] = { sizeof(uint64_t[2]), sizeof(struct relay_state), RELAY_SHARE },
};

/* EMR's web interfaces and job-submission ports (YARN and HDFS in their Hadoop 2 and 3 numbers,
 * Spark, Zeppelin, Livy, HBase); reaching one runs code on the cluster.  Ports that many
 * non-EMR services use too (8080, 8888, 9443) are left out: vigil does not know which instances
 * are EMR nodes, so the port alone has to mean EMR. */
static const uint16_t emr_ports[] = {
    8032,  /* YARN ResourceManager (job submission) */
    8042,  /* YARN NodeManager web UI */
    8088,  /* YARN ResourceManager web UI and REST API */
    8890,  /* Zeppelin */
    8998,  /* Livy (Spark REST) */
    9864,  /* HDFS DataNode web UI (Hadoop 3) */
    9870,  /* HDFS NameNode web UI (Hadoop 3) */
    16010, /* HBase Master web UI */
    16030, /* HBase RegionServer web UI */
    18080, /* Spark History Server */
    19888, /* MapReduce JobHistory Server */
    20888, /* YARN web proxy (Spark application UIs) */
    50070, /* HDFS NameNode web UI (Hadoop 2) */
    50075, /* HDFS DataNode web UI (Hadoop 2) */
};

static bool is_emr_port(uint16_t port)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(emr_ports); i++)
        if (emr_ports[i] == port)
            return true;
    return false;
}

static bool is_tor(const struct vg_intel_hit *h)
{
    return h->list->feed == VG_INTEL_FEED_TOR ||
           (h->list->feed == VG_INTEL_FEED_CURATED && h->category == VG_INTEL_CAT_TOR);
}

/* The type a hit gives for this connection, NO_TYPE for none (see the top of the file). */
static enum vg_finding_type route(const struct vg_intel_hit *h, const struct vg_flow_view *v)
{
    bool out = v->net.direction == VG_NET_OUTBOUND;
    if (vg_intel_hit_low_confidence(h))
        return NO_TYPE;
    if (h->list->feed == VG_INTEL_FEED_CUSTOM)
        return VG_FT_UNAUTHORIZEDACCESS_EC2_MALICIOUSIPCALLER_CUSTOM;
    if (is_tor(h))
        return out ? VG_FT_UNAUTHORIZEDACCESS_EC2_TORCLIENT : NO_TYPE;
    switch (h->category) {
    case VG_INTEL_CAT_C2: return VG_FT_BACKDOOR_EC2_C_CACTIVITY_B;
    case VG_INTEL_CAT_CRYPTOCURRENCY: return VG_FT_CRYPTOCURRENCY_EC2_BITCOINTOOL_B;
    case VG_INTEL_CAT_BLACKHOLE: return out ? VG_FT_TROJAN_EC2_BLACKHOLETRAFFIC : NO_TYPE;
    case VG_INTEL_CAT_DROPPOINT: return out ? VG_FT_TROJAN_EC2_DROPPOINT : NO_TYPE;
    case VG_INTEL_CAT_SCANNER: {
        uint16_t port = v->net.local_port;
        bool has_ports = v->net.protocol == 6 || v->net.protocol == 17;
        if (out || !has_ports || port == 80 || port == 443)
            return NO_TYPE;
        return is_emr_port(port) ? VG_FT_RECON_EC2_PORTPROBEEMRUNPROTECTEDPORT
                                 : VG_FT_RECON_EC2_PORTPROBEUNPROTECTEDPORT;
    }
    default: return VG_FT_UNAUTHORIZEDACCESS_EC2_MALICIOUSIPCALLER_CUSTOM;
    }
}

static struct vg_finding_threat_ref threat_ref(const struct vg_intel_hit *h)
{
    return (struct vg_finding_threat_ref){ vg_str_from(h->list->name), h->threat_name,
                                           vg_str_from(h->list->sha256) };
}

static int clip(size_t len, size_t max)
{
    return (int)(len > max ? max : len);
}

/* The description's {detail} for a list finding: what the list calls the address, why a curated
 * address became a generic finding, and that a blocked attempt was still an attempt (the
 * templates say the direction). */
static void describe(char *out, size_t cap, enum vg_finding_type type,
                     const struct vg_intel_hit *hit, const struct vg_flow_view *v)
{
    size_t used = 0;
    out[0] = '\0';
    /* a Tor list's threat name only repeats "Tor exit node" */
    if (hit->threat_name.len && !is_tor(hit))
        used = (size_t)snprintf(out, cap, "The list calls it '%.*s'. ",
                                clip(hit->threat_name.len, 80), hit->threat_name.ptr);
    bool generic = type == VG_FT_UNAUTHORIZEDACCESS_EC2_MALICIOUSIPCALLER_CUSTOM &&
                   hit->list->feed == VG_INTEL_FEED_CURATED;
    if (used < cap && generic && hit->category == VG_INTEL_CAT_OTHER)
        used += (size_t)snprintf(out + used, cap - used,
                                 "The curated list gives no category for it (c2, "
                                 "cryptocurrency, blackhole, droppoint, scanner, tor), so it is "
                                 "reported as a listed address. ");
    else if (used < cap && generic)
        used += (size_t)snprintf(out + used, cap - used,
                                 "The curated list files it under %s, a kind of domain with no "
                                 "flow finding type, so it is reported as a listed address. ",
                                 vg_intel_category_name(hit->category));
    if (used < cap && v->net.blocked) /* only outbound: rejected inbound never gets here */
        snprintf(out + used, cap - used,
                 "The connection was rejected, but whatever runs on the instance tried.");
}

/* One finding of `type` for the hits that route to it. */
static void emit_hits(const struct vg_event *ev, const struct vg_flow_view *v,
                      const struct vg_intel_match *m, const enum vg_finding_type *types,
                      enum vg_finding_type type, const struct vg_emit *emit)
{
    struct vg_finding_threat_ref refs[VG_INTEL_MAX_HITS];
    const struct vg_intel_hit *first = NULL;
    unsigned n = 0;
    for (unsigned i = 0; i < m->count; i++) {
        if (types[i] != type)
            continue;
        if (!first)
            first = &m->hits[i];
        refs[n++] = threat_ref(&m->hits[i]);
    }
    char detail[512], additional[128], counterpart[64];
    describe(detail, sizeof(detail), type, first, v);
    const char *source = first->list->category != VG_INTEL_CAT_AUTO ? "list"
                         : first->category != VG_INTEL_CAT_OTHER    ? "threatName"
                                                                    : "none";
    snprintf(additional, sizeof(additional),
             "\"threatCategory\":\"%s\",\"threatCategorySource\":\"%s\"",
             vg_intel_category_name(first->category), source);

    struct vg_finding_draft d = vg_flow_draft(type, ev, &v->net);
    d.threats = refs;
    d.threat_count = n;
    d.detail = vg_str_from(detail);
    d.additional = vg_str_from(additional);
    if (type == VG_FT_RECON_EC2_PORTPROBEUNPROTECTEDPORT ||
        type == VG_FT_RECON_EC2_PORTPROBEEMRUNPROTECTEDPORT) {
        d.port_probe = true;
        /* Elasticsearch (9200 HTTP, 9300 transport) answers anyone who finds it */
        if (v->net.local_port == 9200 || v->net.local_port == 9300)
            d.severity = 8;
    } else {
        d.counterpart =
            vg_str_from(vg_ip_format(&v->net.remote_ip, counterpart, sizeof(counterpart)));
    }
    vg_emit_finding(emit, &d);
}

static void emit_relay(const struct vg_flow_state *s, const struct vg_event *ev,
                       const struct vg_flow_view *v, const struct vg_intel_match *m,
                       const uint64_t nodes[2], const struct vg_emit *emit)
{
    struct vg_finding_threat_ref refs[VG_INTEL_MAX_HITS];
    unsigned n = 0;
    for (unsigned i = 0; i < m->count; i++)
        if (is_tor(&m->hits[i]))
            refs[n++] = threat_ref(&m->hits[i]);
    const struct vg_flow_thresholds *t = s->env->flow;
    char detail[256], additional[160], words[32];
    snprintf(detail, sizeof(detail),
             "Within %s it accepted connections from %" PRIu64
             " Tor nodes and opened connections to %" PRIu64 " (threshold %" PRId64
             " each way, flow.tor_relay.nodes).",
             vg_flow_window_words(t->tor_relay_window, words, sizeof(words)), nodes[0], nodes[1],
             t->tor_relay_nodes);
    snprintf(additional, sizeof(additional),
             "\"threshold\":%" PRId64 ",\"windowSeconds\":%" PRId64 ",\"inboundTorNodes\":%" PRIu64
             ",\"outboundTorNodes\":%" PRIu64,
             t->tor_relay_nodes, t->tor_relay_window / 1000, nodes[0], nodes[1]);
    struct vg_finding_draft d = vg_flow_draft(VG_FT_UNAUTHORIZEDACCESS_EC2_TORRELAY, ev, &v->net);
    d.threats = refs;
    d.threat_count = n;
    d.detail = vg_str_from(detail);
    d.additional = vg_str_from(additional);
    vg_emit_finding(emit, &d);
}

/* Count a connection with a Tor node in the instance's relay window, emit TorRelay when both
 * directions reach the threshold (then quiet while that pane is in the window, as the
 * behavioural detectors are: the finding's count is the number of windows it relayed in), and
 * say whether the instance relays (crossed within the last two windows): its connections to
 * relays are then the relay's, not a client's.  Rejected connections carry no relay traffic:
 * they only ask. */
static bool relay_check(struct vg_flow_state *s, const struct vg_event *ev,
                        const struct vg_flow_view *v, const struct vg_intel_match *m,
                        const struct vg_emit *emit)
{
    const struct vg_flow_thresholds *t = s->env->flow;
    uint64_t inst[2];
    vg_flow_instance_key(ev, inst);
    struct relay_state *st;
    if (v->net.blocked) {
        st = vg_keyed_find(s->tables[RELAYS], inst);
    } else {
        bool created;
        st = vg_keyed_get(s->tables[RELAYS], inst, &created);
        int slot = vg_flow_window_slide(&st->w, st->panes, sizeof(st->panes[0]), ev->time_ms,
                                        t->tor_relay_window);
        unsigned dir = v->net.direction == VG_NET_OUTBOUND;
        const struct vg_ip *node = &v->net.remote_ip;
        uint64_t hash = vg_hash64(node->addr, node->family == 4 ? 4 : 16, node->family);
        if (slot >= 0 && vg_flow_distinct_add(st->panes[slot].nodes[dir], RELAY_WORDS, hash) &&
            vg_flow_window_may_fire(&st->w)) {
            uint64_t nodes[2];
            for (unsigned d = 0; d < 2; d++)
                nodes[d] = vg_flow_distinct_count(st->panes[0].nodes[d], st->panes[1].nodes[d],
                                                  RELAY_WORDS);
            if (nodes[0] >= (uint64_t)t->tor_relay_nodes &&
                nodes[1] >= (uint64_t)t->tor_relay_nodes) {
                vg_flow_window_fired(&st->w, t->tor_relay_window);
                st->relay_ms = ev->time_ms;
                emit_relay(s, ev, v, m, nodes, emit);
            }
        }
    }
    return st && st->relay_ms && ev->time_ms - st->relay_ms < 2 * t->tor_relay_window;
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_flow_state *s = state;
    struct vg_flow_view v;
    struct vg_intel_match m;
    if (!s->env->intel || !vg_flow_may_be_request(ev) || !vg_flow_view(ev, &v) ||
        !v.remote_public || (v.net.direction == VG_NET_INBOUND && v.net.blocked) ||
        !vg_intel_match_ip(s->env->intel, &v.net.remote_ip, &m) || m.trusted)
        return;
    enum vg_finding_type types[VG_INTEL_MAX_HITS];
    bool tor = false;
    for (unsigned i = 0; i < m.count; i++) {
        types[i] = route(&m.hits[i], &v);
        tor |= is_tor(&m.hits[i]);
    }
    bool relaying = tor && relay_check(s, ev, &v, &m, emit);
    for (unsigned i = 0; i < m.count; i++) {
        bool done =
            types[i] == NO_TYPE || (relaying && types[i] == VG_FT_UNAUTHORIZEDACCESS_EC2_TORCLIENT);
        for (unsigned j = 0; j < i && !done; j++)
            done = types[j] == types[i]; /* emitted with hit j */
        if (!done)
            emit_hits(ev, &v, &m, types, types[i], emit);
    }
}

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_flow_state_new(out, env, tables, VG_ARRAY_LEN(tables));
}

static const enum vg_finding_type types[] = {
    VG_FT_BACKDOOR_EC2_C_CACTIVITY_B,
    VG_FT_CRYPTOCURRENCY_EC2_BITCOINTOOL_B,
    VG_FT_TROJAN_EC2_BLACKHOLETRAFFIC,
    VG_FT_TROJAN_EC2_DROPPOINT,
    VG_FT_UNAUTHORIZEDACCESS_EC2_MALICIOUSIPCALLER_CUSTOM,
    VG_FT_UNAUTHORIZEDACCESS_EC2_TORCLIENT,
    VG_FT_UNAUTHORIZEDACCESS_EC2_TORRELAY,
    VG_FT_RECON_EC2_PORTPROBEUNPROTECTEDPORT,
    VG_FT_RECON_EC2_PORTPROBEEMRUNPROTECTEDPORT,
};

const struct vg_detector vg_detector_flow_intel = {
    .name = "flow-intel",
    .sources = VG_SOURCE_VPCFLOW,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_flow_state_free,
    .state_evictions = vg_flow_state_evictions,
    .on_event = on_event,
};
