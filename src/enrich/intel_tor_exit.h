/* The "tor-exit" threat-list loader; see intel_tor_exit.c. */
#ifndef VG_ENRICH_INTEL_TOR_EXIT_H
#define VG_ENRICH_INTEL_TOR_EXIT_H

#include "core/compat.h"
#include "enrich/intel_format.h"

extern const struct vg_intel_format vg_intel_format_tor_exit;

#endif
