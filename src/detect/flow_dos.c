/*
 * Floods an instance sends to one public address, counted over event-time windows
 * (detect/flow_window.h): Backdoor:EC2/DenialOfService.*, picked by protocol and remote port:
 *   .Dns             port 53, UDP or TCP;
 *   .UdpOnTcpPorts   UDP to a port whose service only speaks TCP (tcp_only_port below);
 *   .Udp             other UDP;
 *   .Tcp             other TCP;
 *   .UnusualProtocol an IP protocol other than TCP, UDP, ICMP and ICMPv6 (ICMP floods are not
 *                    a GuardDuty type; a ping is never one).
 * A flood is flow.dos.packets packets within flow.dos.window, sent by the instance on flows it
 * opened (request records: a server answering a heavy client is not flooding it), to a public
 * address (private targets never count, as in GuardDuty), in flows whose average packet is at
 * most flow.dos.max_avg_packet (bulk transfers send full-size packets).  Two more conditions
 * keep the acknowledgements of a download, which are small packets by the hundred thousand,
 * from looking like a flood:
 *   - the target sent back at most REPLY_FACTOR times the bytes it received within the window
 *     (records are judged as they come: a QUIC download whose acknowledgements are logged
 *     before its data, and alone cross the threshold, still looks like a UDP flood);
 *   - a TCP flood spreads over flow.dos.tcp_connections connections: raw SYN/ACK floods rotate
 *     source ports, while a download rides on a handful, in whatever order its two records
 *     arrive.  A UDP flood needs no such spread: amazon-guardduty-tester sends its 400,000
 *     datagrams from one socket.
 * The window's packets, their average size and the bytes received go into additionalInfo.
 *
 * Cost: most records are small packets to or from public addresses, and a lookup per record in
 * a large per-target table is a cache miss per record (perf record of `vigil scan` on a
 * synthetic 2 M-record log: a fifth of the whole scan).  So targets are counted one by one only
 * while their instance is busy: it has sent half of flow.dos.packets small packets to public
 * addresses within the window, all targets together (a small table that stays in cache).
 * Until then a flood only adds to that total, so a finding needs at most half a threshold more
 * of the flood's packets, none when one record of the flood makes the instance busy
 * (amazon-guardduty-tester's).  Replies are looked up only for busy instances, or when one
 * record alone carries enough bytes to outweigh a threshold's worth of the smallest packets:
 * that may be a download's data, logged before its acknowledgements make the instance busy.
 *
 * State (core/keyed.h), from flow.state_memory: instances 1/256 (32-byte values: the busy
 * total), targets per (instance, target, type) 1/16 (80-byte values).
 */
#include "detect/flow_dos.h"

#include "core/keyed.h"
#include "detect/flow_util.h"
#include "detect/flow_window.h"

enum flood { FLOOD_NONE = -1, FLOOD_TCP, FLOOD_UDP, FLOOD_DNS, FLOOD_UDP_ON_TCP, FLOOD_UNUSUAL };

static const enum vg_finding_type flood_types[] = {
    [FLOOD_TCP] = VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_TCP,
    [FLOOD_UDP] = VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_UDP,
    [FLOOD_DNS] = VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_DNS,
    [FLOOD_UDP_ON_TCP] = VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_UDPONTCPPORTS,
    [FLOOD_UNUSUAL] = VG_FT_BACKDOOR_EC2_DENIALOFSERVICE_UNUSUALPROTOCOL,
};

/* A flood's target answers little: SYN-ACKs, RSTs and error replies are about the size of what
 * they answer, amplified DNS answers a few times more.  A download returns 20 to 50 times the
 * bytes of its acknowledgements. */
enum { REPLY_FACTOR = 4 };

/* The smallest packet a flood can be made of: an IPv4 header alone. */
enum { MIN_PACKET = 20 };

struct instance_state {
    struct vg_flow_window w;
    uint64_t packets[2]; /* small packets sent to public addresses; [0] current pane */
};

struct pane {
    uint64_t packets; /* sent by the instance, in flows it opened with small packets */
    uint64_t bytes;
    uint64_t bytes_back; /* sent by the target to the instance */
    uint32_t connections;
    uint32_t unused;
};

