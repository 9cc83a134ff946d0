/*
 * The well-known public DNS-over-HTTPS servers, compiled in.
 *
 * DoH is HTTPS on port 443 like any web traffic, so a flow record only betrays it by the server
 * address.  The big public resolvers answer DoH on the same anycast addresses as plain DNS, and
 * those addresses are stable and published by their operators; that small, slow-moving set is
 * what this table holds (doh_servers.c lists them with their sources).  It is a table in the
 * code rather than a threat list because it is not about threats: a browser or agent using
 * Cloudflare's DoH is fine on a laptop and only unusual for a server that used the VPC resolver
 * until now, which the baseline detector (flow_baseline.c) decides.
 *
 * Read-only constant data: thread-safe.
 */
#ifndef VG_DETECT_DOH_SERVERS_H
#define VG_DETECT_DOH_SERVERS_H

#include "core/compat.h"
#include "core/ip.h"

/* Most entries the table may have: callers keep a 64-bit "contacted" mask per instance. */
#define VG_DOH_SERVERS_MAX 64

/* An inclusive address range run by one provider.  Addresses are 16 bytes, IPv4 mapped into
 * ::ffff:0:0/96, so that one byte-wise comparison orders both families. */
struct vg_doh_server {
    uint8_t lo[16];
    uint8_t hi[16];
    const char *provider;
};

/* The index (0 .. count-1) of the entry covering ip, or -1.  *out is set to the entry when found
 * (borrowed, static). */
int vg_doh_servers_find(const struct vg_ip *ip, const struct vg_doh_server **out);
/* The table, sorted by address, ranges disjoint. */
size_t vg_doh_servers_count(void);
const struct vg_doh_server *vg_doh_servers_at(size_t i);

#endif
