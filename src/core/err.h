/*
 * The one error enum.  A function that can fail returns VG_OK (0) or one of these negative codes;
 * bad *input* is not an error of this kind but a report to a struct vg_diag (see diag.h).
 */
#ifndef VG_CORE_ERR_H
#define VG_CORE_ERR_H

#include "core/compat.h"

enum vg_err {
    VG_OK = 0,
    VG_ENOMEM = -1,  /* an allocation failed */
    VG_EIO = -2,     /* reading or writing a file failed; errno tells why */
    VG_EFORMAT = -3, /* input is not in the expected format */
    VG_ELIMIT = -4,  /* a hard limit from core/limits.h was reached */
    VG_ENOTFOUND = -5,
    VG_EDB = -6,
    VG_ECONFIG = -7,
    VG_EUSAGE = -8,     /* the caller passed arguments that make no sense */
    VG_ERETRY = -9,     /* the work in flight was lost (a store connection dropped): do it again */
    VG_ECONFLICT = -10, /* someone else changed it first (a compare-and-set lost) */
};

/* A static string naming the code; never NULL. */
const char *vg_strerror(int err);

#endif
