/* The "spamhaus" threat-list loader; see intel_spamhaus.c. */
#ifndef VG_ENRICH_INTEL_SPAMHAUS_H
#define VG_ENRICH_INTEL_SPAMHAUS_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_spamhaus;

#endif
