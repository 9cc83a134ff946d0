/* The generated tables of the label model (dga_model.c, from scripts/dga_train.py): only dga.c
 * reads them. */
#ifndef VG_DETECT_DGA_MODEL_H
#define VG_DETECT_DGA_MODEL_H

#include "core/compat.h"

/* Character classes: 0 the label's boundary, 1-26 a-z, 27 any digit, 28 '-', 29 anything else. */
#define VG_DGA_CLASSES 30
/* Bits of a trigram's cost in vg_dga_cost are scaled by this to fit a byte. */
#define VG_DGA_COST_SCALE 16
#define VG_DGA_FEATURES 5

/* vg_dga_weights[0] is the bias, then one weight per feature in the order dga.c computes them. */
extern const double vg_dga_weights[VG_DGA_FEATURES + 1];
/* -log2 P(c | a b) * VG_DGA_COST_SCALE, indexed (a * CLASSES + b) * CLASSES + c. */
extern const uint8_t vg_dga_cost[VG_DGA_CLASSES * VG_DGA_CLASSES * VG_DGA_CLASSES];
/* Bit set when benign training labels had the trigram at all. */
extern const uint8_t vg_dga_seen[(VG_DGA_CLASSES * VG_DGA_CLASSES * VG_DGA_CLASSES + 7) / 8];

/* The public suffix list's private section (strcmp order; wildcard rules keep their "*."): labels
 * under them are handed out by a platform, not registered. */
extern const char *const vg_dga_platforms[];
extern const size_t vg_dga_platform_count;

#endif
