/* Calendar arithmetic without the C library's time zone machinery (and its locks). */
#include "core/time.h"

int64_t vg_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's days_from_civil */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *p, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned)(p[i] - '0');
        if (c > 9)
            return false;
        v = v * 10 + c;
    }
    *out = v;
    return true;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

bool vg_time_parse_iso(struct vg_str s, int64_t *ms_out)
{
    const char *p = s.ptr;
    size_t n = s.len;
    unsigned y, mo, d, h, mi, se, ms = 0;
    size_t i;
    bool compact = n >= 15 && p[8] == 'T' && p[4] != '-';
    if (compact) {
        if (!digits(p, 4, &y) || !digits(p + 4, 2, &mo) || !digits(p + 6, 2, &d) ||
            !digits(p + 9, 2, &h) || !digits(p + 11, 2, &mi) || !digits(p + 13, 2, &se))
            return false;
        i = 15;
    } else {
        if (n < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' ') ||
            p[13] != ':' || p[16] != ':')
            return false;
        if (!digits(p, 4, &y) || !digits(p + 5, 2, &mo) || !digits(p + 8, 2, &d) ||
            !digits(p + 11, 2, &h) || !digits(p + 14, 2, &mi) || !digits(p + 17, 2, &se))
            return false;
        i = 19;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60)
        return false;
    if (i < n && p[i] == '.') {
        size_t start = ++i;
        unsigned scale = 100;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            ms += (unsigned)(p[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (i == start)
            return false;
    }
    int64_t offset_min = 0;
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
        i++;
    } else if (i < n && (p[i] == '+' || p[i] == '-')) {
        unsigned oh, om;
        if (n - i < 6 || p[i + 3] != ':' || !digits(p + i + 1, 2, &oh) ||
            !digits(p + i + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_min = (int64_t)(oh * 60 + om) * (p[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return false; /* a timestamp without a zone is ambiguous: refuse it */
    }
    if (i != n)
        return false;
    int64_t days = vg_time_days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + (se > 59 ? 59 : se) - offset_min * 60;
    *ms_out = secs * 1000 + ms;
    return true;
}

size_t vg_time_format_iso(int64_t ms, char *out, size_t cap)
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t frac = ms - secs * 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int n = snprintf(out, cap, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02u.%03uZ", y, m, d,
                     (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60),
                     (unsigned)frac);
    return n < 0 ? 0 : (size_t)n;
}
