/*
 * The machine's clocks, for what runs on wall time: the service's bookkeeping (when a file
 * arrived, when a finding was written), leases, and pacing retries against a server that is
 * away.  Never for detection: parse/, enrich/ and detect/ work on event time and must not
 * include this (`make lint` checks).
 */
#ifndef VG_CORE_CLOCK_H
#define VG_CORE_CLOCK_H

#include "core/compat.h"

/* Milliseconds since the Unix epoch (CLOCK_REALTIME). */
int64_t vg_wall_ms(void);
/* Milliseconds of a clock that never jumps (CLOCK_MONOTONIC): for intervals. */
int64_t vg_mono_ms(void);
/* Sleep ms milliseconds, through interrupting signals. */
void vg_sleep_ms(int64_t ms);

/* Retry pacing: each sleep is twice the one before, up to a ceiling. */
struct vg_backoff {
    int64_t wait_ms;   /* the next sleep */
    int64_t max_ms;    /* the ceiling */
    int64_t waited_ms; /* slept so far */
};

static inline struct vg_backoff vg_backoff_start(int64_t first_ms, int64_t max_ms)
{
    return (struct vg_backoff){ first_ms, max_ms, 0 };
}

/* Sleep the next wait, then double it (up to the ceiling). */
void vg_backoff_sleep(struct vg_backoff *b);

#endif
