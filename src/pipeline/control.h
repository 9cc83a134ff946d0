/*
 * How vigild steers its long-running loop, the service (service.h) or a cluster worker
 * (cluster.h): a stop requested by a signal, lists changed through the API, and where the loop's
 * messages go.  One struct, so the two loops read the same controls the same way.
 */
#ifndef VG_PIPELINE_CONTROL_H
#define VG_PIPELINE_CONTROL_H

#include "core/compat.h"

#include <signal.h>
#include "core/diag.h"
#include "enrich/intel.h"

struct vg_run_control {
    volatile sig_atomic_t *stop; /* set by a signal handler; NULL: never */
    /* Set (by the API thread) when lists were added or changed; the loop reloads them between
     * pieces with reload_lists, which returns the new snapshot or NULL to keep the old. */
    volatile sig_atomic_t *lists_changed;
    const struct vg_intel *(*reload_lists)(void *ctx);
    void *reload_ctx;
    vg_diag_fn on_diag; /* bad input and the loop's own messages */
    void *diag_ctx;
};

bool vg_run_stopping(const struct vg_run_control *c);
/* The new list snapshot when the lists changed since the last call, else NULL. */
const struct vg_intel *vg_run_reload_lists(const struct vg_run_control *c);

#endif
