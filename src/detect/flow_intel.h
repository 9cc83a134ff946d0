/* Threat-list matches on the remote end of VPC flows, and Tor relays (see flow_intel.c). */
#ifndef VG_DETECT_FLOW_INTEL_H
#define VG_DETECT_FLOW_INTEL_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_flow_intel;

#endif
