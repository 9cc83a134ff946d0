/*
 * Route 53 Resolver query logs: JSON lines as delivered to S3
 * (AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/YYYY/MM/DD/<name>.log.gz), pretty-printed records or
 * a JSON array of them, CloudWatch Logs subscription batches ({"logEvents":[{"message":...}]}),
 * `aws logs` output ({"events":[...]}), single {"message": "<record>"} envelopes, and
 * CloudWatch Logs export files ("<ISO time> <record>" per line).  Each query becomes one
 * VG_SOURCE_DNS event (struct vg_dns in core/event.h); see route53.c for the rules.
 */
#ifndef VG_PARSE_ROUTE53_H
#define VG_PARSE_ROUTE53_H

#include "core/compat.h"
#include "parse/format.h"

extern const struct vg_format vg_format_route53;

/* Map one parsed record to a DNS event (exposed for unit tests and the fuzz target).  Returns
 * false, after reporting to ctx->diag, when the record has no usable query_timestamp or
 * query_name; other bad fields are reported and left empty.  `what` prefixes every message
 * ("log event 3: "; "" for a record on its own).  Slices point into the record's strings or
 * ctx->arena (normalised names): valid until the batch is reset.  Not thread-safe for a shared
 * ctx. */
bool vg_route53_map(struct vg_parse_ctx *ctx, const struct vg_json_value *rec,
                    const struct vg_diag_loc *loc, const char *what, struct vg_event *out);

/*
 * Write the normal form of the query name `in` (presentation format as Route 53 logs it) into
 * out[0..cap) and describe it in *shape (shape->text is left to the caller).  Returns the
 * length written (never more than cap; a longer normal form is cut at an escape boundary and
 * flagged VG_DNS_NAME_CUT).  The rules are those of struct vg_dns_name.  Pure function:
 * thread-safe, no allocation.  Use it for names in answers (CNAME, PTR rdata) too, so they
 * compare equal to query names.
 */
size_t vg_route53_name_normalise(struct vg_str in, char *out, size_t cap,
                                 struct vg_dns_name *shape);

/* RR type number of a type mnemonic ("AAAA" -> 28, case-insensitive), "TYPEnnn" (RFC 3597), or
 * a decimal number; 0 when unknown or out of range. */
uint16_t vg_route53_rr_type(struct vg_str text);

#endif
