/* Two-pane event-time windows and linear-counting bitmaps; see flow_window.h for the
 * guarantees they give and why these were chosen. */
#include "detect/flow_window.h"

#include "detect/flow_util.h"

static int64_t pane_length(int64_t window_ms)
{
    return window_ms >= 2 ? window_ms / 2 : 1;
}

/* Rounds towards minus infinity, so panes stay aligned for times before the epoch too. */
static int64_t pane_start(int64_t time_ms, int64_t pane_ms)
{
    int64_t q = time_ms / pane_ms;
    if (time_ms % pane_ms < 0)
        q--;
    return q * pane_ms;
}

int vg_flow_window_slide(struct vg_flow_window *w, void *panes, size_t pane_size, int64_t time_ms,
                         int64_t window_ms)
{
    int64_t pane_ms = pane_length(window_ms);
    int64_t start = pane_start(time_ms, pane_ms);
    unsigned char *cur = panes, *prev = cur + pane_size;
    if (start == w->pane_start_ms)
        return 0;
    if (start < w->pane_start_ms)
        return start >= w->pane_start_ms - pane_ms ? 1 : -1;
    if (start - w->pane_start_ms == pane_ms)
        memcpy(prev, cur, pane_size);
    else
        memset(prev, 0, pane_size);
    memset(cur, 0, pane_size);
    w->pane_start_ms = start;
    return 0;
}

bool vg_flow_window_may_fire(const struct vg_flow_window *w)
{
    return w->pane_start_ms >= w->quiet_until_ms;
}

void vg_flow_window_fired(struct vg_flow_window *w, int64_t window_ms)
{
    w->quiet_until_ms = w->pane_start_ms + 2 * pane_length(window_ms);
}

const char *vg_flow_window_words(int64_t window_ms, char *out, size_t cap)
{
    static const struct {
        int64_t ms;
        const char *unit;
    } units[] = { { 3600000, "hour" }, { 60000, "minute" }, { 1000, "second" }, { 1, "ms" } };
    size_t i = 0;
    while (window_ms % units[i].ms != 0)
        i++;
    int64_t n = window_ms / units[i].ms;
    bool plural = n != 1 && units[i].ms != 1;
    snprintf(out, cap, "%" PRId64 " %s%s", n, units[i].unit, plural ? "s" : "");
    return out;
}

bool vg_flow_distinct_add(uint64_t *bits, size_t words, uint64_t hash)
{
    /* hash's top 32 bits scaled onto the m bits: any m, no division */
    uint64_t bit = (hash >> 32) * (words * 64) >> 32;
    uint64_t mask = 1ull << (bit & 63);
    uint64_t *word = &bits[bit >> 6];
    if (*word & mask)
        return false;
    *word |= mask;
    return true;
}

uint64_t vg_flow_distinct_count(const uint64_t *a, const uint64_t *b, size_t words)
{
    size_t m = words * 64, set = 0;
    for (size_t i = 0; i < words; i++)
        set += (size_t)__builtin_popcountll(a[i] | b[i]);
    size_t zero = m - set ? m - set : 1;
    return (uint64_t)((double)m * __builtin_log((double)m / (double)zero));
}

struct vg_flow_key vg_flow_key_make(const struct vg_event *ev, const struct vg_ip *remote,
                                    uint8_t kind, uint16_t port)
{
    struct vg_flow_key k;
    memset(&k, 0, sizeof(k));
    vg_flow_instance_key(ev, k.instance);
    if (remote) {
        k.family = remote->family;
        memcpy(k.addr, remote->addr, remote->family == 4 ? 4 : 16);
    }
    k.kind = kind;
    k.port = port;
    return k;
}

const char *vg_flow_protocol_text(uint8_t protocol, char *out, size_t cap)
{
    switch (protocol) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "icmpv6";
    default: snprintf(out, cap, "%u", protocol); return out;
    }
}
