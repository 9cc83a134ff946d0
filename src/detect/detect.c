/* Runs every detector whose sources include the event's. */
#include "detect/detect.h"

#include "core/err.h"

/* Source kinds are the bits of enum vg_source_kind, VG_SOURCE_CLOUDTRAIL up to this one. */
#define SOURCE_KINDS 3
_Static_assert(VG_SOURCE_DNS == 1u << (SOURCE_KINDS - 1), "a source kind without a hook list");

/* A detector as dispatch calls it: its handler next to its state, no descriptor to reach. */
struct hook {
    void (*on_event)(void *state, const struct vg_event *ev, const struct vg_emit *emit);
    void *state;
};

struct vg_detect {
    size_t count;
    /* Per source kind, the detectors that read it, in table order.  A flow scan runs a few
     * million records through here: testing every descriptor's sources per record was 6% of
     * the scan's instructions, for the five of sixteen detectors that read flows. */
    struct hook *hooks[SOURCE_KINDS];
    size_t hook_count[SOURCE_KINDS];
    void *state[];
};

static unsigned sources_of(const struct vg_detector *det, const void *state)
{
    return det->state_sources ? det->sources & det->state_sources(state) : det->sources;
}

struct vg_detect *vg_detect_new(const struct vg_detect_env *env)
{
    size_t n = 0;
    while (vg_detectors[n])
        n++;
    struct vg_detect *d = calloc(1, sizeof(*d) + n * sizeof(void *));
    if (!d)
        return NULL;
    d->count = n;
    for (size_t i = 0; i < n; i++) {
        if (vg_detectors[i]->state_new && vg_detectors[i]->state_new(&d->state[i], env) != VG_OK) {
            vg_detect_free(d);
            return NULL;
        }
    }
    for (unsigned k = 0; k < SOURCE_KINDS; k++) {
        d->hooks[k] = calloc(n ? n : 1, sizeof(*d->hooks[k]));
        if (!d->hooks[k]) {
            vg_detect_free(d);
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            if (sources_of(vg_detectors[i], d->state[i]) & 1u << k)
                d->hooks[k][d->hook_count[k]++] =
                    (struct hook){ vg_detectors[i]->on_event, d->state[i] };
    }
    return d;
}

void vg_detect_free(struct vg_detect *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        if (d->state[i] && vg_detectors[i]->state_free)
            vg_detectors[i]->state_free(d->state[i]);
    for (unsigned k = 0; k < SOURCE_KINDS; k++)
        free(d->hooks[k]);
    free(d);
}

void vg_detect_event(struct vg_detect *d, const struct vg_event *ev, const struct vg_emit *emit)
{
    /* an event has exactly one source kind */
    unsigned k = (unsigned)__builtin_ctz(ev->source | 1u << SOURCE_KINDS);
    if (k == SOURCE_KINDS)
        return;
    const struct hook *h = d->hooks[k];
    for (size_t i = 0, n = d->hook_count[k]; i < n; i++)
        h[i].on_event(h[i].state, ev, emit);
}

uint64_t vg_detect_evictions(const struct vg_detect *d)
{
    uint64_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->state[i] && vg_detectors[i]->state_evictions)
            n += vg_detectors[i]->state_evictions(d->state[i]);
    return n;
}
