/*
 * The VPC Flow Logs generator behind `vigil simulate`: for every account of the CloudTrail world
 * a fleet of instances in two VPCs, logged as S3 delivers flow logs (one gzipped object per flow
 * log and five minutes, a header line first), with optional attack scenarios and their near
 * misses.  See flows.c for the world and the scenario table.
 *
 * Streams: background traffic, the attack scenarios and the sample lists each draw from a random
 * stream of their own, so asking for attacks adds records without changing the others.
 */
#ifndef VG_SIMULATE_FLOWS_H
#define VG_SIMULATE_FLOWS_H

#include "core/compat.h"
#include "simulate/sim_util.h"
#include "simulate/simulate.h"

/* gzip level of flow log objects.  Flow logs are the benchmark corpus, so writing them fast
 * matters more than their size: on 200 MB of simulated flow text, libdeflate compresses
 * 76 MB/s on one core at level 6, 123 MB/s at level 3 and 222 MB/s at level 1, for files 9% and
 * 11% larger than level 6's (inflating them costs the same); level 1 lets two cores write well
 * over a million records a second. */
#define VG_FLOWS_GZIP_LEVEL 1

/* Addresses of simulate.c's sample lists that flow scenarios use too. */
struct vg_flows_intel {
    const uint32_t *tor; /* the Tor exit list, IPv4 in host order */
    size_t n_tor;
    const uint32_t *custom; /* the user's threat list; the last one is on the trusted list too */
    size_t n_custom;
};

/* What the flow generator needs to know of a CloudTrail account.  Borrowed: must outlive the
 * generator. */
struct vg_flows_account {
    const char *id;
    const char *home_region; /* the default-format flow log's VPC */
    const char *data_region; /* the custom-format flow log's VPC */
    int tz_windows;          /* local time minus UTC, in five-minute windows */
};

struct vg_flows;

/* The fleets of n accounts.  intel is required with opts->attacks and ignored otherwise; it is
 * copied.  NULL when out of memory. */
struct vg_flows *vg_flows_new(const struct vg_simulate_opts *opts,
                              const struct vg_flows_account *accounts, unsigned n,
                              const struct vg_flows_intel *intel);
void vg_flows_free(struct vg_flows *fl);

/* With attacks: the sample lists of the flow scenarios, one per category, into
 * <out_dir>/intel/ (which must exist), headed with date ("YYYY-MM-DD").  VG_OK or VG_EIO. */
int vg_flows_write_lists(const struct vg_flows *fl, const char *date);
/* With attacks: the trusted-list lines the flow near misses need, appended to o. */
void vg_flows_put_trusted(const struct vg_flows *fl, struct vg_sim_sink *o);

/* An instance of an account's fleet as the DNS generator (dns.c) sees it; the strings are the
 * generator's and live as long as it. */
struct vg_flows_instance {
    const char *id;     /* i-... */
    const char *role;   /* "web", "app", "db", "worker", "dc"...: what it looks up */
    const char *vpc_id; /* the VPC whose Resolver query log records its lookups */
    const char *region;
    uint32_t ip;      /* private IPv4, host order */
    int64_t launch_s; /* seconds after the first day's midnight */
    unsigned vpc;     /* 0: the home-region VPC, 1: the data VPC */
    unsigned via;     /* the instance whose address the Resolver sees: itself, or the domain
                       * controller it sends its DNS to */
};

/* Instances of account ai, and instance i of them. */
unsigned vg_flows_instance_count(const struct vg_flows *fl, unsigned ai);
void vg_flows_instance_at(const struct vg_flows *fl, unsigned ai, unsigned i,
                          struct vg_flows_instance *out);
/* With attacks: the C&C beacon scenario of account ai, its instance's index and the address it
 * calls from start_s (seconds after the midnight of day `day`), so that DNS can resolve that
 * address first. */
void vg_flows_c2_beacon(const struct vg_flows *fl, unsigned ai, unsigned *inst_out,
                        uint32_t *ip_out, unsigned *day_out, uint32_t *start_s_out);

/* Address k (modulo its length) of the sample list written as intel/<file> ("c2-ips.txt",
 * "mining-pools.txt", "sinkholes.txt", "drop-points.txt", "scanners.txt"); attacks only. */
uint32_t vg_flows_listed_ip(const struct vg_flows *fl, const char *file, unsigned k);

/* One day of account ai's flow logs (day index `day`, starting at day_ms, midnight UTC) into
 * the pool; counts go to st's flow_* fields.  VG_OK, VG_ENOMEM or a writer failure. */
int vg_flows_write_day(struct vg_flows *fl, struct vg_sim_pool *pool, unsigned ai, int64_t day,
                       int64_t day_ms, struct vg_simulate_stats *st);

#endif
