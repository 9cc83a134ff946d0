/*
 * What flow detectors share: a flow record seen from the instance, and the draft of a network
 * finding.
 *
 * A connection shows up as two records on the interface (request and reply), or one when it was
 * rejected.  Detectors count connections, not records, so they look at the record that carries
 * the initiator's packets (`request`).  Which end is local and who initiated are decided once
 * per record by enrich/flow_sides.c.
 */
#ifndef VG_DETECT_FLOW_UTIL_H
#define VG_DETECT_FLOW_UTIL_H

#include "core/compat.h"
#include "core/event.h"
#include "core/finding.h"

struct vg_flow_view {
    struct vg_finding_net net; /* local/remote ends; direction = who initiated */
    bool request;              /* this record's packets went from the initiator */
    bool remote_public;        /* the remote end is publicly routable */
};

/* False when the record is not a usable flow (NODATA, no addresses, local end unknown). */
bool vg_flow_view(const struct vg_event *ev, struct vg_flow_view *out);

/* A draft for a network finding on the record's instance. */
struct vg_finding_draft vg_flow_draft(enum vg_finding_type type, const struct vg_event *ev,
                                      const struct vg_finding_net *net);

/* A key naming the instance a record belongs to (instance id, else interface id) as two hashes,
 * for detector state tables; computed once per record by enrich/flow_sides.c. */
void vg_flow_instance_key(const struct vg_event *ev, uint64_t out[2]);

#endif
