/*
 * What flow detectors share: a flow record seen from the instance, the draft of a network
 * finding, and state made of keyed tables that split flow.state_memory between them.
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

/* False when the record is not a usable flow (NODATA, no addresses, local end unknown).  Inline:
 * every flow detector calls it on every record, and each uses only part of the view. */
static inline bool vg_flow_view(const struct vg_event *ev, struct vg_flow_view *out)
{
    const struct vg_flow *f = &ev->flow;
    if (ev->source != VG_SOURCE_VPCFLOW || f->status != VG_FLOW_OK ||
        f->local == VG_FLOW_LOCAL_UNKNOWN)
        return false;
    bool local_is_src = f->local == VG_FLOW_LOCAL_SRC;
    bool src_initiated = f->src_initiated;
    struct vg_finding_net *n = &out->net;
    n->protocol = f->protocol;
    n->blocked = f->action == VG_FLOW_REJECT;
    n->local_ip = local_is_src ? f->src : f->dst;
    n->remote_ip = local_is_src ? f->dst : f->src;
    n->local_port = local_is_src ? f->src_port : f->dst_port;
    n->remote_port = local_is_src ? f->dst_port : f->src_port;
    n->direction = local_is_src == src_initiated ? VG_NET_OUTBOUND : VG_NET_INBOUND;
    out->request = src_initiated;
    out->remote_public = f->remote_public;
    return true;
}

/* False when the record cannot give a view with `request` set: one field read, so detectors that
 * look only at requests skip the replies (half the records) before building the view. */
static inline bool vg_flow_may_be_request(const struct vg_event *ev)
{
    return ev->source == VG_SOURCE_VPCFLOW && ev->flow.src_initiated;
}

/* A draft for a network finding on the record's instance. */
struct vg_finding_draft vg_flow_draft(enum vg_finding_type type, const struct vg_event *ev,
                                      const struct vg_finding_net *net);

/* A key naming the instance a record belongs to (instance id, else interface id) as two hashes,
 * for detector state tables; computed once per record by enrich/flow_sides.c. */
void vg_flow_instance_key(const struct vg_event *ev, uint64_t out[2]);

struct vg_detect_env;
struct vg_keyed;

/* One keyed table of a flow detector (core/keyed.h).  Every flow detector takes its tables from
 * the one flow.state_memory budget, so a table is given a share of it rather than a size: the
 * shares of all detectors together must stay within the whole, whatever the option is set to. */
struct vg_flow_table {
    size_t key_size;
    size_t value_size;
    unsigned share; /* the table gets flow.state_memory / share bytes */
};

/* A flow detector's state: the env it reads its thresholds from and its tables, in the order of
 * the list it was made from (detectors name them by index). */
struct vg_flow_state {
    const struct vg_detect_env *env;
    size_t count;
    struct vg_keyed *tables[];
};

/* A detector's state_new for state that is only tables: *out becomes a struct vg_flow_state
 * with one table per entry of tables (count of them).  VG_OK, or VG_ENOMEM with nothing left
 * allocated.  env is borrowed and must outlive the state; the caller frees it with
 * vg_flow_state_free(). */
int vg_flow_state_new(void **out, const struct vg_detect_env *env,
                      const struct vg_flow_table *tables, size_t count);
/* The same from another budget: the IAM detectors keep their tables this way, with shares of
 * iam.state_memory. */
int vg_flow_state_new_budget(void **out, const struct vg_detect_env *env, size_t budget,
                             const struct vg_flow_table *tables, size_t count);
/* The descriptor's state_save and state_load for such state: every table, in order (values
 * must be plain bytes; see core/keyed.h). */
struct vg_buf;
int vg_flow_state_save(const void *state, struct vg_buf *out);
int vg_flow_state_load(void *state, const char *data, size_t len);
/* The descriptor's state_free and state_evictions for such state; free(NULL) does nothing. */
void vg_flow_state_free(void *state);
uint64_t vg_flow_state_evictions(const void *state);
/* Bytes its tables hold (fixed when they are made), for tests and /stats. */
size_t vg_flow_state_memory(const void *state);

#endif
