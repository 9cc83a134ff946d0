/* Threat-list matches on the names instances query (see dns_intel.c). */
#ifndef VG_DETECT_DNS_INTEL_H
#define VG_DETECT_DNS_INTEL_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_dns_intel;

/* The type a domain-list hit fires, VG_FT_COUNT when it fires none (scanner and Tor entries,
 * and the low-confidence hits that only score: vg_intel_hit_low_confidence).  Pure. */
enum vg_finding_type vg_dns_intel_route(const struct vg_intel_hit *h);

#endif
