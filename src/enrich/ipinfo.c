/* Address owner, country and AWS range (ipinfo.h). */
#include "enrich/ipinfo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/buf.h"
#include "enrich/csv.h"
#include "ingest/input.h"
#include "parse/json.h"

#define MAX_DATABASES 8
#define MAX_AWS_STRINGS 4096

typedef unsigned __int128 u128;

/* An ASN range; addresses as integers (IPv4 in the low 32 bits of its own table). */
/* reach: the highest last address of this range and every range sorted before it, so a lookup
 * finds a wider range that encloses a narrower one (registries nest them) */
struct asn4 {
    uint32_t first, last, reach, asn, org; /* org: offset into orgs */
};
struct asn6 {
    u128 first, last, reach;
    uint32_t asn, org;
};

/* One AWS prefix and service; a prefix listed for several services is several entries. */
struct aws_prefix {
    u128 net;
    uint8_t family, len;
    uint16_t region, service, border; /* indexes into aws_strings */
};

struct vg_ipinfo {
    MMDB_s db[MAX_DATABASES];
    unsigned ndb;
    struct asn4 *v4;
    size_t n4, cap4;
    struct asn6 *v6;
    size_t n6, cap6;
    struct vg_buf orgs; /* NUL-terminated names */
    struct aws_prefix *aws;
    size_t naws, capaws;
    /* the runs of aws of one family and length, longest first (set by freeze), so a lookup
     * costs a binary search per length present rather than a walk of every prefix */
    struct aws_run {
        uint8_t family, len;
        size_t start, end;
    } aws_runs[33 + 129];
    unsigned naws_runs;
    const char *aws_strings[MAX_AWS_STRINGS];
    unsigned naws_strings;
    struct vg_arena keep; /* aws strings, sync token */
    const char *sync_token;
    struct vg_input in; /* reused for every file */
    struct vg_ipinfo_stats stats;
};

static u128 key6(const uint8_t a[16])
{
    u128 k = 0;
    for (int i = 0; i < 16; i++)
        k = (k << 8) | a[i];
    return k;
}

static uint32_t key4(const uint8_t a[4])
{
    return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 1024;
    void *p = realloc(*v, c * size);
    if (!p)
        return false;
    *v = p;
    *cap = c;
    return true;
}

struct vg_ipinfo *vg_ipinfo_new(void)
{
    struct vg_ipinfo *info = calloc(1, sizeof(*info));
    if (!info)
        return NULL;
    vg_buf_init(&info->orgs, 0);
    vg_arena_init(&info->keep, 1 << 16, 0);
    vg_input_init(&info->in);
    return info;
}

void vg_ipinfo_free(struct vg_ipinfo *info)
{
    if (!info)
        return;
    for (unsigned i = 0; i < info->ndb; i++)
        MMDB_close(&info->db[i]);
    free(info->v4);
    free(info->v6);
    free(info->aws);
    vg_buf_release(&info->orgs);
    vg_arena_release(&info->keep);
    vg_input_release(&info->in);
    free(info);
}

/* ---- ASN ranges: "first,last,asn,organization" ---- */

/* The organisation names repeat (a network has many ranges): consecutive rows of one owner
 * share one copy, which is most of the repetition in range-sorted files.  *last_off is the
 * previous row's copy (UINT32_MAX before the first). */
static int add_org(struct vg_ipinfo *info, struct vg_str org, uint32_t *off, uint32_t *last_off)
{
    if (*last_off != UINT32_MAX) {
        const char *prev = info->orgs.data + *last_off;
        if (strlen(prev) == org.len && (org.len == 0 || memcmp(prev, org.ptr, org.len) == 0)) {
            *off = *last_off;
            return VG_OK;
        }
    }
    if (info->orgs.len > UINT32_MAX - org.len - 2)
        return VG_ENOMEM;
    *off = *last_off = (uint32_t)info->orgs.len;
    int rc = org.len ? vg_buf_add(&info->orgs, org.ptr, org.len) : VG_OK;
    rc |= vg_buf_addc(&info->orgs, '\0');
    return rc ? VG_ENOMEM : VG_OK;
}

