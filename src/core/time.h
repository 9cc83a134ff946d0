/*
 * Event-time helpers.  vigil's clock is the logs' clock: these functions convert timestamps and
 * never read the system time (parse/, enrich/ and detect/ must not; `make lint` checks).
 */
#ifndef VG_CORE_TIME_H
#define VG_CORE_TIME_H

#include "core/compat.h"
#include "core/str.h"

/* Parse RFC 3339 / ISO 8601 UTC ("2024-03-12T10:00:00Z", ".123Z", "+02:00", and the compact
 * "20240312T100000Z" CloudTrail uses in session attributes) into ms since the Unix epoch.
 * Returns false for anything else, including impossible dates. */
bool vg_time_parse_iso(struct vg_str s, int64_t *ms_out);
/* Format as "2024-03-12T10:00:00.000Z" into out (at least 25 bytes); returns the length. */
size_t vg_time_format_iso(int64_t ms, char *out, size_t cap);
/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t vg_time_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
