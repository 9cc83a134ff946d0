/* DNS answers that point a name at the instance metadata service (see dns_rebind.c). */
#ifndef VG_DETECT_DNS_REBIND_H
#define VG_DETECT_DNS_REBIND_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_dns_rebind;

#endif