static bool parse_asn(struct vg_str s, uint32_t *asn)
{
    if (s.len >= 2 && (s.ptr[0] == 'A' || s.ptr[0] == 'a') &&
        (s.ptr[1] == 'S' || s.ptr[1] == 's')) {
        s.ptr += 2;
        s.len -= 2;
    }
    if (s.len == 0 || s.len > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s.ptr[i] - '0');
    }
    *asn = (uint32_t)v;
    return v <= UINT32_MAX;
}

static int load_asn_csv(struct vg_ipinfo *info, const char *path, const char *data, size_t len,
                        struct vg_diag *diag)
{
    char *scratch = malloc(VG_CSV_MAX_RECORD_BYTES);
    if (!scratch)
        return VG_ENOMEM;
    int rc = VG_OK;
    struct vg_csv c;
    uint32_t last_off = UINT32_MAX;
    vg_csv_init(&c, data, len, ',', VG_CSV_QUOTES, scratch, VG_CSV_MAX_RECORD_BYTES);
    while (rc == VG_OK && vg_csv_next(&c)) {
        if (vg_csv_blank(&c) || c.field[0].ptr[0] == '#')
            continue;
        struct vg_diag_loc loc = { path, c.line, c.offset };
        struct vg_ip first, lastip;
        uint32_t asn;
        if (vg_csv_report_quotes(&c, diag, &loc)) {
            info->stats.bad++;
            continue;
        }
        if (c.count < 3 || !vg_ip_parse(c.field[0], &first) || !vg_ip_parse(c.field[1], &lastip) ||
            first.family != lastip.family || !parse_asn(c.field[2], &asn)) {
            vg_diag_report(diag, VG_DIAG_FIELD, &loc,
                           "not an ASN range (first address, last address, AS number, "
                           "organisation); skipped");
            info->stats.bad++;
            continue;
        }
        bool v4 = first.family == 4;
        if (v4 ? key4(first.addr) > key4(lastip.addr) : key6(first.addr) > key6(lastip.addr)) {
            vg_diag_report(diag, VG_DIAG_FIELD, &loc, "range ends before it starts; skipped");
            info->stats.bad++;
            continue;
        }
        uint32_t org = 0;
        rc = add_org(info, c.count > 3 ? c.field[3] : VG_STR_NULL, &org, &last_off);
        if (rc == VG_OK && v4 && grow((void **)&info->v4, &info->cap4, info->n4, sizeof(*info->v4)))
            info->v4[info->n4++] =
                (struct asn4){ key4(first.addr), key4(lastip.addr), 0, asn, org };
        else if (rc == VG_OK && !v4 &&
                 grow((void **)&info->v6, &info->cap6, info->n6, sizeof(*info->v6)))
            info->v6[info->n6++] =
                (struct asn6){ key6(first.addr), key6(lastip.addr), 0, asn, org };
        else
            rc = VG_ENOMEM;
    }
    free(scratch);
    return rc;
}

/* ---- AWS ip-ranges.json ---- */

static int aws_string(struct vg_ipinfo *info, struct vg_str s, uint16_t *out)
{
    for (unsigned i = 0; i < info->naws_strings; i++)
        if (strlen(info->aws_strings[i]) == s.len &&
            memcmp(info->aws_strings[i], s.ptr, s.len) == 0) {
            *out = (uint16_t)i;
            return VG_OK;
        }
    if (info->naws_strings == MAX_AWS_STRINGS)
        return VG_EIO;
    char *copy = vg_arena_strndup(&info->keep, s.ptr, s.len);
    if (!copy)
        return VG_ENOMEM;
    info->aws_strings[info->naws_strings] = copy;
    *out = (uint16_t)info->naws_strings++;
    return VG_OK;
}

/* "3.5.140.0/22" or "2600:1f14::/35" into a network and length. */
static bool parse_prefix(struct vg_str s, struct vg_ip *net, unsigned *len)
{
    const char *slash = s.ptr ? memchr(s.ptr, '/', s.len) : NULL;
    if (!slash)
        return false;
    char *end;
    char digits[4] = "";
    size_t dl = s.len - (size_t)(slash + 1 - s.ptr);
    if (dl == 0 || dl >= sizeof(digits))
        return false;
    memcpy(digits, slash + 1, dl);
    unsigned long l = strtoul(digits, &end, 10);
    if (*end || !vg_ip_parse((struct vg_str){ s.ptr, (size_t)(slash - s.ptr) }, net))
        return false;
    *len = (unsigned)l;
    return l <= (net->family == 4 ? 32u : 128u);
}

