/* The "zeek-intel" threat-list loader; see intel_zeek_intel.c. */
#ifndef VG_ENRICH_INTEL_ZEEK_INTEL_H
#define VG_ENRICH_INTEL_ZEEK_INTEL_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_zeek_intel;

#endif
