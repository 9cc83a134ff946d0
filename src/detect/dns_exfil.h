/* DNS tunnels: data encoded in the labels of many subdomains of one zone (see dns_exfil.c). */
#ifndef VG_DETECT_DNS_EXFIL_H
#define VG_DETECT_DNS_EXFIL_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_dns_exfil;

#endif
