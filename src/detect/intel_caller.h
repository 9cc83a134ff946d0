/* Threat-list match on the CloudTrail caller's address (see intel_caller.c). */
#ifndef VG_DETECT_INTEL_CALLER_H
#define VG_DETECT_INTEL_CALLER_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_intel_caller;

#endif
