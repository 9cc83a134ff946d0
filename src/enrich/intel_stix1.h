/* The "stix1" threat-list loader; see intel_stix1.c. */
#ifndef VG_ENRICH_INTEL_STIX1_H
#define VG_ENRICH_INTEL_STIX1_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_stix1;

#endif
