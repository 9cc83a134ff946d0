/* Instance and workload credentials used elsewhere (see cred_exfil.c). */
#ifndef VG_DETECT_CRED_EXFIL_H
#define VG_DETECT_CRED_EXFIL_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_cred_exfil;

#endif
