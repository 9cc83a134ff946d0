/*
 * The CloudTrail generator behind `vigil simulate`: realistic multi-account activity in the S3
 * delivery layout, gzipped, with optional attack scenarios (one per implemented finding type)
 * and near-miss look-alikes.  Output is a pure function of the options (seeded PRNG, event times
 * from opts.start_ms): the same options write byte-identical files.
 */
#ifndef VG_SIMULATE_SIMULATE_H
#define VG_SIMULATE_SIMULATE_H

#include "core/compat.h"

struct vg_simulate_opts {
    const char *out_dir;     /* created if missing */
    unsigned accounts;       /* default 2 */
    unsigned principals;     /* IAM users + roles per account, default 20 */
    unsigned days;           /* default 1 */
    uint64_t events_per_day; /* per account, default 20000 */
    uint64_t seed;           /* default 1 */
    int64_t start_ms;        /* event time of the first day, 00:00Z; default 2026-11-01 */
    bool attacks;            /* inject every attack scenario (and their near misses) */
    uint64_t target_bytes;   /* if nonzero, keep adding days until this much uncompressed
                              * JSON is written (benchmark corpora) */
};

struct vg_simulate_stats {
    uint64_t files;
    uint64_t events;
    uint64_t bytes_uncompressed;
    uint64_t bytes_compressed;
    uint64_t attacks; /* attack events injected */
};

void vg_simulate_opts_init(struct vg_simulate_opts *opts);
/* VG_OK, VG_EIO (errno set; message logged), VG_ENOMEM, VG_EUSAGE (no out dir, no accounts or
 * principals, or target_bytes with no events per day) or VG_ELIMIT (a window over 2^32 events). */
int vg_simulate_run(const struct vg_simulate_opts *opts, struct vg_simulate_stats *out);

#endif
