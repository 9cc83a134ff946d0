/* stderr logger; debug lines carry file:line, the others read as plain messages. */
#include "core/log.h"

#include "core/err.h"

enum vg_log_level vg_log_threshold = VG_LOG_WARN;

void vg_log_write(enum vg_log_level level, const char *file, int line, int err, const char *fmt,
                  ...)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (level == VG_LOG_DEBUG)
        fprintf(stderr, "vigil: %s: %s:%d: %s", names[level], file, line, msg);
    else
        fprintf(stderr, "vigil: %s: %s", names[level], msg);
    if (err)
        fprintf(stderr, ": %s", vg_strerror(err));
    fputc('\n', stderr);
}
