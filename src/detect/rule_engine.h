/* The rule engine as a detector: runs the scan's rule set (rules/rules.h) over its events. */
#ifndef VG_DETECT_RULE_ENGINE_H
#define VG_DETECT_RULE_ENGINE_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_rule_engine;

#endif
