/* Keyed state of the counting DNS detectors (see dns_state.h). */
#include "detect/dns_state.h"

#include "core/hash.h"

/* additionalInfo holds a few sample names and numbers; a cap keeps a hostile name from
 * growing the buffer past what one finding needs. */
#define ADDITIONAL_CAP 4096

int vg_dns_state_new(void **out, const struct vg_detect_env *env, size_t value_size, unsigned share)
{
    struct vg_dns_state *s = calloc(1, sizeof(*s));
    if (!s)
        return VG_ENOMEM;
    s->env = env;
    vg_buf_init(&s->additional, ADDITIONAL_CAP);
    s->table =
        vg_keyed_new(sizeof(struct vg_dns_key), value_size, (size_t)env->dns->state_memory / share);
    if (!s->table) {
        vg_dns_state_free(s);
        return VG_ENOMEM;
    }
    *out = s;
    return VG_OK;
}

void vg_dns_state_free(void *state)
{
    struct vg_dns_state *s = state;
    if (!s)
        return;
    vg_keyed_free(s->table);
    vg_buf_release(&s->additional);
    free(s);
}

uint64_t vg_dns_state_evictions(const void *state)
{
    const struct vg_dns_state *s = state;
    return vg_keyed_evictions(s->table);
}

bool vg_dns_key_make(const struct vg_event *ev, uint64_t item, struct vg_dns_key *out)
{
    struct vg_str id = ev->dns.instance_id;
    if (!id.len)
        return false;
    out->instance = vg_hash64(id.ptr, id.len, 0);
    out->item = item;
    return true;
}
