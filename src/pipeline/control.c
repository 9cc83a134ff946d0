/* The loop controls of vigild; see control.h. */
#include "pipeline/control.h"

bool vg_run_stopping(const struct vg_run_control *c)
{
    return c->stop && *c->stop;
}

const struct vg_intel *vg_run_reload_lists(const struct vg_run_control *c)
{
    if (!c->lists_changed || !*c->lists_changed || !c->reload_lists)
        return NULL;
    *c->lists_changed = 0;
    return c->reload_lists(c->reload_ctx);
}
