/* S3 public access detector (see s3_public.c). */
#ifndef VG_DETECT_S3_PUBLIC_H
#define VG_DETECT_S3_PUBLIC_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_s3_public;

#endif