static u128 mask_of(unsigned family, unsigned len)
{
    unsigned bits = family == 4 ? 32 : 128;
    return len == 0 ? 0 : (~(u128)0 << (bits - len)) & (family == 4 ? (u128)UINT32_MAX : ~(u128)0);
}

static int load_aws(struct vg_ipinfo *info, const char *path, const char *data, size_t len,
                    struct vg_diag *diag)
{
    struct vg_arena arena;
    struct vg_json_parser json;
    vg_arena_init(&arena, 1 << 20, 0);
    vg_json_parser_init(&json, &arena, len + 1);
    const struct vg_json_value *root;
    struct vg_json_error err;
    size_t pos = 0;
    int rc = VG_OK;
    struct vg_diag_loc loc = { path, 0, 0 };
    if (vg_json_parse(&json, data, len, &pos, &root, &err) != VG_JSON_OK) {
        loc.offset = err.offset;
        vg_diag_report(diag, VG_DIAG_JSON, &loc, "%s", err.what);
        info->stats.bad++;
        rc = VG_EIO;
        goto out;
    }
    if (!vg_json_get(root, "prefixes") && !vg_json_get(root, "ipv6_prefixes")) {
        vg_diag_report(diag, VG_DIAG_NOT_LOG, &loc,
                       "a JSON document without prefixes: not an ip-ranges.json");
        rc = VG_EIO;
        goto out;
    }
    struct vg_str token = vg_json_str(vg_json_get(root, "syncToken"));
    if (token.ptr)
        info->sync_token = vg_arena_strndup(&info->keep, token.ptr, token.len);
    static const char *const lists[][2] = { { "prefixes", "ip_prefix" },
                                            { "ipv6_prefixes", "ipv6_prefix" } };
    for (size_t l = 0; l < 2 && rc == VG_OK; l++) {
        const struct vg_json_value *arr = vg_json_get(root, lists[l][0]);
        size_t i = 0;
        for (const struct vg_json_value *e = vg_json_first(arr); e && rc == VG_OK;
             e = vg_json_next(arr, e), i++) {
            struct vg_ip net;
            unsigned plen;
            struct vg_str region = vg_json_str(vg_json_get(e, "region"));
            struct vg_str service = vg_json_str(vg_json_get(e, "service"));
            struct vg_str border = vg_json_str(vg_json_get(e, "network_border_group"));
            if (!parse_prefix(vg_json_str(vg_json_get(e, lists[l][1])), &net, &plen) ||
                !region.ptr || !service.ptr) {
                vg_diag_report(diag, VG_DIAG_FIELD, &loc,
                               "%s[%zu]: no prefix, region or service; skipped", lists[l][0], i);
                info->stats.bad++;
                continue;
            }
            struct aws_prefix p = { .family = net.family, .len = (uint8_t)plen };
            u128 k = net.family == 4 ? key4(net.addr) : key6(net.addr);
            p.net = k & mask_of(net.family, plen);
            rc = aws_string(info, region, &p.region);
            rc = rc ? rc : aws_string(info, service, &p.service);
            rc = rc ? rc : aws_string(info, border.ptr ? border : region, &p.border);
            if (rc == VG_OK && !grow((void **)&info->aws, &info->capaws, info->naws, sizeof(p)))
                rc = VG_ENOMEM;
            if (rc == VG_OK)
                info->aws[info->naws++] = p;
        }
    }
    if (rc == VG_EIO) {
        vg_diag_report(diag, VG_DIAG_TOO_BIG, &loc,
                       "more than %d distinct region and service "
                       "names; the rest of the file is skipped",
                       MAX_AWS_STRINGS);
        rc = VG_OK;
    }
out:
    vg_json_parser_release(&json);
    vg_arena_release(&arena);
    return rc;
}

/* ---- MaxMind databases ---- */

static int load_mmdb(struct vg_ipinfo *info, const char *path, struct vg_diag *diag)
{
    struct vg_diag_loc loc = { path, 0, 0 };
    if (info->ndb == MAX_DATABASES) {
        vg_diag_report(diag, VG_DIAG_TOO_BIG, &loc, "more than %d databases; skipped",
                       MAX_DATABASES);
        return VG_EIO;
    }
    int st = MMDB_open(path, MMDB_MODE_MMAP, &info->db[info->ndb]);
    if (st != MMDB_SUCCESS) {
        vg_diag_report(diag, VG_DIAG_IO, &loc, "not a readable MaxMind database: %s",
                       MMDB_strerror(st));
        return VG_EIO;
    }
    info->ndb++;
    return VG_OK;
}

