/*
 * Trojan:EC2/DGADomainRequest.B: one instance queries many zones whose registrable label looks
 * machine-generated (detect/dga.h), within an event-time window (detect/flow_window.h).
 *
 * Malware with a domain generation algorithm tries dozens to hundreds of names a day until one
 * resolves; most were never registered and answer NXDOMAIN.  One odd name is not enough:
 * popular sites' labels score at or above the default dns.dga.min_score about 4 times in 1,000
 * (brands like "airbnb", "ebayimg"), so a finding needs dns.dga.names distinct such zones, or
 * dns.dga.nxdomain_names of them that answered NXDOMAIN (a benign brand exists; a generated
 * name mostly does not).  Zones are counted, not names: "www.x.com" and "x.com" are one try.
 *
 * Never counted (vg_dga_zone_score gives 0, or the name has no registrable zone): internal
 * names (*.ec2.internal, *.compute.internal), reverse PTR names, IP literals, single labels,
 * public suffixes such as ec2-54-1-2-3.compute-1.amazonaws.com, and names under a platform's
 * suffix (d1234abcd.cloudfront.net, bucket.s3.amazonaws.com, app.herokuapp.com), whose labels
 * are handed out by the platform.  The random part of a CDN name below its zone
 * (e1234.a.akamaiedge.net) is never scored: only the registrable label is.
 *
 * State: per instance, 1/16 of dns.state_memory: a window of two panes with a 256-bit distinct
 * bitmap and an NXDOMAIN count each (exact to the default 10; linear counting above, see
 * flow_window.h) and the last DGA_SAMPLES zones with their scores for the finding.
 * The finding's counterpart is fixed, so repeats per instance aggregate into one finding whose
 * count is the number of windows that fired.
 */
#include "detect/dns_dga.h"

#include "core/hash.h"
#include "detect/dga.h"
#include "detect/dns_state.h"
#include "detect/dns_util.h"
#include "detect/flow_window.h"
#include "enrich/psl.h"

enum {
    DGA_WORDS = 4,
    DGA_SAMPLES = 5,
    /* a zone in a sample is cut to this many bytes (with "..." in the finding) */
    SAMPLE_BYTES = 44,
};

struct dga_pane {
    uint64_t bits[DGA_WORDS];
    uint32_t nxdomain; /* distinct zones first seen in this pane with an NXDOMAIN answer */
    uint32_t unused;
};

struct dga_sample {
    int64_t time_ms; /* 0: empty */
    uint16_t score;  /* per mille */
    uint8_t len;
    bool cut;
    bool nxdomain;
    char zone[SAMPLE_BYTES];
};

struct dga_state {
    struct vg_flow_window w;
    struct dga_pane panes[2]; /* [0] current, [1] previous */
    struct dga_sample samples[DGA_SAMPLES];
    uint32_t next_sample;
};

_Static_assert(sizeof(struct dga_state) <= VG_KEYED_MAX_VALUE, "dga state too large");

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_dns_state_new(out, env, sizeof(struct dga_state), 16);
}

static void remember(struct dga_state *st, const struct vg_event *ev, struct vg_str zone,
                     double score)
{
    struct dga_sample *s = &st->samples[st->next_sample++ % DGA_SAMPLES];
    size_t n = zone.len < SAMPLE_BYTES ? zone.len : SAMPLE_BYTES;
    s->time_ms = ev->time_ms;
    s->score = (uint16_t)(score * 1000 + 0.5);
    s->len = (uint8_t)n;
    s->cut = n < zone.len;
    s->nxdomain = ev->dns.rcode == VG_DNS_RCODE_NXDOMAIN;
    memcpy(s->zone, zone.ptr, n);
}

