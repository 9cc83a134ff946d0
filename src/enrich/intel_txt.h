/* The "txt" threat-list loader; see intel_txt.c. */
#ifndef VG_ENRICH_INTEL_TXT_H
#define VG_ENRICH_INTEL_TXT_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_txt;

#endif