static bool is_mmdb(const char *path)
{
    /* the metadata marker sits near the end of every MaxMind DB file */
    static const char marker[] = "\xab\xcd\xefMaxMind.com";
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char tail[128 * 1024];
    bool found = false;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        long from = size > (long)sizeof(tail) ? size - (long)sizeof(tail) : 0;
        if (fseek(f, from, SEEK_SET) == 0) {
            size_t n = fread(tail, 1, sizeof(tail), f);
            found = memmem(tail, n, marker, sizeof(marker) - 1) != NULL;
        }
    }
    fclose(f);
    return found;
}

/* ---- loading ---- */

static int load_file(struct vg_ipinfo *info, const char *path, struct vg_diag *diag)
{
    if (is_mmdb(path))
        return load_mmdb(info, path, diag);
    const char *data;
    size_t len;
    int rc = vg_input_read(&info->in, path, diag, &data, &len);
    return rc == VG_OK ? vg_ipinfo_load_buffer(info, path, data, len, diag) : rc;
}

int vg_ipinfo_load_buffer(struct vg_ipinfo *info, const char *path, const char *data, size_t len,
                          struct vg_diag *diag)
{
    int rc;
    size_t start = vg_json_skip_ws(data, len, 0);
    if (start < len && data[start] == '{')
        return load_aws(info, path, data, len, diag);
    size_t before = info->n4 + info->n6;
    uint64_t bad = info->stats.bad;
    rc = load_asn_csv(info, path, data, len, diag);
    if (rc == VG_OK && info->n4 + info->n6 == before && info->stats.bad > bad) {
        struct vg_diag_loc loc = { path, 0, 0 };
        vg_diag_report(diag, VG_DIAG_NOT_LOG, &loc,
                       "no ASN range in it: not a MaxMind database, an ip-ranges.json or an ASN "
                       "range CSV");
        return VG_EIO;
    }
    return rc;
}

struct walk {
    struct vg_ipinfo *info;
    struct vg_diag *diag;
};

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int walk_file(void *ctx, const char *path)
{
    struct walk *w = ctx;
    /* a folder holds licences and read-mes too: only the kinds of file read here */
    if (!has_suffix(path, ".mmdb") && !has_suffix(path, ".csv") && !has_suffix(path, ".json") &&
        !has_suffix(path, ".csv.gz") && !has_suffix(path, ".json.gz"))
        return 0;
    int rc = load_file(w->info, path, w->diag);
    return rc == VG_ENOMEM ? rc : 0;
}

int vg_ipinfo_load(struct vg_ipinfo *info, const char *path, struct vg_diag *diag)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        struct vg_diag_loc loc = { path, 0, 0 };
        vg_diag_report(diag, VG_DIAG_IO, &loc, "cannot read: %s", strerror(errno));
        return VG_EIO;
    }
    if (!S_ISDIR(st.st_mode))
        return load_file(info, path, diag);
    struct walk w = { info, diag };
    return vg_input_walk(path, diag, walk_file, &w);
}

static int cmp4(const void *x, const void *y)
{
    const struct asn4 *a = x, *b = y;
    return a->first < b->first ? -1 : a->first > b->first;
}

