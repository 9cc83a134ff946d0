/* The one list of log formats vigil reads.  Order matters: the first sniff that matches wins. */
#include "parse/format.h"

#include "parse/cloudtrail.h"
#include "parse/route53.h"
#include "parse/vpcflow.h"

const struct vg_format *const vg_formats[] = {
    &vg_format_vpcflow, /* before cloudtrail: its sniff never claims CloudTrail JSON */
    &vg_format_cloudtrail,
    &vg_format_route53, /* last: the two above never claim its records, and its sniff refuses
                         * theirs (eventVersion, eventSource, dstaddr) */
    NULL,
};

const struct vg_format *vg_format_named(const char *name)
{
    for (size_t i = 0; name && vg_formats[i]; i++)
        if (strcmp(vg_formats[i]->name, name) == 0)
            return vg_formats[i];
    return NULL;
}

const struct vg_format *vg_format_detect(const char *buf, size_t len)
{
    for (size_t i = 0; vg_formats[i]; i++)
        if (vg_formats[i]->sniff(buf, len))
            return vg_formats[i];
    return NULL;
}

const struct vg_format *vg_format_pick(const char *buf, size_t len, const char *flow_log_format)
{
    const struct vg_format *fmt = vg_format_detect(buf, len);
    if (flow_log_format && *flow_log_format && !fmt)
        fmt = &vg_format_vpcflow; /* the configured fields say what a header-less file holds */
    return fmt;
}

int vg_format_parse(const struct vg_format *fmt, struct vg_parse_ctx *ctx,
                    const char *flow_log_format, const char *buf, size_t len)
{
    if (fmt == &vg_format_vpcflow && flow_log_format && *flow_log_format)
        return vg_vpcflow_parse_format(ctx, vg_str_from(flow_log_format), buf, len);
    return fmt->parse(ctx, buf, len);
}
