/* Rules are data (rules/rules.h); this detector only gives each scan its own matching state
 * (regex scratch, buffers) over the shared, frozen rule set. */
#include "detect/rule_engine.h"

#include "rules/rules.h"

static int state_new(void **out, const struct vg_detect_env *env)
{
    *out = NULL;
    if (!env->rules || vg_rules_sources(env->rules) == 0)
        return VG_OK;
    *out = vg_rules_run_new(env->rules);
    return *out ? VG_OK : VG_ENOMEM;
}

static void state_free(void *state)
{
    vg_rules_run_free(state);
}

static unsigned state_sources(const void *state)
{
    return state ? vg_rules_sources(vg_rules_run_set(state)) : 0;
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    vg_rules_event(state, ev, emit);
}

const struct vg_detector vg_detector_rule_engine = {
    .name = "rules",
    .sources = VG_SOURCE_CLOUDTRAIL | VG_SOURCE_VPCFLOW | VG_SOURCE_DNS,
    .state_new = state_new,
    .state_free = state_free,
    .state_sources = state_sources,
    .on_event = on_event,
};
