/* The "alienvault" threat-list loader; see intel_alienvault.c. */
#ifndef VG_ENRICH_INTEL_ALIENVAULT_H
#define VG_ENRICH_INTEL_ALIENVAULT_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_alienvault;

#endif
