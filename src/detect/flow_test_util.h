/*
 * What the flow detectors' unit tests share: a flow record described from the instance's side
 * and turned into an event as enrich/flow_sides.c would annotate it, and a finding copied out of
 * its draft.
 *
 * Only *_test.c files include this.  It is header-only (static inline) because test code stays
 * out of libvigil.a (STYLE.md §2) and each test binary is built from its one source file.
 */
#ifndef VG_DETECT_FLOW_TEST_UTIL_H
#define VG_DETECT_FLOW_TEST_UTIL_H

#include "core/compat.h"
#include "core/event.h"
#include "core/finding.h"
#include "core/ip.h"
#include "enrich/flow_sides.h"

#include <setjmp.h>
#include <cmocka.h>

static inline struct vg_ip flow_test_ip(const char *text)
{
    struct vg_ip a;
    assert_true(vg_ip_parse(vg_str_from(text), &a));
    return a;
}

/* One record on the instance's interface.  Strings are borrowed by the event. */
struct flow_test_record {
    const char *instance_id; /* NULL: the record names only its interface */
    const char *interface_id;
    const char *region; /* NULL: none */
    struct vg_ip local, remote;
    uint16_t local_port, remote_port;
    bool local_sends; /* the record carries the instance's packets: local is the source */
    uint8_t protocol;
    uint64_t packets, bytes;
    int64_t ms, duration_ms;
    uint8_t tcp_flags; /* 0: the log format has no tcp-flags field */
    bool rejected;
};

static inline void flow_test_event(struct vg_event *ev, const struct flow_test_record *r)
{
    memset(ev, 0, sizeof(*ev));
    ev->source = VG_SOURCE_VPCFLOW;
    ev->time_ms = r->ms;
    ev->account_id = VG_STR("123456789012");
    ev->region = vg_str_from(r->region);
    struct vg_flow *f = &ev->flow;
    f->instance_id = vg_str_from(r->instance_id);
    f->interface_id = vg_str_from(r->interface_id);
    f->src = r->local_sends ? r->local : r->remote;
    f->dst = r->local_sends ? r->remote : r->local;
    f->src_port = r->local_sends ? r->local_port : r->remote_port;
    f->dst_port = r->local_sends ? r->remote_port : r->local_port;
    f->protocol = r->protocol;
    f->packets = r->packets;
    f->bytes = r->bytes;
    f->start_ms = r->ms;
    f->end_ms = r->ms + r->duration_ms;
    f->action = r->rejected ? VG_FLOW_REJECT : VG_FLOW_ACCEPT;
    f->status = VG_FLOW_OK;
    f->tcp_flags = r->tcp_flags;
    f->has = VG_FLOW_HAS_PORTS | VG_FLOW_HAS_PROTOCOL | VG_FLOW_HAS_COUNTS | VG_FLOW_HAS_TIMES |
             (r->tcp_flags ? VG_FLOW_HAS_TCP_FLAGS : 0);
    f->local = r->local_sends ? VG_FLOW_LOCAL_SRC : VG_FLOW_LOCAL_DST;
    vg_flow_sides_annotate(f);
}

/* A finding as a test sees it: the draft's strings are borrowed for the call only, so they are
 * copied (cut to the buffers). */
struct flow_test_finding {
    enum vg_finding_type type;
    double severity;
    int64_t time_ms;
    char counterpart[80];
    char detail[800];
    char additional[800];
};

static inline void flow_test_copy_str(char *out, size_t cap, struct vg_str s)
{
    snprintf(out, cap, "%.*s", (int)s.len, s.ptr ? s.ptr : "");
}

static inline void flow_test_finding_copy(struct flow_test_finding *out,
                                          const struct vg_finding_draft *d)
{
    out->type = d->type;
    out->severity = d->severity;
    out->time_ms = d->event->time_ms;
    flow_test_copy_str(out->counterpart, sizeof(out->counterpart), d->counterpart);
    flow_test_copy_str(out->detail, sizeof(out->detail), d->detail);
    flow_test_copy_str(out->additional, sizeof(out->additional), d->additional);
}

#endif
