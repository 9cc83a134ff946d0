/*
 * CloudTrail: S3 delivery objects ({"Records":[...]}, compact or pretty-printed), JSON lines
 * (CloudTrail Lake exports; EventBridge envelopes with the event under "detail"), a JSON array of
 * events, or a sequence of pretty-printed events.  Digest files are recognised and counted.
 */
#ifndef VG_PARSE_CLOUDTRAIL_H
#define VG_PARSE_CLOUDTRAIL_H

#include "core/compat.h"
#include "parse/format.h"

extern const struct vg_format vg_format_cloudtrail;

/* Map one parsed record to an event (exposed for unit tests).  Returns false, after reporting
 * to ctx->diag, when the record is not a usable CloudTrail event. */
bool vg_cloudtrail_map(struct vg_parse_ctx *ctx, const struct vg_json_value *rec,
                       const struct vg_diag_loc *loc, struct vg_event *out);

#endif
