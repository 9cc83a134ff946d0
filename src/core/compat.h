/*
 * The first include of every vigil header: feature macros, the system headers we use, and
 * (last) the banned-function list.  Keeping system includes here means every translation unit
 * sees the same feature macros, so a struct never has two layouts.
 */
#ifndef VG_CORE_COMPAT_H
#define VG_CORE_COMPAT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <assert.h>
#include <ctype.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define VG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VG_UNUSED __attribute__((unused))
#define VG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define VG_LIKELY(x) __builtin_expect(!!(x), 1)
#define VG_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* A broken invariant is a programming error: abort with the location, never limp on. */
#define VG_BUG(...) vg_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void vg_bug(const char *file, int line, const char *fmt, ...) VG_PRINTF(3, 4);

#include "core/banned.h"

#endif