static void emit_dga(struct vg_dns_state *s, const struct dga_state *st, const struct vg_event *ev,
                     uint64_t zones, uint32_t nxdomain, const struct vg_emit *emit)
{
    const struct vg_dns_thresholds *t = s->env->dns;
    struct vg_buf *b = &s->additional;
    vg_buf_reset(b);
    vg_buf_printf(b,
                  "\"dga\":{\"distinctZones\":%" PRIu64 ",\"nxdomainZones\":%u,\"minScore\":%.2f,"
                  "\"threshold\":%" PRId64 ",\"nxdomainThreshold\":%" PRId64
                  ",\"windowSeconds\":%g,\"samples\":[",
                  zones, nxdomain, (double)t->dga_min_score / 100, t->dga_names, t->dga_nxdomain,
                  (double)t->dga_window / 1000);
    bool first = true;
    for (size_t i = 0; i < DGA_SAMPLES; i++) {
        const struct dga_sample *x = &st->samples[(st->next_sample + i) % DGA_SAMPLES];
        if (!x->time_ms || x->time_ms <= ev->time_ms - t->dga_window)
            continue;
        vg_buf_adds(b, first ? "{\"zone\":" : ",{\"zone\":");
        first = false;
        char zone[SAMPLE_BYTES + 3];
        memcpy(zone, x->zone, x->len);
        memcpy(zone + x->len, "...", x->cut ? 3 : 0);
        vg_buf_add_json_str(b, (struct vg_str){ zone, x->len + (x->cut ? 3u : 0u) });
        vg_buf_printf(b, ",\"score\":%.3f,\"nxdomain\":%s}", x->score / 1000.0,
                      x->nxdomain ? "true" : "false");
    }
    vg_buf_adds(b, "]}");

    char words[32], detail[256];
    snprintf(detail, sizeof(detail),
             "It queried %" PRIu64 " distinct domains whose names look machine-generated "
             "(%u of them did not exist) within %s; the thresholds are %" PRId64
             " domains, or %" PRId64 " that do not exist.",
             zones, nxdomain, vg_flow_window_words(t->dga_window, words, sizeof(words)),
             t->dga_names, t->dga_nxdomain);
    struct vg_finding_dns dns = vg_dns_action(ev);
    struct vg_finding_draft d = vg_dns_draft(VG_FT_TROJAN_EC2_DGADOMAINREQUEST_B, ev, &dns);
    d.counterpart = VG_STR("dga");
    d.detail = vg_str_from(detail);
    d.additional = (struct vg_str){ b->data ? b->data : "", b->len };
    vg_emit_finding(emit, &d);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_dns_state *s = state;
    const struct vg_dns_thresholds *t = s->env->dns;
    struct vg_str zone = VG_STR_NULL;
    struct vg_dns_key key;
    if (!vg_dns_key_make(ev, 0, &key) ||
        vg_psl_registrable(ev->dns.query.text, &zone) != VG_PSL_REGISTRABLE)
        return;
    double score = vg_dga_zone_score(zone);
    if (score * 100 < (double)t->dga_min_score)
        return;
    bool created;
    struct dga_state *st = vg_keyed_get(s->table, &key, &created);
    int slot =
        vg_flow_window_slide(&st->w, st->panes, sizeof(st->panes[0]), ev->time_ms, t->dga_window);
    if (slot < 0 ||
        !vg_flow_distinct_add(st->panes[slot].bits, DGA_WORDS, vg_hash64(zone.ptr, zone.len, 0)))
        return;
    if (ev->dns.rcode == VG_DNS_RCODE_NXDOMAIN)
        st->panes[slot].nxdomain++;
    remember(st, ev, zone, score);
    if (!vg_flow_window_may_fire(&st->w))
        return;
    uint64_t zones = vg_flow_distinct_count(st->panes[0].bits, st->panes[1].bits, DGA_WORDS);
    uint32_t nxdomain = st->panes[0].nxdomain + st->panes[1].nxdomain;
    if (zones < (uint64_t)t->dga_names && nxdomain < (uint64_t)t->dga_nxdomain)
        return;
    vg_flow_window_fired(&st->w, t->dga_window);
    emit_dga(s, st, ev, zones, nxdomain, emit);
}

static const enum vg_finding_type types[] = { VG_FT_TROJAN_EC2_DGADOMAINREQUEST_B };

const struct vg_detector vg_detector_dns_dga = {
    .name = "dns-dga",
    .sources = VG_SOURCE_DNS,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_dns_state_free,
    .state_evictions = vg_dns_state_evictions,
    .on_event = on_event,
};
