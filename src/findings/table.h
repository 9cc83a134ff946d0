/*
 * The findings table: aggregates drafts into owned findings (STYLE.md §6, "Finding" lifetime).
 *
 * Repeated activity with the same key (account, region, type, resource, counterpart) updates one
 * finding: count, eventLastSeen, the latest action details, the first N evidence records and the
 * distinct API calls.  The id is a hash of that key, so the same logs give the same ids on every
 * run and machine.
 *
 * Bounded: at `cap` findings the least recently updated one (by event time of its last
 * occurrence) is handed to the evict callback and dropped; `evicted` counts them.  A scan passes
 * a callback that prints the finding, so nothing is lost.  Not thread-safe.
 */
#ifndef VG_FINDINGS_TABLE_H
#define VG_FINDINGS_TABLE_H

#include "core/compat.h"
#include "core/finding.h"

struct vg_findings;

typedef void (*vg_findings_evict_fn)(void *ctx, const struct vg_finding *f);

/* NULL when out of memory.  Free with vg_findings_free(). */
struct vg_findings *vg_findings_new(size_t cap, vg_findings_evict_fn on_evict, void *ctx);
void vg_findings_free(struct vg_findings *t);

/* The vg_emit_fn detectors call; ctx is the table.  Copies what it keeps out of the draft. */
void vg_findings_add(void *table, const struct vg_finding_draft *draft);

/* Hand every finding added to or updated since the last call to fn (in no particular order) and
 * forget that they changed; fn may be NULL to just forget.  A finding evicted meanwhile went to
 * the evict callback instead.  Stops at, and returns, fn's first non-zero result (the findings
 * not yet handed over stay changed). */
typedef int (*vg_findings_changed_fn)(void *ctx, const struct vg_finding *f);
int vg_findings_take_changed(struct vg_findings *t, vg_findings_changed_fn fn, void *ctx);

size_t vg_findings_count(const struct vg_findings *t);
uint64_t vg_findings_evicted(const struct vg_findings *t);
/* Findings ordered by eventFirstSeen, then id; the array is owned by the table and valid until
 * the next add.  NULL with *count_out 0 when empty or out of memory. */
const struct vg_finding *const *vg_findings_sorted(struct vg_findings *t, size_t *count_out);

/* The finding id for a key, as 32 hex digits (exposed for tests and the simulate scenarios). */
void vg_findings_key_id(const struct vg_finding_draft *d, char out[33]);

#endif
