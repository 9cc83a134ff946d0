/*
 * Sigma rules for AWS CloudTrail into vigil rules (`vigil rules import-sigma`, docs/rules.md).
 *
 * Sigma (sigmahq.io) describes a detection as named searches over an event's fields and a
 * boolean condition over them.  CloudTrail rules name CloudTrail's own JSON paths, so a Sigma
 * rule whose logsource is `product: aws, service: cloudtrail` becomes one vigil rule: the
 * searches and the condition become its `match:`, the rule's metadata its id, type, severity and
 * description.  What vigil cannot express (aggregations, time windows, keyword searches, encoding
 * modifiers) is refused per rule with the reason; the other rules of the file still convert.
 *
 * Every converted rule is loaded by vigil's own rule loader before it is written out, so the
 * output holds only rules that load.
 */
#ifndef VG_RULES_SIGMA_H
#define VG_RULES_SIGMA_H

#include "core/compat.h"
#include "core/buf.h"

/* One Sigma rule not converted: its file, its title (NULL when it has none, or the file is not
 * YAML) and why.  The strings are the input's text, unescaped: print them with care. */
typedef void (*vg_sigma_report_fn)(void *ctx, const char *file, const char *title, const char *why);

struct vg_rules;

struct vg_sigma {
    struct vg_buf out; /* the converted rules: vigil rule YAML documents, each after `---` */
    size_t converted;
    size_t refused;
    vg_sigma_report_fn report;
    void *report_ctx;
    struct vg_rules *check; /* every rule converted so far, loaded (also catches repeated ids) */
};

/* VG_OK or VG_ENOMEM. */
int vg_sigma_init(struct vg_sigma *s, vg_sigma_report_fn report, void *ctx);
void vg_sigma_release(struct vg_sigma *s);

/* Convert the Sigma rules of one file's text (one rule per YAML document); `file` names it in
 * reports.  Rules that cannot be converted are reported and counted in `refused`.  VG_OK, or
 * VG_ENOMEM (the output then holds the rules converted before). */
int vg_sigma_convert(struct vg_sigma *s, const char *file, const char *text, size_t len);

#endif
