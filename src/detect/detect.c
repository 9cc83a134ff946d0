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

struct tap {
    void (*on_finding)(void *state, const struct vg_finding_draft *d, const struct vg_emit *emit);
    void *state;
};

struct vg_detect {
    size_t count;
    /* the correlators (descriptors with on_finding), in table order */
    struct tap *taps;
    size_t tap_count;
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
    d->taps = calloc(n ? n : 1, sizeof(*d->taps));
    if (!d->taps) {
        vg_detect_free(d);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (vg_detectors[i]->on_finding)
            d->taps[d->tap_count++] = (struct tap){ vg_detectors[i]->on_finding, d->state[i] };
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
    free(d->taps);
    free(d);
}

/* Between the detectors and the real sink when there are correlators: each draft goes out,
 * then every correlator sees it and emits straight to the sink. */
struct tapped {
    const struct vg_detect *d;
    const struct vg_emit *next;
};

static void emit_tapped(void *ctx, const struct vg_finding_draft *draft)
{
    const struct tapped *t = ctx;
    vg_emit_finding(t->next, draft);
    for (size_t i = 0; i < t->d->tap_count; i++)
        t->d->taps[i].on_finding(t->d->taps[i].state, draft, t->next);
}

void vg_detect_event(struct vg_detect *d, const struct vg_event *ev, const struct vg_emit *emit)
{
    /* an event has exactly one source kind */
    unsigned k = (unsigned)__builtin_ctz(ev->source | 1u << SOURCE_KINDS);
    if (k == SOURCE_KINDS)
        return;
    struct tapped t = { d, emit };
    struct vg_emit tap = { emit_tapped, &t };
    const struct vg_emit *out = d->tap_count ? &tap : emit;
    const struct hook *h = d->hooks[k];
    for (size_t i = 0, n = d->hook_count[k]; i < n; i++)
        h[i].on_event(h[i].state, ev, out);
}

uint64_t vg_detect_evictions(const struct vg_detect *d)
{
    uint64_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->state[i] && vg_detectors[i]->state_evictions)
            n += vg_detectors[i]->state_evictions(d->state[i]);
    return n;
}

/* The state file: "vigil-state 1\n", then per detector "NAME VERSION LENGTH\n" and LENGTH bytes
 * of its own.  The outer version changes only if this framing does. */
#define STATE_MAGIC "vigil-state 1\n"

int vg_detect_save(const struct vg_detect *d, struct vg_buf *out)
{
    int rc = vg_buf_adds(out, STATE_MAGIC);
    struct vg_buf section = VG_BUF_INIT;
    for (size_t i = 0; i < d->count && rc == VG_OK; i++) {
        const struct vg_detector *det = vg_detectors[i];
        if (!det->state_save || !d->state[i])
            continue;
        vg_buf_reset(&section);
        rc = det->state_save(d->state[i], &section);
        if (rc == VG_OK)
            rc = vg_buf_printf(out, "%s %" PRIu32 " %zu\n", det->name, det->state_version,
                               section.len);
        if (rc == VG_OK && section.len)
            rc = vg_buf_add(out, section.data, section.len);
    }
    vg_buf_release(&section);
    return rc;
}

static size_t find_detector(const char *name, size_t len)
{
    size_t i = 0;
    for (; vg_detectors[i]; i++)
        if (strlen(vg_detectors[i]->name) == len && memcmp(vg_detectors[i]->name, name, len) == 0)
            break;
    return i;
}

int vg_detect_load(struct vg_detect *d, const char *data, size_t len, const char **why)
{
    size_t magic = sizeof(STATE_MAGIC) - 1;
    if (why)
        *why = NULL;
    if (len < magic || memcmp(data, STATE_MAGIC, magic) != 0)
        return VG_EFORMAT;
    for (size_t at = magic; at < len;) {
        const char *nl = memchr(data + at, '\n', len - at);
        char name[64];
        uint32_t version;
        size_t n;
        int used = 0;
        if (!nl || nl - (data + at) >= 128)
            return VG_EFORMAT;
        char line[128];
        memcpy(line, data + at, (size_t)(nl - (data + at)));
        line[nl - (data + at)] = '\0';
        if (sscanf(line, "%63s %" SCNu32 " %zu%n", name, &version, &n, &used) != 3 ||
            line[used] != '\0' || n > len - (size_t)(nl + 1 - data))
            return VG_EFORMAT;
        const char *body = nl + 1;
        at = (size_t)(body - data) + n;
        size_t i = find_detector(name, strlen(name));
        if (i == d->count || !vg_detectors[i]->state_load || !d->state[i]) {
            if (why)
                *why = "a section for a detector this build lacks was skipped";
            continue;
        }
        if (version != vg_detectors[i]->state_version ||
            vg_detectors[i]->state_load(d->state[i], body, n) != VG_OK) {
            if (why)
                *why = "a detector's state was written by another version and was skipped";
        }
    }
    return VG_OK;
}
