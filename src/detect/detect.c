/* Runs every detector whose sources include the event's. */
#include "detect/detect.h"

#include "core/err.h"

struct vg_detect {
    size_t count;
    void *state[];
};

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
    return d;
}

void vg_detect_free(struct vg_detect *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        if (d->state[i] && vg_detectors[i]->state_free)
            vg_detectors[i]->state_free(d->state[i]);
    free(d);
}

void vg_detect_event(struct vg_detect *d, const struct vg_event *ev, const struct vg_emit *emit)
{
    for (size_t i = 0; i < d->count; i++)
        if (vg_detectors[i]->sources & ev->source)
            vg_detectors[i]->on_event(d->state[i], ev, emit);
}

uint64_t vg_detect_evictions(const struct vg_detect *d)
{
    uint64_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->state[i] && vg_detectors[i]->state_evictions)
            n += vg_detectors[i]->state_evictions(d->state[i]);
    return n;
}
