/* Root credential use detector (see root_usage.c). */
#ifndef VG_DETECT_ROOT_USAGE_H
#define VG_DETECT_ROOT_USAGE_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_root_usage;

#endif
