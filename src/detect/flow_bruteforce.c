/*
 * Password guessing between an instance and one peer, counted over event-time windows
 * (detect/flow_window.h):
 *   UnauthorizedAccess:EC2/SSHBruteForce  TCP 22 only: SSH moved to another port never fires,
 *                                         as in GuardDuty;
 *   UnauthorizedAccess:EC2/RDPBruteForce  TCP 3389;
 *   Impact:EC2/WinRMBruteForce            TCP 5985 (HTTP) and 5986 (HTTPS), counted together.
 * An attempt is a connection to the service (its request record, accepted or rejected: a
 * blocked brute force is still one) whose client sent at most flow.bruteforce.max_packets
 * packets; longer connections are working sessions.  flow.bruteforce.attempts of them between
 * one peer and one instance within flow.bruteforce.window fire.
 *
 * Direction: inbound, the peer connects to the instance's service port and the instance is the
 * target (the catalog's Low); outbound, the instance connects to the peer's and is the attacker
 * (High, 8).  Private peers count: a brute force from a compromised neighbour in the VPC is
 * what amazon-guardduty-tester runs.  Counting is per peer, but the finding is per instance
 * and direction, whatever the peer: GuardDuty's one documented aggregation rule ("SSH brute
 * force against instance A aggregates regardless of attacker"), so an internet-facing host gets
 * one finding whose count grows and whose action shows the latest attacker, not one per
 * scanner; being attacked and attacking stay separate findings.
 *
 * State (core/keyed.h): per (instance, peer, service, direction), 1/16 of flow.state_memory.
 * Entries are 24 bytes of value, so a flood of one-off peers (every internet scanner tries
 * port 22) evicts the oldest peers and counts them, while a peer that keeps trying stays.
 */
#include "detect/flow_bruteforce.h"

#include "core/keyed.h"
#include "detect/flow_util.h"
#include "detect/flow_window.h"

struct service {
    enum vg_finding_type type;
    const char *name;
};

enum { SVC_SSH, SVC_RDP, SVC_WINRM };

static const struct service services[] = {
    [SVC_SSH] = { VG_FT_UNAUTHORIZEDACCESS_EC2_SSHBRUTEFORCE, "SSH" },
    [SVC_RDP] = { VG_FT_UNAUTHORIZEDACCESS_EC2_RDPBRUTEFORCE, "RDP" },
    [SVC_WINRM] = { VG_FT_IMPACT_EC2_WINRMBRUTEFORCE, "WinRM" },
};

/* Severity when the instance is the attacker (GuardDuty's asterisked types go High). */
static const double ACTOR_SEVERITY = 8;

struct attempts_state {
    struct vg_flow_window w;
    uint32_t attempts[2]; /* [0] current pane, [1] previous */
};

enum { PEERS };

static const struct vg_flow_table tables[] = {
    [PEERS] = { sizeof(struct vg_flow_key), sizeof(struct attempts_state), 16 },
};

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_flow_state_new(out, env, tables, VG_ARRAY_LEN(tables));
}

/* The service a TCP port serves, or -1. */
static int service_of(uint16_t port)
{
    switch (port) {
    case 22: return SVC_SSH;
    case 3389: return SVC_RDP;
    case 5985:
    case 5986: return SVC_WINRM;
    default: return -1;
    }
}

static void emit_bruteforce(const struct service *svc, const struct vg_event *ev,
                            const struct vg_finding_net *net, uint64_t attempts,
                            const struct vg_flow_thresholds *t, const struct vg_emit *emit)
{
    bool outbound = net->direction == VG_NET_OUTBOUND;
    char words[32], detail[256], additional[192];
    snprintf(detail, sizeof(detail),
             "%s made %" PRIu64 " %s connections of at most %" PRId64
             " packets within %s; the threshold is %" PRId64 " connections.",
             outbound ? "The instance" : "The peer", attempts, svc->name, t->bruteforce_max_packets,
             vg_flow_window_words(t->bruteforce_window, words, sizeof(words)),
             t->bruteforce_attempts);
    snprintf(additional, sizeof(additional),
             "\"threshold\":%" PRId64 ",\"windowSeconds\":%g,\"attempts\":%" PRIu64
             ",\"attemptMaxPackets\":%" PRId64,
             t->bruteforce_attempts, (double)t->bruteforce_window / 1000, attempts,
             t->bruteforce_max_packets);
    struct vg_finding_draft d = vg_flow_draft(svc->type, ev, net);
    d.counterpart = outbound ? VG_STR("outbound") : VG_STR("inbound");
    d.detail = vg_str_from(detail);
    d.additional = vg_str_from(additional);
    if (outbound)
        d.severity = ACTOR_SEVERITY;
    vg_emit_finding(emit, &d);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_flow_state *s = state;
    const struct vg_flow_thresholds *t = s->env->flow;
    struct vg_flow_view v;
    if (!vg_flow_may_be_request(ev) || !vg_flow_view(ev, &v) || v.net.protocol != 6 ||
        ev->flow.packets > (uint64_t)t->bruteforce_max_packets)
        return;
    bool outbound = v.net.direction == VG_NET_OUTBOUND;
    int svc = service_of(outbound ? v.net.remote_port : v.net.local_port);
    if (svc < 0)
        return;
    struct vg_flow_key key =
        vg_flow_key_make(ev, &v.net.remote_ip, (uint8_t)(svc << 1 | outbound), 0);
    bool created;
    struct attempts_state *st = vg_keyed_get(s->tables[PEERS], &key, &created);
    int slot = vg_flow_window_slide(&st->w, st->attempts, sizeof(st->attempts[0]), ev->time_ms,
                                    t->bruteforce_window);
    if (slot < 0)
        return;
    if (st->attempts[slot] < UINT32_MAX)
        st->attempts[slot]++;
    uint64_t n = (uint64_t)st->attempts[0] + st->attempts[1];
    if (n < (uint64_t)t->bruteforce_attempts || !vg_flow_window_may_fire(&st->w))
        return;
    vg_flow_window_fired(&st->w, t->bruteforce_window);
    emit_bruteforce(&services[svc], ev, &v.net, n, t, emit);
}

static const enum vg_finding_type types[] = {
    VG_FT_UNAUTHORIZEDACCESS_EC2_SSHBRUTEFORCE,
    VG_FT_UNAUTHORIZEDACCESS_EC2_RDPBRUTEFORCE,
    VG_FT_IMPACT_EC2_WINRMBRUTEFORCE,
};

const struct vg_detector vg_detector_flow_bruteforce = {
    .name = "flow-bruteforce",
    .sources = VG_SOURCE_VPCFLOW,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_flow_state_free,
    .state_evictions = vg_flow_state_evictions,
    .on_event = on_event,
};
