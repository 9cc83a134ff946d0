/* The "fireeye" threat-list loader; see intel_fireeye.c. */
#ifndef VG_ENRICH_INTEL_FIREEYE_H
#define VG_ENRICH_INTEL_FIREEYE_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_fireeye;

#endif
