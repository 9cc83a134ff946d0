/* Names for the error codes of err.h, and the abort path for broken invariants. */
#include "core/err.h"

const char *vg_strerror(int err)
{
    switch (err) {
    case VG_OK: return "success";
    case VG_ENOMEM: return "out of memory";
    case VG_EIO: return "input/output error";
    case VG_EFORMAT: return "malformed input";
    case VG_ELIMIT: return "limit reached";
    case VG_ENOTFOUND: return "not found";
    case VG_EDB: return "database error";
    case VG_ECONFIG: return "invalid configuration";
    case VG_EUSAGE: return "invalid usage";
    case VG_ECONFLICT: return "changed by someone else";
    case VG_ERETRY: return "interrupted, try again";
    }
    return "unknown error";
}

void vg_bug(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
