/* Anomalous API use per principal: the AnomalousBehavior types (see baseline_anomaly.c). */
#ifndef VG_DETECT_BASELINE_ANOMALY_H
#define VG_DETECT_BASELINE_ANOMALY_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_baseline_anomaly;

#endif
