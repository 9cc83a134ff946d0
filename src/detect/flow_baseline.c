/*
 * Per-instance baselines over VPC flow records, learned in event time:
 *   Behavior:EC2/NetworkPortUnusual        a public remote service port never used before
 *                                          (High for 389/1389: log4j's LDAP callback)
 *   DefenseEvasion:EC2/UnusualDNSResolver  port 53 to a public resolver never used before
 *   DefenseEvasion:EC2/UnusualDoTActivity  TCP/853 to a public server never used before
 *   DefenseEvasion:EC2/UnusualDoHActivity  TCP/443 to a public DoH server (doh_servers.h)
 *                                          never contacted before
 *   Backdoor:EC2/Spambot                   no port-25 traffic while learning, then TCP/25 to
 *                                          flow.spambot.hosts public hosts within a window
 *   Behavior:EC2/TrafficVolumeUnusual      bytes sent to one public host within a window far
 *                                          above the instance's largest earlier per-host window
 *
 * Learning.  An instance's baseline starts with its first connection (the request record, in
 * event time, whatever direction) and may fire only once flow.baseline.learning has passed
 * since; until then everything it does is learned silently.  Every baseline also learns what
 * it reports, so one new behaviour makes one finding, not one per record.  Only what the
 * instance initiates counts (outbound request records), and only towards public addresses:
 * private peers are the VPC's own business, and inbound traffic says what others do, not what
 * the instance does (a file server sending gigabytes to a client that came to fetch them is
 * serving, not leaking).  Ports 53 and 853 are judged per server address by the DNS types, so
 * the port baseline leaves them out rather than report one lookup twice.  The spambot and
 * volume windows are the two-pane event-time windows of flow_window.h, like every windowed flow
 * detector's.
 *
 * State (core/keyed.h tables; this family takes about a quarter of flow.state_memory):
 *   instances 1/8   the whole baseline of one instance in one entry (248-byte slots: 32,000 to
 *                   65,000 instances at the default 256 MiB): first-seen time, remote ports,
 *                   resolver and DoT addresses (32-bit hashes), a mask of DoH servers, mail
 *                   history and spambot window, the largest per-host volume window;
 *   volume    1/8   per (instance, public host) sent to: the window of bytes sent;
 *   mail      1/64  per (instance, mail host) after learning: the pane it was last counted in.
 * Eviction.  Keeping an instance's baseline in one entry makes eviction all or nothing: an
 * evicted instance (the least recently active one) comes back as new and restarts its learning
 * period, silent again, instead of reporting every port and resolver it had learned as unseen.
 * The price is a blind learning period for that instance, and the evictions are counted in the
 * scan summary so an operator knows to raise flow.state_memory.  An evicted volume window
 * starts again from zero: it can delay a finding, never cause one.  An evicted mail host may be
 * counted twice in a window; only instances already mailing many hosts churn that table.  Each
 * set inside an instance has a fixed capacity; an instance that outgrows one (a proxy or crawler
 * using more than 32 remote ports, a recursive resolver talking to root and TLD servers) has no
 * useful baseline of that kind, so the set saturates and that type goes quiet for the instance
 * instead of firing on everything.
 *
 * Cost per record: one lookup in the instance table (a few thousand instances stay in cache), a
 * binary search in a set of at most 32 ports for outbound requests, and a volume lookup for the
 * minority of records carrying at least 16 KiB from the instance.
 */
#include "detect/flow_baseline.h"

#include "core/hash.h"
#include "core/keyed.h"
#include "core/time.h"
#include "detect/doh_servers.h"
#include "detect/flow_util.h"
#include "detect/flow_window.h"

