/*
 * vigil's own threat lists, compiled in: the domains amazon-guardduty-tester queries
 * (awslabs/amazon-guardduty-tester, lib/common/testResources/definitions.json), so that a
 * tester run against vigil gives the finding types GuardDuty gives it with no list loaded.
 *
 * Two lists, named in findings like any other, so an analyst sees the finding came from a
 * test indicator:
 *   vigil-test-indicators  curated: c2, crypto, drop point, black hole, phishing, drive-by and
 *                          DGA names (the plain !DNS types);
 *   vigil-test-reputation  reputation feed: the four "*-rep" names, which score a domain's
 *                          reputation (the .Reputation types) instead of firing directly.
 * Each entry's category comes from its threat name (vg_intel_category_infer), the same path a
 * user's AUTO list takes.  Every entry is exact: "crypto.guarddutyc2activityb.com" is a mining
 * name although its apex is a C2 name, and a "*." entry would make it both.
 *
 * The config option intel.test_indicators (default on) decides whether they are loaded.
 */
#ifndef VG_ENRICH_INTEL_BUILTIN_H
#define VG_ENRICH_INTEL_BUILTIN_H

#include "core/compat.h"
#include "enrich/intel.h"

#define VG_INTEL_BUILTIN_LIST "vigil-test-indicators"
#define VG_INTEL_BUILTIN_REPUTATION_LIST "vigil-test-reputation"

/* Declare both lists in b and add their entries; each list's sha256 is that of its entries as
 * "domain<TAB>threat name" lines, so a change to the compiled-in data shows in findings.
 * VG_OK or VG_ENOMEM. */
int vg_intel_builtin_add(struct vg_intel_builder *b);

#endif
