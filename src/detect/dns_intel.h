/* Threat-list matches on the names instances query (see dns_intel.c). */
#ifndef VG_DETECT_DNS_INTEL_H
#define VG_DETECT_DNS_INTEL_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_dns_intel;

#endif
