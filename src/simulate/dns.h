/*
 * The Route 53 Resolver query log generator behind `vigil simulate`: what the instances of the
 * flow generator's fleets (flows.h) look up, logged as Resolver query logging delivers to S3 (one
 * gzipped object of JSON lines per VPC and five minutes), with optional attack scenarios, their
 * near misses and the domain lists they use.  See dns.c for the names and the scenario table.
 *
 * Streams: background lookups, the scenarios and the identities of the scenarios' own instances
 * draw from random streams of their own, so asking for attacks adds queries without changing
 * the others.
 */
#ifndef VG_SIMULATE_DNS_H
#define VG_SIMULATE_DNS_H

#include "core/compat.h"
#include "simulate/flows.h"
#include "simulate/sim_util.h"
#include "simulate/simulate.h"

/* gzip level of query log objects: like flow logs, they are a benchmark corpus (flows.h). */
#define VG_DNS_SIM_GZIP_LEVEL 1

struct vg_dns_sim;

/* The query logs of n accounts (the same accounts as the fleet's, borrowed; both must outlive
 * the generator).  NULL when out of memory. */
struct vg_dns_sim *vg_dns_sim_new(const struct vg_simulate_opts *opts,
                                  const struct vg_flows_account *accounts, unsigned n,
                                  const struct vg_flows *fleet);
void vg_dns_sim_free(struct vg_dns_sim *dn);

/* With attacks: the domain lists of the DNS scenarios into <out_dir>/intel/ (which must exist),
 * headed with date ("YYYY-MM-DD").  VG_OK or VG_EIO. */
int vg_dns_sim_write_lists(const struct vg_dns_sim *dn, const char *date);

/* One day of account ai's query logs (day index `day`, starting at day_ms, midnight UTC) into the
 * pool; counts go to st's dns_* fields.  VG_OK, VG_ENOMEM or a writer failure. */
int vg_dns_sim_write_day(struct vg_dns_sim *dn, struct vg_sim_pool *pool, unsigned ai, int64_t day,
                         int64_t day_ms, struct vg_simulate_stats *st);

#endif