static int cmp6(const void *x, const void *y)
{
    const struct asn6 *a = x, *b = y;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* Longest prefixes first, so the first hit of a lookup is the most specific. */
static int cmp_aws(const void *x, const void *y)
{
    const struct aws_prefix *a = x, *b = y;
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    return a->net < b->net ? -1 : a->net > b->net;
}

int vg_ipinfo_freeze(struct vg_ipinfo *info)
{
    if (info->n4)
        qsort(info->v4, info->n4, sizeof(*info->v4), cmp4);
    if (info->n6)
        qsort(info->v6, info->n6, sizeof(*info->v6), cmp6);
    for (size_t i = 0; i < info->n4; i++)
        info->v4[i].reach = i && info->v4[i - 1].reach > info->v4[i].last ? info->v4[i - 1].reach
                                                                          : info->v4[i].last;
    for (size_t i = 0; i < info->n6; i++)
        info->v6[i].reach = i && info->v6[i - 1].reach > info->v6[i].last ? info->v6[i - 1].reach
                                                                          : info->v6[i].last;
    if (info->naws)
        qsort(info->aws, info->naws, sizeof(*info->aws), cmp_aws);
    info->naws_runs = 0;
    for (size_t i = 0; i < info->naws; i++) {
        struct aws_run *r = &info->aws_runs[info->naws_runs ? info->naws_runs - 1 : 0];
        if (!info->naws_runs || r->family != info->aws[i].family || r->len != info->aws[i].len) {
            r = &info->aws_runs[info->naws_runs++];
            *r = (struct aws_run){ info->aws[i].family, info->aws[i].len, i, i };
        }
        r->end = i + 1;
    }
    info->stats.asn_ranges_v4 = info->n4;
    info->stats.asn_ranges_v6 = info->n6;
    info->stats.aws_prefixes = info->naws;
    info->stats.databases = info->ndb;
    vg_input_release(&info->in);
    vg_input_init(&info->in);
    return VG_OK;
}

/* ---- lookups ---- */

/* Copy text into out, cut at a UTF-8 character boundary when it does not fit, so the JSON
 * that carries it holds no broken character. */
static void copy_text(char *out, size_t cap, const char *text, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    if (n < len)
        while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
            n--;
    memcpy(out, text, n);
    out[n] = '\0';
}

static void copy_entry_string(const MMDB_entry_data_s *d, char *out, size_t cap)
{
    copy_text(out, cap, d->utf8_string, d->data_size);
}

static void lookup_mmdb(const struct vg_ipinfo *info, const struct vg_ip *ip,
                        struct vg_ipinfo_result *out)
{
    struct sockaddr_storage ss = { 0 };
    if (ip->family == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, ip->addr, 4);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        memcpy(&sin6->sin6_addr, ip->addr, 16);
    }
    for (unsigned i = 0; i < info->ndb; i++) {
        int err;
        /* MMDB_s is only read by lookups; the library's signature predates const */
        MMDB_lookup_result_s r =
            MMDB_lookup_sockaddr((MMDB_s *)&info->db[i], (const struct sockaddr *)&ss, &err);
        if (err != MMDB_SUCCESS || !r.found_entry)
            continue;
        MMDB_entry_data_s d;
        if (!out->country[0] &&
            ((MMDB_get_value(&r.entry, &d, "country_code", NULL) == MMDB_SUCCESS && d.has_data &&
              d.type == MMDB_DATA_TYPE_UTF8_STRING) ||
             (MMDB_get_value(&r.entry, &d, "country", "iso_code", NULL) == MMDB_SUCCESS &&
              d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING)))
            copy_entry_string(&d, out->country, sizeof(out->country));
        if (!out->city[0] &&
            MMDB_get_value(&r.entry, &d, "city", "names", "en", NULL) == MMDB_SUCCESS &&
            d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING)
            copy_entry_string(&d, out->city, sizeof(out->city));
        MMDB_entry_data_s lat, lon;
        if (!out->has_location &&
            MMDB_get_value(&r.entry, &lat, "location", "latitude", NULL) == MMDB_SUCCESS &&
            MMDB_get_value(&r.entry, &lon, "location", "longitude", NULL) == MMDB_SUCCESS &&
            lat.has_data && lon.has_data && lat.type == MMDB_DATA_TYPE_DOUBLE &&
            lon.type == MMDB_DATA_TYPE_DOUBLE) {
            out->has_location = true;
            out->lat = lat.double_value;
            out->lon = lon.double_value;
        }
        if (!out->asn &&
            MMDB_get_value(&r.entry, &d, "autonomous_system_number", NULL) == MMDB_SUCCESS &&
            d.has_data && d.type == MMDB_DATA_TYPE_UINT32) {
            out->asn = d.uint32;
            if (MMDB_get_value(&r.entry, &d, "autonomous_system_organization", NULL) ==
                    MMDB_SUCCESS &&
                d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING)
                copy_entry_string(&d, out->asn_org, sizeof(out->asn_org));
        }
    }
}

