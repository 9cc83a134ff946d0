/* Logging tampering detector (see logging_tamper.c). */
#ifndef VG_DETECT_LOGGING_TAMPER_H
#define VG_DETECT_LOGGING_TAMPER_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_logging_tamper;

#endif
