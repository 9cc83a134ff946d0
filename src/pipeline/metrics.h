/*
 * Counters a worker thread writes and any thread reads (/metrics): relaxed atomics in a struct
 * of 64-bit fields, and the Prometheus text for a table of them.  Shared by vigild's folder
 * loop (service.c) and a cluster worker (cluster.c).
 */
#ifndef VG_PIPELINE_METRICS_H
#define VG_PIPELINE_METRICS_H

#include "core/compat.h"
#include "core/buf.h"

static inline void vg_stat_add(uint64_t *counter, uint64_t n)
{
    __atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static inline void vg_stat_set(uint64_t *counter, uint64_t v)
{
    __atomic_store_n(counter, v, __ATOMIC_RELAXED);
}

/* Copy a struct made only of 64-bit counters, each read atomically. */
void vg_stats_snapshot(void *dst, const void *src, size_t size);

struct vg_metric_row {
    const char *name;
    const char *type; /* "counter" or "gauge" */
    const char *help;
    size_t offset; /* of the uint64_t field in the stats struct */
};

/* Append each row's HELP, TYPE and value read from stats.  VG_OK or VG_ENOMEM. */
int vg_metrics_rows(struct vg_buf *out, const struct vg_metric_row *rows, size_t n,
                    const void *stats);

#endif
