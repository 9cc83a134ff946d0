/*
 * Functions that cannot be used safely on hostile input, or that hide errors.  Using one is a
 * compile error naming the function; the safe replacement is noted beside it.
 */
#ifndef VG_CORE_BANNED_H
#define VG_CORE_BANNED_H

#define VG_BANNED(func) sorry_##func##_is_banned_in_vigil

#undef strcpy
#define strcpy(x, y) VG_BANNED(strcpy) /* use memcpy with a known length */
#undef strcat
#define strcat(x, y) VG_BANNED(strcat) /* use struct vg_buf */
#undef strncpy
#define strncpy(x, y, n) VG_BANNED(strncpy)
#undef sprintf
#define sprintf(...) VG_BANNED(sprintf) /* use snprintf or vg_buf_printf */
#undef vsprintf
#define vsprintf(...) VG_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) VG_BANNED(strtok) /* use strtok_r or slices */
#undef gmtime
#define gmtime(t) VG_BANNED(gmtime) /* use gmtime_r */
#undef localtime
#define localtime(t) VG_BANNED(localtime) /* use localtime_r */
#undef atoi
#define atoi(x) VG_BANNED(atoi) /* use vg_parse_u64 or strtol with checks */
#undef atol
#define atol(x) VG_BANNED(atol)

#endif
