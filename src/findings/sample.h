/*
 * Sample findings, as GuardDuty's CreateSampleFindings makes them: one finding of a type filled
 * with placeholder values (instance i-99999999, GeneratedFinding* names, 198.51.100.0), shaped
 * like the type's real findings so that a SOAR playbook or a dashboard can be tried on it.
 * Rendered with vg_render_opts.sample, their titles start with "[SAMPLE]" and additionalInfo
 * says "sample": true: no consumer should mistake one for an alert.
 */
#ifndef VG_FINDINGS_SAMPLE_H
#define VG_FINDINGS_SAMPLE_H

#include "core/compat.h"
#include "core/finding.h"

/* Fill *out (owned; free with vg_finding_release) with a sample of `type` in account_id/region
 * (both non-NULL), first and last seen at now_ms.  The id comes from the type, account, Region
 * and `nonce`, so calls with different nonces make distinct findings.  The shape follows the
 * catalog's data source: flow log types get an instance and a network connection (the PortProbe
 * family a port probe), DNS types an instance and a DNS request, the others an API call by an
 * access key, with a bucket when the resource type is S3Bucket or the type's text names one.  Every
 * sample names a placeholder threat list and log record.  VG_OK or VG_ENOMEM (*out is then
 * released).
 *
 * A CreateSampleFindings name is looked up with vg_catalog_find (findings/catalog.h). */
int vg_sample_finding(enum vg_finding_type type, const char *account_id, const char *region,
                      int64_t now_ms, uint64_t nonce, struct vg_finding *out);

#endif
