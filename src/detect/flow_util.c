/* Flow records seen from the instance, from what enrich/flow_sides.c decided; the keyed state
 * of flow detectors. */
#include "detect/flow_util.h"

#include "core/err.h"
#include "core/keyed.h"
#include "detect/detect.h"

struct vg_finding_draft vg_flow_draft(enum vg_finding_type type, const struct vg_event *ev,
                                      const struct vg_finding_net *net)
{
    struct vg_finding_draft d;
    memset(&d, 0, sizeof(d));
    d.type = type;
    d.event = ev;
    d.net = net;
    return d;
}

void vg_flow_instance_key(const struct vg_event *ev, uint64_t out[2])
{
    out[0] = ev->flow.instance_key[0];
    out[1] = ev->flow.instance_key[1];
}

int vg_flow_state_new(void **out, const struct vg_detect_env *env,
                      const struct vg_flow_table *tables, size_t count)
{
    return vg_flow_state_new_budget(out, env, (size_t)env->flow->state_memory, tables, count);
}

int vg_flow_state_new_budget(void **out, const struct vg_detect_env *env, size_t budget,
                             const struct vg_flow_table *tables, size_t count)
{
    int rc = VG_ENOMEM;
    struct vg_flow_state *s = calloc(1, sizeof(*s) + count * sizeof(s->tables[0]));
    if (!s)
        goto out;
    s->env = env;
    s->count = count;
    for (size_t i = 0; i < count; i++) {
        const struct vg_flow_table *t = &tables[i];
        s->tables[i] = vg_keyed_new(t->key_size, t->value_size, budget / t->share);
        if (!s->tables[i])
            goto out;
    }
    *out = s;
    s = NULL;
    rc = VG_OK;
out:
    vg_flow_state_free(s);
    return rc;
}

void vg_flow_state_free(void *state)
{
    struct vg_flow_state *s = state;
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        vg_keyed_free(s->tables[i]);
    free(s);
}

uint64_t vg_flow_state_evictions(const void *state)
{
    const struct vg_flow_state *s = state;
    uint64_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        n += vg_keyed_evictions(s->tables[i]);
    return n;
}

int vg_flow_state_save(const void *state, struct vg_buf *out)
{
    const struct vg_flow_state *s = state;
    int rc = VG_OK;
    for (size_t i = 0; i < s->count && rc == VG_OK; i++)
        rc = vg_keyed_save(s->tables[i], out);
    return rc;
}

int vg_flow_state_load(void *state, const char *data, size_t len)
{
    struct vg_flow_state *s = state;
    int rc = VG_OK;
    for (size_t i = 0; i < s->count && rc == VG_OK; i++)
        rc = vg_keyed_load(s->tables[i], &data, &len);
    return rc == VG_OK && len == 0 ? VG_OK : VG_EFORMAT;
}

size_t vg_flow_state_memory(const void *state)
{
    const struct vg_flow_state *s = state;
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        n += vg_keyed_memory(s->tables[i]);
    return n;
}
