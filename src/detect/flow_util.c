/* Flow records seen from the instance; see flow_util.h for the initiator rules. */
#include "detect/flow_util.h"

#include "core/hash.h"

enum { TCP_SYN = 0x02, TCP_ACK = 0x10 };

/* True when the record's source opened the connection. */
static bool source_initiated(const struct vg_flow *f)
{
    if (f->protocol == 6 && (f->has & VG_FLOW_HAS_TCP_FLAGS) && (f->tcp_flags & TCP_SYN))
        return !(f->tcp_flags & TCP_ACK);
    uint16_t sp = f->src_port, dp = f->dst_port;
    if ((sp < 1024) != (dp < 1024))
        return dp < 1024;
    if ((sp >= 32768) != (dp >= 32768))
        return sp >= 32768;
    return dp <= sp;
}

bool vg_flow_view(const struct vg_event *ev, struct vg_flow_view *out)
{
    const struct vg_flow *f = &ev->flow;
    if (ev->source != VG_SOURCE_VPCFLOW || f->status != VG_FLOW_OK ||
        f->local == VG_FLOW_LOCAL_UNKNOWN)
        return false;
    bool local_is_src = f->local == VG_FLOW_LOCAL_SRC;
    bool src_initiated = source_initiated(f);
    struct vg_finding_net *n = &out->net;
    n->protocol = f->protocol;
    n->blocked = f->action == VG_FLOW_REJECT;
    n->local_ip = local_is_src ? f->src : f->dst;
    n->remote_ip = local_is_src ? f->dst : f->src;
    n->local_port = local_is_src ? f->src_port : f->dst_port;
    n->remote_port = local_is_src ? f->dst_port : f->src_port;
    n->direction = local_is_src == src_initiated ? VG_NET_OUTBOUND : VG_NET_INBOUND;
    out->request = src_initiated;
    out->remote_public = !vg_ip_is_private(&n->remote_ip);
    return true;
}

struct vg_finding_draft vg_flow_draft(enum vg_finding_type type, const struct vg_event *ev,
                                      const struct vg_finding_net *net)
{
    struct vg_finding_draft d;
    memset(&d, 0, sizeof(d));
    d.type = type;
    d.event = ev;
    d.net = net;
    return d;
}

void vg_flow_instance_key(const struct vg_event *ev, uint64_t out[2])
{
    struct vg_str id = ev->flow.instance_id.len ? ev->flow.instance_id : ev->flow.interface_id;
    out[0] = vg_hash64(id.ptr, id.len, 0);
    out[1] = vg_hash64(id.ptr, id.len, 0x9e3779b97f4a7c15ull);
}
