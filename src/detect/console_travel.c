/*
 * UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B: successful console sign-ins of one IAM
 * user from places too far apart for the time between them (impossible travel).
 *
 * Two successful ConsoleLogin events of the same user within iam.console.travel_window are
 * compared.  With geo data (--ip-data with a City database) the distance between the two
 * locations must need more than 900 km/h, an airliner's speed.  Without locations vigil cannot
 * measure distance, so it uses networks instead: the two addresses in different /16 (IPv4) or
 * /32 (IPv6) networks within the window.  That is coarser (a phone switching from office Wi-Fi
 * to mobile data also changes network), which is why the window is short by default; with geo
 * data the window can be raised to hours.  Failed sign-ins are never travel: whoever failed
 * did not get in.  State: the last successful sign-in per user, a share of iam.state_memory.
 */
#include "detect/console_travel.h"

#include "core/keyed.h"
#include "core/time.h"
#include "detect/baseline.h"
#include "detect/ct_util.h"
#include "detect/flow_util.h"
#include "enrich/ipinfo.h"

#define MAX_KMH 900.0
#define EARTH_KM 6371.0

struct signin {
    int64_t time_ms;
    struct vg_ip ip;
    bool has_location;
    double lat, lon;
};

static const struct vg_flow_table tables[] = { { 16, sizeof(struct signin), 64 } };

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_flow_state_new_budget(out, env, (size_t)env->iam->state_memory, tables,
                                    VG_ARRAY_LEN(tables));
}

static double distance_km(double lat1, double lon1, double lat2, double lon2)
{
    double rad = M_PI / 180;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * EARTH_KM * asin(sqrt(a < 1 ? a : 1));
}

static bool same_network(const struct vg_ip *a, const struct vg_ip *b)
{
    size_t bytes = a->family == 4 ? 2 : 4; /* a /16, or a /32 of IPv6 */
    return a->family == b->family && memcmp(a->addr, b->addr, bytes) == 0;
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_flow_state *s = state;
    const struct vg_cloudtrail *ct = &ev->ct;
    if (ct->identity.type != VG_ID_IAM_USER || !vg_str_eq_lit(ct->event_name, "ConsoleLogin") ||
        !vg_ct_succeeded(ev) || ct->source_ip.family == 0)
        return;
    uint64_t key[2];
    vg_baseline_key(ev->account_id, ct->identity.arn, VG_STR("console"), key);
    bool created;
    struct signin *last = vg_keyed_get(s->tables[0], key, &created);
    struct signin now = { ev->time_ms, ct->source_ip, false, 0, 0 };
    struct vg_ipinfo_result r;
    if (s->env->ipinfo && vg_ipinfo_lookup(s->env->ipinfo, &ct->source_ip, &r) && r.has_location)
        now.has_location = true, now.lat = r.lat, now.lon = r.lon;
    struct signin before = *last;
    *last = now;
    int64_t gap_ms = ev->time_ms - before.time_ms;
    if (created || gap_ms < 0 || gap_ms > s->env->iam->travel_window)
        return;
    char prev_ip[64], detail[400];
    vg_ip_format(&before.ip, prev_ip, sizeof(prev_ip));
    double minutes = (double)gap_ms / 60000.0;
    if (before.has_location && now.has_location) {
        double km = distance_km(before.lat, before.lon, now.lat, now.lon);
        double kmh = km / (gap_ms > 60000 ? (double)gap_ms / 3600000.0 : 1.0 / 60);
        if (kmh <= MAX_KMH)
            return;
        snprintf(detail, sizeof(detail),
                 "The previous successful sign-in came from %s %.0f minutes earlier, about %.0f "
                 "km away: %.0f km/h, faster than any flight.",
                 prev_ip, minutes, km, kmh);
    } else {
        if (same_network(&before.ip, &ct->source_ip))
            return;
        snprintf(detail, sizeof(detail),
                 "The previous successful sign-in came from %s, in another /16 network, %.0f "
                 "minutes earlier; without geo data (--ip-data with a City database) vigil "
                 "compares networks rather than distance.",
                 prev_ip, minutes);
    }
    struct vg_finding_draft d =
        vg_ct_draft(VG_FT_UNAUTHORIZEDACCESS_IAMUSER_CONSOLELOGINSUCCESS_B, ev);
    d.detail = vg_str_from(detail);
    vg_emit_finding(emit, &d);
}

static const enum vg_finding_type types[] = {
    VG_FT_UNAUTHORIZEDACCESS_IAMUSER_CONSOLELOGINSUCCESS_B,
};

const struct vg_detector vg_detector_console_travel = {
    .name = "console-travel",
    .sources = VG_SOURCE_CLOUDTRAIL,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_flow_state_free,
    .state_evictions = vg_flow_state_evictions,
    .on_event = on_event,
    .state_version = 1,
    .state_save = vg_flow_state_save,
    .state_load = vg_flow_state_load,
};
