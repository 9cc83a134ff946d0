/* Impossible travel between console sign-ins (see console_travel.c). */
#ifndef VG_DETECT_CONSOLE_TRAVEL_H
#define VG_DETECT_CONSOLE_TRAVEL_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_console_travel;

#endif
