/* Floods sent by an instance: Backdoor:EC2/DenialOfService.* (see flow_dos.c). */
#ifndef VG_DETECT_FLOW_DOS_H
#define VG_DETECT_FLOW_DOS_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_flow_dos;

#endif