enum {
    PORTS_CAP = 32,    /* a server talks to a handful of public service ports (443, 80, 123) */
    RESOLVERS_CAP = 4, /* more public resolvers than this is a resolver, not a client */
    DOT_CAP = 4,
    SET_SATURATED = 0xff,
    PROTO_TCP = 6,
    PROTO_UDP = 17,
    TCP_SYN = 0x02,
    TCP_ACK = 0x10,
    /* remote ports from here up are clients' ephemeral ports (Linux starts at 32768) */
    EPHEMERAL_PORT = 32768,
    /* flow records carrying less than min_bytes / VOLUME_GATE_DIVISOR (16 KiB by default) are
     * left out of the volume windows: most records are that small (lookups, API calls, the
     * acknowledgements of downloads, a reset per scanner), so most records cost no lookup and
     * floods do not churn the table; an upload of min_bytes made only of such records would
     * take more than 65,536 flow records (each a connection's traffic over a capture interval)
     * to one host per window */
    VOLUME_GATE_DIVISOR = 65536,
};

enum key_kind { KEY_VOLUME = 1, KEY_MAIL = 2 };

struct instance_key {
    uint64_t hash[2];
};

/* Mail hosts in one pane of the spambot window: `all` were seen in it, `fresh` of them were
 * not in the previous pane, so the window holds previous.all + current.fresh hosts. */
struct mail_pane {
    uint32_t all;
    uint32_t fresh;
};

/* One instance's whole baseline; zeroed when created. */
struct instance {
    int64_t first_ms;    /* first connection; learning ends at first_ms + learning */
    uint64_t volume_max; /* largest bytes sent to one host within one volume window */
    uint64_t doh_seen;   /* bit i: DoH server i contacted */
    struct vg_flow_window mail_window;
    struct mail_pane mail[2]; /* current pane, previous */
    bool mail_history;        /* sent to TCP/25 while learning: a mail server, not a spambot */
    uint8_t port_count, resolver_count, dot_count; /* or SET_SATURATED */
    uint32_t ports[PORTS_CAP];                     /* protocol << 16 | remote port, sorted */
    uint32_t resolvers[RESOLVERS_CAP];             /* address hashes, sorted */
    uint32_t dot_servers[DOT_CAP];
};

/* keyed.h puts an 8-byte header and the 16-byte key before the value: within 256 bytes, a
 * 16 MiB generation holds 65,536 slots */
_Static_assert(sizeof(struct instance) <= 256 - 24, "an instance's baseline fits a 256-byte slot");

struct volume {
    struct vg_flow_window w;
    uint64_t bytes[2]; /* current pane, previous */
    uint64_t base;     /* the instance's volume_max when this run of windows began */
};

enum { INSTANCES, VOLUME, MAIL };

static const struct vg_flow_table tables[] = {
    [INSTANCES] = { sizeof(struct instance_key), sizeof(struct instance), 8 },
    [VOLUME] = { sizeof(struct vg_flow_key), sizeof(struct volume), 8 },
    [MAIL] = { sizeof(struct vg_flow_key), sizeof(int64_t), 64 },
};

/* One record, seen from its instance, while the baselines look at it. */
struct obs {
    const struct vg_event *ev;
    const struct vg_flow_view *view;
    const struct vg_emit *emit;
    const struct vg_flow_thresholds *cfg;
    struct instance *in;
    bool learning;
};

/* True when item was new to the sorted set (and is now in it).  A set that would grow past cap
 * saturates: from then on everything counts as known, since an instance with that many
 * distinct peers of one kind has no baseline worth alerting on. */
static bool set_add(uint32_t *items, uint8_t *count, unsigned cap, uint32_t item)
{
    if (*count == SET_SATURATED)
        return false;
    unsigned lo = 0, hi = *count;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (items[mid] < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < *count && items[lo] == item)
        return false;
    if (*count == cap) {
        *count = SET_SATURATED;
        return false;
    }
    memmove(items + lo + 1, items + lo, (*count - lo) * sizeof(*items));
    items[lo] = item;
    (*count)++;
    return true;
}

/* Sets hold a handful of addresses, so a 32-bit hash hides a new server behind a learned one
 * with odds of about one in a billion. */
