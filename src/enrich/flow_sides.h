/*
 * Which end of a flow record is the monitored instance.
 *
 * A VPC flow record is logged on one network interface (interface-id) and names two addresses;
 * detectors need to know which one is ours.  In order of trust:
 *   1. flow-direction, when the format logs it: ingress means dstaddr is the interface's;
 *   2. addresses the interface is known to have: from an asset inventory (vg_flow_sides_know),
 *      or learned from earlier records of the same interface;
 *   3. when exactly one address is private, that one (traffic through an internet gateway is
 *      translated before the interface sees it, so an instance's own address in its flow log is
 *      private for IPv4);
 *   4. an address repeated across two consecutive records of the interface (IPv6, where both
 *      ends are usually public).
 * Otherwise the record stays VG_FLOW_LOCAL_UNKNOWN and direction-dependent detectors skip it.
 *
 * Learned addresses live in a bounded table (core/keyed.h): a flood of interfaces evicts and
 * counts, it never grows memory.
 */
#ifndef VG_ENRICH_FLOW_SIDES_H
#define VG_ENRICH_FLOW_SIDES_H

#include "core/compat.h"
#include "core/err.h"
#include "core/event.h"

struct vg_flow_sides;

/* NULL when out of memory.  budget_bytes bounds the learned-address table. */
struct vg_flow_sides *vg_flow_sides_new(size_t budget_bytes);
void vg_flow_sides_free(struct vg_flow_sides *s);

/* Declare that interface_id owns addr (an asset inventory).  VG_OK or VG_ENOMEM. */
int vg_flow_sides_know(struct vg_flow_sides *s, struct vg_str interface_id,
                       const struct vg_ip *addr);

/* Set ev->flow.local for a VPC flow event and, when it is known, what
 * vg_flow_sides_annotate sets. */
void vg_flow_sides_resolve(struct vg_flow_sides *s, struct vg_event *ev);

/* Given f->local, set src_initiated, remote_public and instance_key (part of resolve; for
 * callers that know the local end some other way, such as tests). */
void vg_flow_sides_annotate(struct vg_flow *f);

uint64_t vg_flow_sides_evictions(const struct vg_flow_sides *s);

#endif
