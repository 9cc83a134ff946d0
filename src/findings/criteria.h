/*
 * GuardDuty's finding criteria: the `findingCriteria` object of ListFindings, GetFindingsStatistics
 * and saved filters (../shared/reference/guardduty-notes.md §6), evaluated against a finding's
 * JSON as vg_render_json writes it.
 *
 *   {"criterion": {"<field path>": {"equals": ["..."], "greaterThan": 5, ...}, ...}}
 *
 * Fields AND together; the values of equals/matches OR; notEquals/notMatches hold when no value
 * matches.  A path walks objects by key and arrays element by element (any element may match), so
 * "resource.instanceDetails.networkInterfaces.privateIpAddresses.privateIpAddress" works.
 * Numeric conditions compare numbers, and timestamps (ISO 8601 strings such as updatedAt) as
 * epoch milliseconds.  `matches` takes `*` and `?` wildcards.  The legacy eq/neq/gt/gte/lt/lte
 * keys are accepted.  A path that is absent matches no equals/greaterThan... and every
 * notEquals/notMatches.
 *
 * Limits (refused with a message): 50 fields, 50 values per condition, 512 bytes per value.
 * Finding text is data only: a value is compared, never interpreted.
 */
#ifndef VG_FINDINGS_CRITERIA_H
#define VG_FINDINGS_CRITERIA_H

#include "core/compat.h"

struct vg_criteria;

/* Compile the findingCriteria object in json[0..len).  An empty object or {"criterion":{}}
 * matches everything.  VG_OK; VG_EFORMAT with a message in why[0..why_len) naming the field
 * ("criterion.severity: greaterThan must be a number"); VG_ENOMEM. */
int vg_criteria_parse(const char *json, size_t len, struct vg_criteria **out, char *why,
                      size_t why_len);
void vg_criteria_free(struct vg_criteria *c);

/* Does the finding object in json[0..len) meet every condition?  A finding that is not valid
 * JSON matches nothing.  Not thread-safe: the finding is parsed with a parser kept inside c
 * (so that, once warm, a call allocates nothing), and one criteria must be matched by one
 * thread at a time; compile one per thread to filter in parallel. */
bool vg_criteria_match(const struct vg_criteria *c, const char *json, size_t len);

/* A sort key taken from a finding's JSON at a field path (ListFindings' sortCriteria
 * attributeName): numbers and timestamps compare as numbers, strings by bytes, absent first. */
struct vg_sort_key {
    bool present;
    bool is_number;
    double number;
    char text[128]; /* truncated; enough to order by */
};
/* vg_criteria_match, and when the finding matches, the sort keys at npaths field paths, all from
 * one parse of the finding with c's parser (an empty criteria, "{}", matches every finding): what a
 * request that filters, sorts or groups many findings calls per finding. */
bool vg_criteria_match_keys(const struct vg_criteria *c, const char *json, size_t len,
                            const char *const *paths, size_t npaths, struct vg_sort_key *keys);
/* One key from one finding, for one-off use: it compiles and frees a criteria per call. */
void vg_sort_key_get(const char *json, size_t len, const char *path, struct vg_sort_key *out);
int vg_sort_key_cmp(const struct vg_sort_key *a, const struct vg_sort_key *b);

/* Is `path` a field path vigil can evaluate (letters, digits, '.', '_')?  For request checks. */
bool vg_criteria_path_valid(const char *path);

#endif