struct flood_state {
    struct vg_flow_window w;
    struct pane panes[2]; /* [0] current, [1] previous */
};

enum { INSTANCES, TARGETS };

static const struct vg_flow_table tables[] = {
    [INSTANCES] = { sizeof(struct vg_flow_key), sizeof(struct instance_state), 256 },
    [TARGETS] = { sizeof(struct vg_flow_key), sizeof(struct flood_state), 16 },
};

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_flow_state_new(out, env, tables, VG_ARRAY_LEN(tables));
}

/*
 * Ports whose service is only ever offered over TCP, so UDP aimed at them is not a client
 * talking to a server.  Left out on purpose: 80 and 443 (HTTP/3 runs over UDP 443, and
 * GuardDuty reports amazon-guardduty-tester's UDP flood to port 80 as DenialOfService.Udp),
 * 8080/8443 (HTTP/3 on alternative ports), 3389 (RDP has a UDP transport), 389 (CLDAP),
 * 88 and 464 (Kerberos), 11211 (memcached's UDP protocol), 53 (its own type).
 */
static bool tcp_only_port(uint16_t port)
{
    switch (port) {
    case 21:   /* FTP */
    case 22:   /* SSH */
    case 23:   /* Telnet */
    case 25:   /* SMTP */
    case 110:  /* POP3 */
    case 143:  /* IMAP */
    case 179:  /* BGP */
    case 445:  /* SMB */
    case 465:  /* SMTPS */
    case 587:  /* mail submission */
    case 993:  /* IMAPS */
    case 995:  /* POP3S */
    case 1433: /* SQL Server */
    case 1521: /* Oracle */
    case 2375: /* Docker API */
    case 2376: /* Docker API over TLS */
    case 3306: /* MySQL */
    case 5432: /* PostgreSQL */
    case 5985: /* WinRM */
    case 5986: /* WinRM over TLS */
    case 6379: /* Redis */
    case 9200: /* Elasticsearch */
    case 27017: /* MongoDB */ return true;
    default: return false;
    }
}

static enum flood classify(const struct vg_finding_net *n)
{
    switch (n->protocol) {
    case 1:
    case 58: return FLOOD_NONE;
    case 6: return n->remote_port == 53 ? FLOOD_DNS : FLOOD_TCP;
    case 17:
        if (n->remote_port == 53)
            return FLOOD_DNS;
        return tcp_only_port(n->remote_port) ? FLOOD_UDP_ON_TCP : FLOOD_UDP;
    default: return FLOOD_UNUSUAL;
    }
}

static void emit_flood(enum flood kind, const struct vg_event *ev, const struct vg_finding_net *net,
                       const struct pane *sum, const struct vg_flow_thresholds *t,
                       const struct vg_emit *emit)
{
    char target[64], words[32], detail[320], additional[320], tcp[48] = "";
    uint64_t avg = sum->bytes / sum->packets;
    vg_ip_format(&net->remote_ip, target, sizeof(target));
    snprintf(detail, sizeof(detail),
             "It sent %" PRIu64 " packets averaging %" PRIu64
             " bytes within %s and received %" PRIu64 " bytes back; the threshold is %" PRId64
             " packets averaging at most %" PRId64 " bytes.",
             sum->packets, avg, vg_flow_window_words(t->dos_window, words, sizeof(words)),
             sum->bytes_back, t->dos_packets, t->dos_max_avg_packet);
    if (kind == FLOOD_TCP)
        snprintf(tcp, sizeof(tcp), ",\"connections\":%" PRIu32 ",\"minConnections\":%" PRId64,
                 sum->connections, t->dos_tcp_connections);
    snprintf(additional, sizeof(additional),
             "\"threshold\":%" PRId64 ",\"windowSeconds\":%g,\"packets\":%" PRIu64
             ",\"avgPacketBytes\":%" PRIu64 ",\"maxAvgPacketBytes\":%" PRId64
             ",\"bytesSent\":%" PRIu64 ",\"bytesReceived\":%" PRIu64 "%s",
             t->dos_packets, (double)t->dos_window / 1000, sum->packets, avg, t->dos_max_avg_packet,
             sum->bytes, sum->bytes_back, tcp);
    struct vg_finding_draft d = vg_flow_draft(flood_types[kind], ev, net);
    d.counterpart = vg_str_from(target);
    d.detail = vg_str_from(detail);
    d.additional = vg_str_from(additional);
    vg_emit_finding(emit, &d);
}

