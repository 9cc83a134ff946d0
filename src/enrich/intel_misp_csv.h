/* The "misp-csv" threat-list loader; see intel_misp_csv.c. */
#ifndef VG_ENRICH_INTEL_MISP_CSV_H
#define VG_ENRICH_INTEL_MISP_CSV_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_misp_csv;

#endif
