/* Attack sequences: one credential's findings as one story (see sequence.c). */
#ifndef VG_DETECT_SEQUENCE_H
#define VG_DETECT_SEQUENCE_H

#include "core/compat.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_sequence;

#endif