/* The index + 1 of the range of `table` (n entries sorted by first, with reach set) that holds
 * k and starts last, i.e. the narrowest of nested ones; 0 when none holds it.  A binary search
 * finds the last range starting at or before k; ranges before it can still hold k only while
 * their reach does, which in registry data is rarely more than one step back. */
#define RANGE_HOLDING(table, n, k)                                                                 \
    ({                                                                                             \
        size_t lo_ = 0, hi_ = (n);                                                                 \
        while (lo_ < hi_) {                                                                        \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                                   \
            if ((table)[mid_].first <= (k))                                                        \
                lo_ = mid_ + 1;                                                                    \
            else                                                                                   \
                hi_ = mid_;                                                                        \
        }                                                                                          \
        while (lo_ > 0 && (table)[lo_ - 1].reach >= (k) && (table)[lo_ - 1].last < (k))            \
            lo_--;                                                                                 \
        lo_ > 0 && (table)[lo_ - 1].last >= (k) ? lo_ : 0;                                         \
    })

static void lookup_asn(const struct vg_ipinfo *info, const struct vg_ip *ip,
                       struct vg_ipinfo_result *out)
{
    uint32_t asn = 0, org = 0;
    if (ip->family == 4) {
        size_t i = RANGE_HOLDING(info->v4, info->n4, key4(ip->addr));
        if (i) {
            asn = info->v4[i - 1].asn;
            org = info->v4[i - 1].org;
        }
    } else {
        size_t i = RANGE_HOLDING(info->v6, info->n6, key6(ip->addr));
        if (i) {
            asn = info->v6[i - 1].asn;
            org = info->v6[i - 1].org;
        }
    }
    if (!asn)
        return;
    out->asn = asn;
    const char *name = info->orgs.data + org;
    copy_text(out->asn_org, sizeof(out->asn_org), name, strlen(name));
}

static void lookup_aws(const struct vg_ipinfo *info, const struct vg_ip *ip,
                       struct vg_ipinfo_result *out)
{
    u128 k = ip->family == 4 ? key4(ip->addr) : key6(ip->addr);
    for (unsigned r = 0; r < info->naws_runs; r++) {
        const struct aws_run *run = &info->aws_runs[r];
        if (run->family != ip->family)
            continue;
        u128 net = k & mask_of(ip->family, run->len);
        size_t lo = run->start, hi = run->end;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (info->aws[mid].net < net)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < run->end && info->aws[lo].net == net) {
            const struct aws_prefix *p = &info->aws[lo];
            out->aws_region = info->aws_strings[p->region];
            out->aws_sync_token = info->sync_token;
            out->aws_border_group = info->aws_strings[p->border];
            for (size_t j = lo; j < run->end && info->aws[j].net == net; j++)
                if (out->aws_service_count < VG_IPINFO_MAX_SERVICES)
                    out->aws_services[out->aws_service_count++] =
                        info->aws_strings[info->aws[j].service];
            struct vg_ip n = { .family = ip->family };
            for (int b = ip->family == 4 ? 3 : 15; b >= 0; b--, net >>= 8)
                n.addr[b] = (uint8_t)net;
            char text[64];
            snprintf(out->aws_prefix, sizeof(out->aws_prefix), "%s/%u",
                     vg_ip_format(&n, text, sizeof(text)), run->len);
            return;
        }
    }
}

bool vg_ipinfo_lookup(const struct vg_ipinfo *info, const struct vg_ip *ip,
                      struct vg_ipinfo_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!info || (ip->family != 4 && ip->family != 6))
        return false;
    /* ::ffff:a.b.c.d is the IPv4 address (dual-stack sockets log it so) */
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    struct vg_ip v4;
    if (ip->family == 6 && memcmp(ip->addr, mapped, sizeof(mapped)) == 0) {
        memset(&v4, 0, sizeof(v4));
        v4.family = 4;
        memcpy(v4.addr, ip->addr + 12, 4);
        ip = &v4;
    }
    lookup_asn(info, ip, out);
    lookup_mmdb(info, ip, out);
    lookup_aws(info, ip, out);
    return out->asn || out->country[0] || out->city[0] || out->has_location || out->aws_region;
}

const struct vg_ipinfo_stats *vg_ipinfo_stats(const struct vg_ipinfo *info)
{
    return &info->stats;
}

const char *vg_ipinfo_aws_sync_token(const struct vg_ipinfo *info)
{
    return info->sync_token;
}
