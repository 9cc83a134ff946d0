/*
 * Operational logging to stderr.  The level is checked before any argument is formatted, so a
 * debug line in a hot path costs one branch.  A log line is not a metric: whatever is dropped
 * or skipped is also counted where /stats (or the scan summary) can show it.
 */
#ifndef VG_CORE_LOG_H
#define VG_CORE_LOG_H

#include "core/compat.h"

enum vg_log_level { VG_LOG_ERROR, VG_LOG_WARN, VG_LOG_INFO, VG_LOG_DEBUG };

extern enum vg_log_level vg_log_threshold;

void vg_log_write(enum vg_log_level level, const char *file, int line, int err, const char *fmt,
                  ...) VG_PRINTF(5, 6);

#define VG_LOG_AT(lvl, err, ...)                                                                   \
    do {                                                                                           \
        if ((lvl) <= vg_log_threshold)                                                             \
            vg_log_write((lvl), __FILE__, __LINE__, (err), __VA_ARGS__);                           \
    } while (0)

#define vg_log_error(...) VG_LOG_AT(VG_LOG_ERROR, 0, __VA_ARGS__)
#define vg_log_warn(...) VG_LOG_AT(VG_LOG_WARN, 0, __VA_ARGS__)
#define vg_log_info(...) VG_LOG_AT(VG_LOG_INFO, 0, __VA_ARGS__)
#define vg_log_debug(...) VG_LOG_AT(VG_LOG_DEBUG, 0, __VA_ARGS__)
/* The _e variants append ": <vg_strerror(err)>". */
#define vg_log_error_e(err, ...) VG_LOG_AT(VG_LOG_ERROR, (err), __VA_ARGS__)
#define vg_log_warn_e(err, ...) VG_LOG_AT(VG_LOG_WARN, (err), __VA_ARGS__)

#endif
