/*
 * The behaviour generator behind `vigil simulate --behaviour` and bench/bench_baseline.c:
 * CloudTrail of one account's principals over many days, with the drift real accounts have
 * (deployments adding a step, people picking up a task, a tool or a network, travel, new team
 * members), and optionally one injected attack per IAM behaviour finding type (issue 6).
 * Output is a pure function of the options.
 */
#ifndef VG_SIMULATE_BEHAVIOUR_H
#define VG_SIMULATE_BEHAVIOUR_H

#include "core/compat.h"
#include "core/buf.h"

/* An injected attack: the finding type it must raise and whose credentials it used. */
struct vg_behaviour_attack {
    const char *type;
    const char *principal; /* the profiled principal: the user's or the role's ARN */
    const char *what;      /* plain words */
    unsigned day;          /* 0 is the first day */
};

struct vg_behaviour_opts {
    unsigned principals; /* on day 0; new team members join later (default 1000) */
    unsigned days;       /* default 30 */
    uint64_t seed;       /* default 1 */
    int64_t start_ms;    /* 00:00Z of day 0; default 2026-11-01 */
    bool attacks;        /* inject the attacks (needs days >= 12) */
    /* each day's CloudTrail, as one {"Records":[...]} object sorted by eventTime; the bytes are
     * valid during the call.  A nonzero return stops the run and is returned. */
    int (*on_day)(void *ctx, unsigned day, const char *data, size_t len);
    /* each attack as it is injected (may be NULL); the strings are valid during the call */
    void (*on_attack)(void *ctx, const struct vg_behaviour_attack *a);
    void *ctx;
};

struct vg_behaviour_stats {
    uint64_t events;
    unsigned principals; /* all who were active, new members included */
    unsigned attacks;
};

void vg_behaviour_opts_init(struct vg_behaviour_opts *o);
/* Run the generator.  VG_OK, VG_ENOMEM, or what on_day returned. */
int vg_simulate_behaviour(const struct vg_behaviour_opts *o, struct vg_behaviour_stats *st);
/* The same into files: DIR/AWSLogs/<account>/CloudTrail/us-east-1/YYYY/MM/DD/..._behaviour.json
 * (one plain JSON object a day) and DIR/intel/aws-ip-ranges.json (vg_behaviour_ip_ranges).
 * Sets o->on_day and o->ctx.  VG_OK, VG_EIO (errno set) or VG_ENOMEM. */
int vg_behaviour_write(struct vg_behaviour_opts *o, const char *out_dir,
                       struct vg_behaviour_stats *st);
/* AWS's ip-ranges.json format for the blocks the generator's AWS addresses come from, dated
 * start_ms: a small stand-in for the real file, for the credential exfiltration types. */
int vg_behaviour_ip_ranges(int64_t start_ms, struct vg_buf *out);

#endif
