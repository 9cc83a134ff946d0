/* Predicates over CloudTrail events shared by the CloudTrail detectors. */
#ifndef VG_DETECT_CT_UTIL_H
#define VG_DETECT_CT_UTIL_H

#include "core/compat.h"
#include "core/event.h"
#include "core/finding.h"

/* The call succeeded: no errorCode, and not a failed console sign-in. */
bool vg_ct_succeeded(const struct vg_event *ev);
/* Made by an AWS service rather than by a principal's own request: an AWSService identity, or
 * a call invoked by / coming from a *.amazonaws.com service. */
bool vg_ct_by_aws_service(const struct vg_event *ev);
/* eventSource and eventName match. */
bool vg_ct_is(const struct vg_event *ev, const char *source, const char *name);
/* An S3 data event (object-level API), as opposed to a management call on a bucket. */
bool vg_ct_is_s3_data_event(const struct vg_event *ev);
/* requestParameters.bucketName, or empty. */
struct vg_str vg_ct_bucket(const struct vg_event *ev);
/* Plain words on the credentials that signed the call, for a finding's description: a
 * long-lived user key (AKIA...: a leak is likely, where to look, rotate) or a temporary session
 * (ASIA...: 1-12 h, who issued it, when, whether with MFA, where such sessions leak from).
 * Log text goes through vg_buf_add_printable.  VG_OK or VG_ENOMEM. */
struct vg_buf;
int vg_ct_credential_text(const struct vg_event *ev, struct vg_buf *out);
/* A draft for ev with the catalog's default severity. */
struct vg_finding_draft vg_ct_draft(enum vg_finding_type type, const struct vg_event *ev);

#endif
