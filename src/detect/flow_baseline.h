/* Per-instance network baselines learned from VPC flow records (see flow_baseline.c). */
#ifndef VG_DETECT_FLOW_BASELINE_H
#define VG_DETECT_FLOW_BASELINE_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_flow_baseline;

#endif
