/* The "stix2" threat-list loader; see intel_stix2.c. */
#ifndef VG_ENRICH_INTEL_STIX2_H
#define VG_ENRICH_INTEL_STIX2_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_stix2;

#endif
