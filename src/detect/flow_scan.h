/* Scans from an instance: Recon:EC2/Portscan and Impact:EC2/PortSweep (see flow_scan.c). */
#ifndef VG_DETECT_FLOW_SCAN_H
#define VG_DETECT_FLOW_SCAN_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_flow_scan;

#endif
