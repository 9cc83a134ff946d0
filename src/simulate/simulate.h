/*
 * The generator behind `vigil simulate`: realistic multi-account CloudTrail, VPC Flow Logs and
 * Route 53 Resolver query logs in the S3 delivery layout, gzipped, with optional attack scenarios
 * (one per implemented finding type) and near-miss look-alikes.  Output is a pure function of the
 * options (seeded PRNG, event times from opts.start_ms): the same options write byte-identical
 * files.
 */
#ifndef VG_SIMULATE_SIMULATE_H
#define VG_SIMULATE_SIMULATE_H

#include "core/compat.h"

/* A flow attack scenario or near miss, as the run placed it. */
struct vg_simulate_flow_scenario {
    const char *account_id;
    const char *region;
    const char *interface_id; /* eni-...: what findings on it name */
    const char *instance_id;
    const char *type; /* the finding type it must raise; NULL for a near miss (none may) */
    const char *what; /* plain words */
    unsigned day;     /* 0 is the first day */
};

/* A DNS attack scenario or near miss: the instance whose queries carry it. */
struct vg_simulate_dns_scenario {
    const char *account_id;
    const char *vpc_id;
    const char *instance_id;
    const char *type; /* the finding type it must raise; NULL for a near miss (none may) */
    const char *what; /* plain words */
    unsigned day;     /* 0 is the first day */
};

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
                              * CloudTrail and flow log text is written (benchmark corpora) */
    uint64_t flows_per_day;  /* flow log records per account and day, about; default 200000,
                              * 0 for no flow logs.  With attacks and flow logs, at least two
                              * days are written: the baseline scenarios need a day of learning */
    uint64_t dns_per_day;    /* Route 53 Resolver queries per account and day, about; default
                              * 50000, 0 for no query logs.  With attacks and query logs, at
                              * least two days: a domain's newness needs a day of learning */
    /* Optional, for tests: called once per flow scenario and near miss (attacks only) when the
     * fleets are built; the strings are valid during the call. */
    void (*on_flow_scenario)(void *ctx, const struct vg_simulate_flow_scenario *s);
    /* Optional, for tests: the same for DNS scenarios and near misses. */
    void (*on_dns_scenario)(void *ctx, const struct vg_simulate_dns_scenario *s);
    void *scenario_ctx; /* passed to both */
};

/* CloudTrail (files, events, ...), flow logs (flow_*) and DNS query logs (dns_*) are counted
 * apart. */
struct vg_simulate_stats {
    uint64_t files;
    uint64_t events;
    uint64_t bytes_uncompressed;
    uint64_t bytes_compressed;
    uint64_t attacks; /* attack events injected */
    uint64_t flow_files;
    uint64_t flow_records; /* every line but the header: NODATA and SKIPDATA too */
    uint64_t flow_bytes_uncompressed;
    uint64_t flow_bytes_compressed;
    uint64_t flow_attacks; /* records of attack scenarios and near misses */
    uint64_t dns_files;
    uint64_t dns_queries;
    uint64_t dns_bytes_uncompressed;
    uint64_t dns_bytes_compressed;
    uint64_t dns_attacks; /* queries of attack scenarios and near misses */
    unsigned days;        /* written */
};

void vg_simulate_opts_init(struct vg_simulate_opts *opts);
/* VG_OK, VG_EIO (errno set; message logged), VG_ENOMEM, VG_EUSAGE (no out dir, no accounts or
 * principals, or target_bytes with neither events nor flows per day) or VG_ELIMIT (a window over
 * 2^32 events). */
int vg_simulate_run(const struct vg_simulate_opts *opts, struct vg_simulate_stats *out);

#endif