static bool is_flood(enum flood kind, const struct pane *sum, const struct vg_flow_thresholds *t)
{
    return sum->packets >= (uint64_t)t->dos_packets &&
           sum->bytes_back <= REPLY_FACTOR * sum->bytes &&
           (kind != FLOOD_TCP || sum->connections >= (uint64_t)t->dos_tcp_connections);
}

/* Adds packets to the window total of the instance of target (0: only looks, never creating
 * state); true when the total has reached half the threshold. */
static bool instance_busy(struct vg_keyed *instances, const struct vg_flow_key *target,
                          const struct vg_event *ev, uint64_t packets,
                          const struct vg_flow_thresholds *t)
{
    struct vg_flow_key key;
    memset(&key, 0, sizeof(key));
    memcpy(key.instance, target->instance, sizeof(key.instance));
    bool created;
    struct instance_state *st =
        packets ? vg_keyed_get(instances, &key, &created) : vg_keyed_find(instances, &key);
    if (!st)
        return false;
    int slot = vg_flow_window_slide(&st->w, st->packets, sizeof(st->packets[0]), ev->time_ms,
                                    t->dos_window);
    if (slot >= 0)
        st->packets[slot] += packets;
    return st->packets[0] + st->packets[1] >= (uint64_t)t->dos_packets / 2;
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_flow_state *s = state;
    const struct vg_flow_thresholds *t = s->env->flow;
    const struct vg_flow *f = &ev->flow;
    struct vg_flow_view v;
    if (!vg_flow_view(ev, &v) || !v.remote_public || f->packets == 0)
        return;
    enum flood kind = classify(&v.net);
    if (kind == FLOOD_NONE)
        return;
    bool sent = v.request && v.net.direction == VG_NET_OUTBOUND;
    bool small = f->bytes / f->packets <= (uint64_t)t->dos_max_avg_packet;
    if ((sent && !small) || (!sent && f->local != VG_FLOW_LOCAL_DST))
        return;
    struct vg_flow_key key = vg_flow_key_make(ev, &v.net.remote_ip, (uint8_t)kind, 0);
    /* a sent record counts towards its instance's total; a reply is looked up only for a busy
     * instance, unless it alone could outweigh a flood */
    bool create = sent || f->bytes / REPLY_FACTOR / MIN_PACKET >= (uint64_t)t->dos_packets;
    if ((sent || !create) &&
        !instance_busy(s->tables[INSTANCES], &key, ev, sent ? f->packets : 0, t))
        return;
    bool created;
    struct vg_keyed *targets = s->tables[TARGETS];
    struct flood_state *st =
        create ? vg_keyed_get(targets, &key, &created) : vg_keyed_find(targets, &key);
    if (!st)
        return;
    int slot =
        vg_flow_window_slide(&st->w, st->panes, sizeof(st->panes[0]), ev->time_ms, t->dos_window);
    if (slot < 0)
        return;
    struct pane *p = &st->panes[slot];
    if (!sent) {
        p->bytes_back += f->bytes;
        return;
    }
    p->packets += f->packets;
    p->bytes += f->bytes;
    p->connections++;
    struct pane sum = {
        st->panes[0].packets + st->panes[1].packets,
        st->panes[0].bytes + st->panes[1].bytes,
        st->panes[0].bytes_back + st->panes[1].bytes_back,
        st->panes[0].connections + st->panes[1].connections,
        0,
    };
    if (!is_flood(kind, &sum, t) || !vg_flow_window_may_fire(&st->w))
        return;
    vg_flow_window_fired(&st->w, t->dos_window);
    emit_flood(kind, ev, &v.net, &sum, t, emit);
}

const struct vg_detector vg_detector_flow_dos = {
    .name = "flow-dos",
    .sources = VG_SOURCE_VPCFLOW,
    .types = flood_types,
    .type_count = VG_ARRAY_LEN(flood_types),
    .state_new = state_new,
    .state_free = vg_flow_state_free,
    .state_evictions = vg_flow_state_evictions,
    .on_event = on_event,
};
