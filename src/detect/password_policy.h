/* Password policy weakening detector (see password_policy.c). */
#ifndef VG_DETECT_PASSWORD_POLICY_H
#define VG_DETECT_PASSWORD_POLICY_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_password_policy;

#endif
