/*
 * Trojan:EC2/DNSDataExfiltration: an instance sends data out in the names it looks up.  A DNS
 * tunnel (iodine, dnscat2, DNSExfiltrator, amazon-guardduty-tester's 929 queries of ~60-char
 * labels) encodes each chunk of data in the labels below a zone the attacker's server answers
 * for, so it shows as many distinct subdomains of one zone whose labels are long and random.
 *
 * Counted per (instance, zone) over an event-time window (detect/flow_window.h): the distinct
 * subdomains (the name below the zone, linear counting), the bytes they carry (label bytes
 * below the zone, each subdomain counted once) and how many carry data: a label of at least
 * dns.exfil.label_length bytes that the DGA model (detect/dga.h) scores at least
 * dns.dga.min_score, i.e. not word-like.  It fires when dns.exfil.names distinct subdomains are
 * reached and dns.exfil.encoded_percent of them carry data.
 *
 * What does not fire, and why:
 *   - CDN, load-balancer and AWS endpoint names: their labels are short ("d1234abcd",
 *     "e1234.a") or word-like ("amazonlinux-2-repos-us-east-1.s3.dualstack..."), and names
 *     under a platform's suffix are their own zones (enrich/psl.h), never one busy zone;
 *   - crawlers and service discovery: many unique but word-like or short names of one zone;
 *   - DKIM and ACME lookups ("s1._domainkey", "_acme-challenge"): few names per zone;
 *   - internal and reverse names (ip-10-0-0-1.ec2.internal, *.in-addr.arpa): no zone is counted;
 *   - DNS-based reputation lookups, which are DNS queries carrying data by design: DNSBLs
 *     (zen.spamhaus.org takes reversed addresses: numeric labels, never "carrying data" by the
 *     rule above) and hash lookups of anti-virus and anti-spam services (Sophos, Team Cymru's
 *     malware hash registry, SURBL/URIBL/Spamhaus DBL and HBL), whose hex labels would count:
 *     their zones are listed in lookup_zones below and skipped.  Any other lookup service a
 *     site uses goes on the trusted list.
 *
 * State: per (instance, zone), 1/8 of dns.state_memory: two panes of a 1,280-bit distinct
 * bitmap with byte and encoded counts (estimates within 3% at the default 100), and the last
 * EXFIL_SAMPLES labels that carried data, cut, for the finding.
 */
#include "detect/dns_exfil.h"

#include "core/hash.h"
#include "detect/dga.h"
#include "detect/dns_state.h"
#include "detect/dns_util.h"
#include "detect/flow_window.h"
#include "enrich/psl.h"

enum {
    EXFIL_WORDS = 20,
    EXFIL_SAMPLES = 3,
    SAMPLE_BYTES = 22, /* an example label is cut to this, "..." added in the finding */
};

struct exfil_pane {
    uint64_t bits[EXFIL_WORDS];
    uint64_t bytes;   /* label bytes below the zone of the subdomains first seen in the pane */
    uint32_t encoded; /* those subdomains that carry data */
    uint32_t unused;
};

struct exfil_sample {
    int64_t time_ms; /* 0: empty */
    uint8_t len;
    bool cut;
    char label[SAMPLE_BYTES];
};

struct exfil_state {
    struct vg_flow_window w;
    struct exfil_pane panes[2]; /* [0] current, [1] previous */
    struct exfil_sample samples[EXFIL_SAMPLES];
    uint32_t next_sample;
};

_Static_assert(sizeof(struct exfil_state) <= VG_KEYED_MAX_VALUE, "exfil state too large");

/* Zones of services that answer questions encoded in the query name (see the file comment). */
static const char *const lookup_zones[] = {
    "sophosxl.net", "cymru.com",   "spamhaus.org",         "spamhaus.net",  "surbl.org",
    "uribl.com",    "spamcop.net", "barracudacentral.org", "mailspike.net", "sorbs.net",
};

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_dns_state_new(out, env, sizeof(struct exfil_state), 8);
}

static bool is_lookup_zone(struct vg_str zone)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(lookup_zones); i++)
        if (vg_str_eq(zone, vg_str_from(lookup_zones[i])))
            return true;
    return false;
}

/* What the subdomain part of a name holds: its label bytes and its first label that carries
 * data (empty when none).  Labels split at unescaped dots (normal form: "\." is inside). */
struct sub_shape {
    uint64_t bytes;
    struct vg_str data_label;
};

static struct sub_shape measure(struct vg_str sub, const struct vg_dns_thresholds *t)
{
    struct sub_shape out = { 0, VG_STR_NULL };
    size_t start = 0;
    for (size_t i = 0; i <= sub.len; i++) {
        if (i < sub.len && sub.ptr[i] == '\\') {
            i++;
            continue;
        }
        if (i < sub.len && sub.ptr[i] != '.')
            continue;
        size_t n = (i < sub.len ? i : sub.len) - start;
        out.bytes += n;
        if (!out.data_label.len && n >= (size_t)t->exfil_label_len &&
            vg_dga_score(sub.ptr + start, n) * 100 >= (double)t->dga_min_score)
            out.data_label = (struct vg_str){ sub.ptr + start, n };
        start = i + 1;
    }
    return out;
}

static void remember(struct exfil_state *st, int64_t time_ms, struct vg_str label)
{
    struct exfil_sample *s = &st->samples[st->next_sample++ % EXFIL_SAMPLES];
    size_t n = label.len < SAMPLE_BYTES ? label.len : SAMPLE_BYTES;
    s->time_ms = time_ms;
    s->len = (uint8_t)n;
    s->cut = n < label.len;
    memcpy(s->label, label.ptr, n);
}

