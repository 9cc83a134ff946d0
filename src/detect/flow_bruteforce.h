/* Password guessing over SSH, RDP and WinRM, either way (see flow_bruteforce.c). */
#ifndef VG_DETECT_FLOW_BRUTEFORCE_H
#define VG_DETECT_FLOW_BRUTEFORCE_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_flow_bruteforce;

#endif
