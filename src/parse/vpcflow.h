/*
 * VPC Flow Logs (and Transit Gateway flow logs) as text lines: S3 delivery objects whose first
 * line is a header naming the fields, header-less files in one of AWS's default field orders,
 * CloudWatch Logs / Firehose JSON envelopes around the same lines, and records already parsed to
 * JSON objects (Data Prepper / OCSF input).  Each line becomes one VG_SOURCE_VPCFLOW event; see
 * vpcflow.c for the rules.
 */
#ifndef VG_PARSE_VPCFLOW_H
#define VG_PARSE_VPCFLOW_H

#include "core/compat.h"
#include "parse/format.h"

extern const struct vg_format vg_format_vpcflow;

/*
 * Parse a flow log object whose lines follow `fields`, the format the flow log was created
 * with: field names separated by white space, each written bare ("srcaddr") or as the console
 * and the API write them ("${srcaddr}").  This is for header-less files in a custom format (the
 * S3 header, when a file has one, still wins).  Unknown names are columns that are skipped.
 *
 * Returns VG_OK (bad records are reported to ctx->diag and counted, as for any format),
 * VG_ECONFIG when `fields` names no field or more than the parser's column limit (nothing is
 * parsed then), VG_ENOMEM.  Events are borrowed, valid during the callback; slices point into
 * buf or ctx->arena.  Not thread-safe for a shared ctx; separate contexts may run in parallel.
 */
int vg_vpcflow_parse_format(struct vg_parse_ctx *ctx, struct vg_str fields, const char *buf,
                            size_t len);

/* True when `fields` names at least one flow log field and no more columns than the parser
 * takes: a configured format is checked once, at start-up. */
bool vg_vpcflow_format_valid(struct vg_str fields);

/* Whether a line (without its newline) is a header naming flow log fields, as the parser
 * takes one at the top of a file or in mid-file. */
bool vg_vpcflow_is_header(const char *line, size_t len);

/* For tests and the bench: false runs the portable column loops even where the CPU has the
 * x86-64-v2 instructions the fast copies use (checked at first use); true goes back to
 * choosing by CPU.  Affects objects parsed afterwards, in every thread. */
void vg_vpcflow_use_simd(bool on);

#endif