static uint32_t addr_hash(const struct vg_ip *ip)
{
    return (uint32_t)vg_hash64(ip->addr, ip->family == 4 ? 4 : 16, ip->family);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The Amazon-provided resolver answers at the base of the VPC's IPv4 range plus two (and of
 * every subnet's), and at 169.254.169.253 and fd00:ec2::253.  The last two are link-local and
 * ULA, never public, so they never get here; but a VPC may use a publicly routable CIDR, and a
 * flow record does not say which.  An address that is base+2 of some /16 to /28 network (the
 * sizes a VPC or subnet may have) that also holds the instance's own address is taken for the
 * VPC resolver. */
static bool is_vpc_resolver(const struct vg_ip *local, const struct vg_ip *remote)
{
    if (local->family != 4 || remote->family != 4)
        return false;
    uint32_t l = be32(local->addr), r = be32(remote->addr);
    for (unsigned prefix = 16; prefix <= 28; prefix++) {
        uint32_t mask = ~0u << (32 - prefix);
        if ((l & mask) != (r & mask))
            return false; /* longer prefixes differ too */
        if (r == (l & mask) + 2)
            return true;
    }
    return false;
}

/* A remote port in the ephemeral range is a client's port taken for a server's when the
 * initiator was guessed from ports (both ends ephemeral: RTP, peer-to-peer, passive FTP data);
 * only a logged SYN from the instance makes it a service the instance chose to call. */
static bool is_service_port(const struct vg_event *ev, const struct vg_finding_net *n)
{
    if (n->remote_port < EPHEMERAL_PORT)
        return true;
    const struct vg_flow *f = &ev->flow;
    return n->protocol == PROTO_TCP && (f->has & VG_FLOW_HAS_TCP_FLAGS) &&
           (f->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
}

static void format_bytes(uint64_t n, char *out, size_t cap)
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
    if (n < 1024) {
        snprintf(out, cap, "%" PRIu64 " bytes", n);
        return;
    }
    double v = (double)n / 1024;
    size_t u = 0;
    while (v >= 1024 && u + 1 < VG_ARRAY_LEN(units)) {
        v /= 1024;
        u++;
    }
    snprintf(out, cap, "%.1f %s", v, units[u]);
}

/* "no" or the number, for "it had used ... other ports" */
static const char *count_text(unsigned n, char *out, size_t cap)
{
    if (n == 0)
        return "no";
    snprintf(out, cap, "%u", n);
    return out;
}

/* Emits a finding on the record.  detail is the type's own sentence, members its own
 * additionalInfo members; both get what every baseline finding says: since when the instance
 * has been watched, and the learning period. */
static void report(const struct obs *o, enum vg_finding_type type, double severity,
                   struct vg_str counterpart, const char *detail, const char *members)
{
    char first[32], learning[32], text[640], additional[768];
    vg_time_format_iso(o->in->first_ms, first, sizeof(first));
    snprintf(text, sizeof(text),
             "%s vigil first saw this instance at %s and learned its baseline for %s.", detail,
             first, vg_flow_window_words(o->cfg->baseline_learning, learning, sizeof(learning)));
    snprintf(additional, sizeof(additional),
             "\"learningPeriodSeconds\":%" PRId64 ",\"instanceFirstSeen\":\"%s\",%s",
             o->cfg->baseline_learning / 1000, first, members);
    struct vg_finding_draft d = vg_flow_draft(type, o->ev, &o->view->net);
    d.severity = severity;
    d.counterpart = counterpart;
    d.detail = vg_str_from(text);
    d.additional = vg_str_from(additional);
    vg_emit_finding(o->emit, &d);
}

static void port_baseline(const struct obs *o)
{
    const struct vg_finding_net *n = &o->view->net;
    if (n->remote_port == 53 || n->remote_port == 853 || !is_service_port(o->ev, n))
        return;
    struct instance *in = o->in;
    uint32_t item = (uint32_t)n->protocol << 16 | n->remote_port;
    if (!set_add(in->ports, &in->port_count, PORTS_CAP, item) || o->learning)
        return;
    char ip[64], counterpart[80], proto[8], known[16], log4j[160] = "", detail[320], members[160];
    vg_ip_format(&n->remote_ip, ip, sizeof(ip));
    snprintf(counterpart, sizeof(counterpart), n->remote_ip.family == 6 ? "[%s]:%u" : "%s:%u", ip,
             n->remote_port);
    /* a log4j JNDI lookup makes the victim fetch its payload over LDAP; exploit kits listen on
     * 389 or 1389 */
    bool ldap = n->remote_port == 389 || n->remote_port == 1389;
    if (ldap)
        snprintf(log4j, sizeof(log4j),
                 "Port %u is where a log4j (CVE-2021-44228) exploit makes the victim's JNDI lookup "
                 "call back over LDAP: possible log4j callback. ",
                 n->remote_port);
    snprintf(detail, sizeof(detail), "%sIt had used %s other remote ports with public hosts.",
             log4j, count_text(in->port_count - 1u, known, sizeof(known)));
    snprintf(members, sizeof(members),
             "\"remotePort\":%u,\"protocol\":\"%s\",\"knownRemotePorts\":%u", n->remote_port,
             vg_flow_protocol_text(n->protocol, proto, sizeof(proto)), in->port_count - 1u);
    report(o, VG_FT_BEHAVIOR_EC2_NETWORKPORTUNUSUAL, ldap ? 8 : 0, vg_str_from(counterpart), detail,
           members);
}

/* The DNS-server baselines (plain DNS and DNS over TLS) are one address set each. */
static void dns_server_baseline(const struct obs *o, enum vg_finding_type type, uint32_t *set,
                                uint8_t *count, unsigned cap, const char *what, const char *member)
{
    const struct vg_finding_net *n = &o->view->net;
    if (!set_add(set, count, cap, addr_hash(&n->remote_ip)) || o->learning)
        return;
    char ip[64], known[16], detail[160], members[96];
    vg_ip_format(&n->remote_ip, ip, sizeof(ip));
    snprintf(detail, sizeof(detail), "It had used %s other public %s before.",
             count_text(*count - 1u, known, sizeof(known)), what);
    snprintf(members, sizeof(members), "\"remotePort\":%u,\"%s\":%u", n->remote_port, member,
             *count - 1u);
    report(o, type, 0, vg_str_from(ip), detail, members);
}

static void doh_baseline(const struct obs *o)
{
    const struct vg_finding_net *n = &o->view->net;
    const struct vg_doh_server *server;
    int i = vg_doh_servers_find(&n->remote_ip, &server);
    if (i < 0 || (o->in->doh_seen & (1ull << i)))
        return;
    o->in->doh_seen |= 1ull << i;
    if (o->learning)
        return;
    char ip[64], count[16], detail[200], members[96];
    unsigned known = (unsigned)__builtin_popcountll(o->in->doh_seen) - 1;
    vg_ip_format(&n->remote_ip, ip, sizeof(ip));
    snprintf(detail, sizeof(detail),
             "The server is %s's; the instance had contacted %s other public DoH servers before.",
             server->provider, count_text(known, count, sizeof(count)));
    snprintf(members, sizeof(members), "\"dohProvider\":\"%s\",\"knownDohServers\":%u",
             server->provider, known);
    report(o, VG_FT_DEFENSEEVASION_EC2_UNUSUALDOHACTIVITY, 0, vg_str_from(ip), detail, members);
}

/* Distinct public mail hosts per window, counted exactly (the threshold is small, and every
 * host is a real SMTP session): a host's entry remembers the pane it was last counted in. */
static void mail_baseline(struct vg_flow_state *s, const struct obs *o)
{
    struct instance *in = o->in;
    if (o->learning)
        in->mail_history = true;
    if (in->mail_history)
        return;
    int64_t window = o->cfg->spambot_window, pane_ms = window / 2;
    /* a record of the previous pane is late (files hold records in no strict order): a
     * spambot's burst is counted from its records in time */
    if (vg_flow_window_slide(&in->mail_window, in->mail, sizeof(in->mail[0]), o->ev->time_ms,
                             window) != 0)
        return;
    struct vg_flow_key key = vg_flow_key_make(o->ev, &o->view->net.remote_ip, KEY_MAIL, 25);
    bool created;
    int64_t *last_pane = vg_keyed_get(s->tables[MAIL], &key, &created);
    int64_t pane = in->mail_window.pane_start_ms;
    if (!created && *last_pane == pane)
        return;
    in->mail[0].all++;
    if (created || *last_pane != pane - pane_ms)
        in->mail[0].fresh++;
    *last_pane = pane;
    uint32_t hosts = in->mail[1].all + in->mail[0].fresh;
    if (hosts < (uint64_t)o->cfg->spambot_hosts || !vg_flow_window_may_fire(&in->mail_window))
        return;
    vg_flow_window_fired(&in->mail_window, window);
    char span[32], detail[240], members[160];
    snprintf(detail, sizeof(detail),
             "It connected to TCP port 25 of %u distinct public hosts within %s (threshold %" PRId64
             ") and sent no mail while its baseline was learned.",
             hosts, vg_flow_window_words(window, span, sizeof(span)), o->cfg->spambot_hosts);
    snprintf(members, sizeof(members),
             "\"threshold\":%" PRId64 ",\"windowSeconds\":%" PRId64 ",\"distinctHosts\":%u",
             o->cfg->spambot_hosts, window / 1000, hosts);
    report(o, VG_FT_BACKDOOR_EC2_SPAMBOT, 0, VG_STR_NULL, detail, members);
}

/* Bytes the instance sent to one public host, over connections it opened, in the two-pane
 * window.  A run of windows (from the first record after the pair was idle for a whole window)
 * is compared with the largest per-host window the instance had when the run began (`base`):
 * "earlier" history, so a long transfer never raises its own bar, and keeps being reported
 * once per window while it lasts.  Every window, reported ones included, raises the instance's
 * maximum for later runs: a recurring bulk job is reported the first time only. */
static void volume_baseline(struct vg_flow_state *s, const struct obs *o)
{
    const struct vg_flow *f = &o->ev->flow;
    const struct vg_flow_thresholds *cfg = o->cfg;
    if (!(f->has & VG_FLOW_HAS_COUNTS) || f->bytes == 0)
        return;
    if (f->bytes < (uint64_t)cfg->volume_min_bytes / VOLUME_GATE_DIVISOR)
        return;
    struct vg_flow_key key = vg_flow_key_make(o->ev, &o->view->net.remote_ip, KEY_VOLUME, 0);
    bool created;
    struct volume *v = vg_keyed_get(s->tables[VOLUME], &key, &created);
    int slot = vg_flow_window_slide(&v->w, v->bytes, sizeof(v->bytes[0]), o->ev->time_ms,
                                    cfg->volume_window);
    if (slot < 0)
        return;
    if (v->bytes[0] == 0 && v->bytes[1] == 0)
        v->base = o->in->volume_max;
    v->bytes[slot] =
        f->bytes > UINT64_MAX - v->bytes[slot] ? UINT64_MAX : v->bytes[slot] + f->bytes;
    uint64_t sent = v->bytes[0] > UINT64_MAX - v->bytes[1] ? UINT64_MAX : v->bytes[0] + v->bytes[1];
    bool unusual = !o->learning && sent >= (uint64_t)cfg->volume_min_bytes &&
                   sent / (uint64_t)cfg->volume_factor >= v->base; /* sent >= factor x base */
    if (sent > o->in->volume_max)
        o->in->volume_max = sent;
    if (!unusual || !vg_flow_window_may_fire(&v->w))
        return;
    vg_flow_window_fired(&v->w, cfg->volume_window);
    char ip[64], span[32], sent_text[32], min[32], base[32], detail[320], members[200];
    vg_ip_format(&o->view->net.remote_ip, ip, sizeof(ip));
    format_bytes(sent, sent_text, sizeof(sent_text));
    format_bytes((uint64_t)cfg->volume_min_bytes, min, sizeof(min));
    format_bytes(v->base, base, sizeof(base));
    snprintf(detail, sizeof(detail),
             "It sent %s to this host within %s; unusual means at least %s and %" PRId64
             " times the most it had sent to one host within such a window before (%s).",
             sent_text, vg_flow_window_words(cfg->volume_window, span, sizeof(span)), min,
             cfg->volume_factor, base);
    snprintf(members, sizeof(members),
             "\"thresholdBytes\":%" PRId64 ",\"factor\":%" PRId64 ",\"windowSeconds\":%" PRId64
             ",\"baselineBytes\":%" PRIu64 ",\"observedBytes\":%" PRIu64,
             cfg->volume_min_bytes, cfg->volume_factor, cfg->volume_window / 1000, v->base, sent);
    report(o, VG_FT_BEHAVIOR_EC2_TRAFFICVOLUMEUNUSUAL, 0, vg_str_from(ip), detail, members);
}

/* The ports and servers of a connection the instance opened to a public address. */
static void outbound(struct vg_flow_state *s, const struct obs *o)
{
    const struct vg_finding_net *n = &o->view->net;
    bool tcp = n->protocol == PROTO_TCP;
    if (!tcp && n->protocol != PROTO_UDP)
        return;
    struct instance *in = o->in;
    if (n->remote_port == 53 && !is_vpc_resolver(&n->local_ip, &n->remote_ip))
        dns_server_baseline(o, VG_FT_DEFENSEEVASION_EC2_UNUSUALDNSRESOLVER, in->resolvers,
                            &in->resolver_count, RESOLVERS_CAP, "resolvers",
                            "knownPublicResolvers");
    else if (tcp && n->remote_port == 853)
        dns_server_baseline(o, VG_FT_DEFENSEEVASION_EC2_UNUSUALDOTACTIVITY, in->dot_servers,
                            &in->dot_count, DOT_CAP, "DNS-over-TLS servers", "knownDotServers");
    else if (tcp && n->remote_port == 443) /* DoH over QUIC (UDP/443) shows as a new port */
        doh_baseline(o);
    else if (tcp && n->remote_port == 25)
        mail_baseline(s, o);
    port_baseline(o);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_flow_state *s = state;
    struct vg_flow_view view;
    /* a reply record always comes with its connection's request record (same capture
     * interval), so requests alone see each instance's first connection: half the lookups */
    if (!vg_flow_may_be_request(ev) || !vg_flow_view(ev, &view) || ev->time_ms == 0)
        return;
    struct obs o = { .ev = ev, .view = &view, .emit = emit, .cfg = s->env->flow };
    struct instance_key key;
    vg_flow_instance_key(ev, key.hash);
    bool created;
    o.in = vg_keyed_get(s->tables[INSTANCES], &key, &created);
    if (created || ev->time_ms < o.in->first_ms)
        o.in->first_ms = ev->time_ms;
    if (view.net.direction != VG_NET_OUTBOUND || !view.remote_public)
        return;
    o.learning = ev->time_ms < o.in->first_ms + o.cfg->baseline_learning;
    outbound(s, &o);
    if (!view.net.blocked)
        volume_baseline(s, &o);
}

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_flow_state_new(out, env, tables, VG_ARRAY_LEN(tables));
}

static const enum vg_finding_type types[] = {
    VG_FT_BEHAVIOR_EC2_NETWORKPORTUNUSUAL,       VG_FT_BEHAVIOR_EC2_TRAFFICVOLUMEUNUSUAL,
    VG_FT_DEFENSEEVASION_EC2_UNUSUALDNSRESOLVER, VG_FT_DEFENSEEVASION_EC2_UNUSUALDOHACTIVITY,
    VG_FT_DEFENSEEVASION_EC2_UNUSUALDOTACTIVITY, VG_FT_BACKDOOR_EC2_SPAMBOT,
};

const struct vg_detector vg_detector_flow_baseline = {
    .name = "flow-baseline",
    .sources = VG_SOURCE_VPCFLOW,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_flow_state_free,
    .state_evictions = vg_flow_state_evictions,
    .on_event = on_event,
};
