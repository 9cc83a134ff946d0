#include "pipeline/metrics.h"

void vg_stats_snapshot(void *dst, const void *src, size_t size)
{
    const uint64_t *from = src;
    uint64_t *to = dst;
    for (size_t i = 0; i < size / sizeof(uint64_t); i++)
        to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
}

int vg_metrics_rows(struct vg_buf *out, const struct vg_metric_row *rows, size_t n,
                    const void *stats)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        rc |= vg_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64 "\n", rows[i].name,
                            rows[i].help, rows[i].name, rows[i].type, rows[i].name,
                            *(const uint64_t *)((const char *)stats + rows[i].offset));
    return rc ? VG_ENOMEM : VG_OK;
}
