/* Bursts of machine-generated-looking domain names from one instance (see dns_dga.c). */
#ifndef VG_DETECT_DNS_DGA_H
#define VG_DETECT_DNS_DGA_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_dns_dga;

#endif
