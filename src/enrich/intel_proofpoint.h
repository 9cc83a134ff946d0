/* The "proofpoint" threat-list loader; see intel_proofpoint.c. */
#ifndef VG_ENRICH_INTEL_PROOFPOINT_H
#define VG_ENRICH_INTEL_PROOFPOINT_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_proofpoint;

#endif