static void emit_exfil(struct vg_dns_state *s, const struct exfil_state *st,
                       const struct vg_event *ev, struct vg_str zone, uint64_t names,
                       uint64_t bytes, uint32_t encoded, const struct vg_emit *emit)
{
    const struct vg_dns_thresholds *t = s->env->dns;
    struct vg_buf *b = &s->additional;
    vg_buf_reset(b);
    vg_buf_adds(b, "\"exfiltration\":{\"zone\":");
    vg_buf_add_json_str(b, zone);
    vg_buf_printf(b,
                  ",\"distinctSubdomains\":%" PRIu64 ",\"encodedSubdomains\":%u,"
                  "\"encodedBytes\":%" PRIu64 ",\"threshold\":%" PRId64
                  ",\"encodedPercentThreshold\":%" PRId64 ",\"minLabelLength\":%" PRId64
                  ",\"minScore\":%.2f,\"windowSeconds\":%g,\"sampleLabels\":[",
                  names, encoded, bytes, t->exfil_names, t->exfil_encoded_pct, t->exfil_label_len,
                  (double)t->dga_min_score / 100, (double)t->exfil_window / 1000);
    bool first = true;
    for (size_t i = 0; i < EXFIL_SAMPLES; i++) {
        const struct exfil_sample *x = &st->samples[(st->next_sample + i) % EXFIL_SAMPLES];
        if (!x->time_ms || x->time_ms <= ev->time_ms - t->exfil_window)
            continue;
        char label[SAMPLE_BYTES + 3];
        memcpy(label, x->label, x->len);
        memcpy(label + x->len, "...", x->cut ? 3 : 0);
        if (!first)
            vg_buf_addc(b, ',');
        first = false;
        vg_buf_add_json_str(b, (struct vg_str){ label, x->len + (x->cut ? 3u : 0u) });
    }
    vg_buf_adds(b, "]}");

    char words[32], detail[320];
    snprintf(detail, sizeof(detail),
             "Within %s it queried %" PRIu64 " distinct subdomains of %.*s, %u of them with "
             "long random-looking labels, %" PRIu64 " bytes of encoded names in all; the "
             "threshold is %" PRId64 " subdomains, %" PRId64 "%% of them encoded.",
             vg_flow_window_words(t->exfil_window, words, sizeof(words)), names,
             (int)(zone.len < 100 ? zone.len : 100), zone.ptr, encoded, bytes, t->exfil_names,
             t->exfil_encoded_pct);
    struct vg_finding_dns dns = vg_dns_action(ev);
    struct vg_finding_draft d = vg_dns_draft(VG_FT_TROJAN_EC2_DNSDATAEXFILTRATION, ev, &dns);
    d.counterpart = zone;
    d.detail = vg_str_from(detail);
    d.additional = (struct vg_str){ b->data ? b->data : "", b->len };
    vg_emit_finding(emit, &d);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_dns_state *s = state;
    const struct vg_dns_thresholds *t = s->env->dns;
    struct vg_str name = ev->dns.query.text, zone = VG_STR_NULL;
    if (vg_psl_registrable(name, &zone) != VG_PSL_REGISTRABLE || zone.len + 1 >= name.len ||
        is_lookup_zone(zone))
        return;
    struct vg_dns_key key;
    if (!vg_dns_key_make(ev, vg_hash64(zone.ptr, zone.len, 0), &key))
        return;
    struct vg_str sub = { name.ptr, name.len - zone.len - 1 };
    bool created;
    struct exfil_state *st = vg_keyed_get(s->table, &key, &created);
    int slot =
        vg_flow_window_slide(&st->w, st->panes, sizeof(st->panes[0]), ev->time_ms, t->exfil_window);
    if (slot < 0 ||
        !vg_flow_distinct_add(st->panes[slot].bits, EXFIL_WORDS, vg_hash64(sub.ptr, sub.len, 0)))
        return;
    struct sub_shape shape = measure(sub, t);
    struct exfil_pane *p = &st->panes[slot];
    p->bytes += shape.bytes;
    if (shape.data_label.len) {
        p->encoded++;
        remember(st, ev->time_ms, shape.data_label);
    }
    /* a fresh entry holds one subdomain, below the options' minimum of 2 */
    if (created || !vg_flow_window_may_fire(&st->w))
        return;
    uint64_t names = vg_flow_distinct_count(st->panes[0].bits, st->panes[1].bits, EXFIL_WORDS);
    uint32_t encoded = st->panes[0].encoded + st->panes[1].encoded;
    if (names < (uint64_t)t->exfil_names ||
        (uint64_t)encoded * 100 < (uint64_t)t->exfil_encoded_pct * names)
        return;
    vg_flow_window_fired(&st->w, t->exfil_window);
    emit_exfil(s, st, ev, zone, names, st->panes[0].bytes + st->panes[1].bytes, encoded, emit);
}

static const enum vg_finding_type types[] = { VG_FT_TROJAN_EC2_DNSDATAEXFILTRATION };

const struct vg_detector vg_detector_dns_exfil = {
    .name = "dns-exfil",
    .sources = VG_SOURCE_DNS,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_dns_state_free,
    .state_evictions = vg_dns_state_evictions,
    .on_event = on_event,
};
