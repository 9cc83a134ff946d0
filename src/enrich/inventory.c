/*
 * Loads the asset inventory (see inventory.h for the accepted shapes and the rules on hostile
 * input) and answers lookups by instance id, interface id and address.
 *
 * A file is parsed whole with vigil's JSON reader into a scratch arena that is dropped when the
 * file is done; what is kept is copied into the inventory's own arena: only the members named
 * below, each capped, so memory follows what the file spelled out.  Records live in two growable
 * arrays indexed by open-addressing tables of (hash, position); positions, not pointers, so the
 * arrays may move while loading.  vg_inventory_freeze() then links interfaces to instances and
 * indexes addresses, after which nothing moves and lookups hand out pointers.
 */
#include "enrich/inventory.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/time.h"
#include "enrich/csv.h"
#include "ingest/input.h"
#include "parse/json.h"

/* AWS ids are 19-21 bytes (i-0123456789abcdef0, eni-...); ARNs and names may take up to
 * VG_MAX_FIELD_BYTES, which also covers a tag value (256 characters of UTF-8). */
#define MAX_ID_BYTES 255
/* Per record, at AWS's own limits or just above: 50 tags per resource, 16 security groups per
 * interface, 50 addresses per family per interface on the largest instances, product codes in
 * single digits, and interfaces per instance (network cards x interfaces) well under 128. */
#define MAX_TAGS 50
#define MAX_GROUPS 16
#define MAX_ADDRESSES 64
#define MAX_PRODUCT_CODES 16
#define MAX_INSTANCE_INTERFACES 128

#define AMBIGUOUS UINT32_MAX

/* An open-addressing table of positions (value + 1; 0 is empty) with their hashes, so growing
 * never needs the keys and probing compares keys only on a full hash match. */
struct index {
    uint64_t *hashes;
    uint32_t *values;
    size_t cap; /* a power of two, or 0 */
    size_t count;
};

struct address {
    struct vg_ip ip;
    uint32_t interface; /* position, or AMBIGUOUS */
};

struct vg_inventory {
    struct vg_arena arena; /* strings and lists, for the inventory's life */
    struct vg_inventory_instance *instances;
    size_t instance_cap;
    struct vg_inventory_interface *interfaces;
    size_t interface_cap;
    struct address *addresses;
    struct index by_instance, by_interface, by_address;
    const struct vg_inventory_interface **links; /* every instance's interfaces, end to end */
    struct vg_inventory_stats stats;
    bool frozen;
};

typedef bool (*same_fn)(const struct vg_inventory *inv, uint32_t pos, const void *key);

static void index_release(struct index *ix)
{
    free(ix->hashes);
    free(ix->values);
}

/* Room for one more entry at a load factor of at most one half. */
static int index_reserve(struct index *ix)
{
    if ((ix->count + 1) * 2 <= ix->cap)
        return VG_OK;
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    uint64_t *hashes = calloc(cap, sizeof(*hashes));
    uint32_t *values = calloc(cap, sizeof(*values));
    if (!hashes || !values || cap <= ix->cap) {
        free(hashes);
        free(values);
        return VG_ENOMEM;
    }
    for (size_t i = 0; i < ix->cap; i++) {
        if (!ix->values[i])
            continue;
        size_t j = ix->hashes[i] & (cap - 1);
        while (values[j])
            j = (j + 1) & (cap - 1);
        hashes[j] = ix->hashes[i];
        values[j] = ix->values[i];
    }
    index_release(ix);
    ix->hashes = hashes;
    ix->values = values;
    ix->cap = cap;
    return VG_OK;
}

/* The slot holding key, or the empty slot where it would go.  ix->cap must be nonzero. */
static size_t index_probe(const struct index *ix, uint64_t hash, same_fn same,
                          const struct vg_inventory *inv, const void *key)
{
    size_t mask = ix->cap - 1, i = hash & mask;
    while (ix->values[i] && !(ix->hashes[i] == hash && same(inv, ix->values[i] - 1, key)))
        i = (i + 1) & mask;
    return i;
}

/* The position stored for key, or UINT32_MAX. */
static uint32_t index_find(const struct index *ix, uint64_t hash, same_fn same,
                           const struct vg_inventory *inv, const void *key)
{
    if (!ix->cap)
        return UINT32_MAX;
    size_t i = index_probe(ix, hash, same, inv, key);
    return ix->values[i] ? ix->values[i] - 1 : UINT32_MAX;
}

static uint64_t hash_str(struct vg_str s)
{
    return vg_hash64(s.ptr, s.len, 0x696e76656e746f72ull);
}

static uint64_t hash_ip(const struct vg_ip *ip)
{
    return vg_hash64(ip->addr, ip->family == 4 ? 4 : 16, ip->family);
}

static bool id_is(const char *id, const struct vg_str *key)
{
    return strlen(id) == key->len && memcmp(id, key->ptr, key->len) == 0;
}

static bool same_instance(const struct vg_inventory *inv, uint32_t pos, const void *key)
{
    return id_is(inv->instances[pos].id, key);
}

static bool same_interface(const struct vg_inventory *inv, uint32_t pos, const void *key)
{
    return id_is(inv->interfaces[pos].id, key);
}

static bool same_address(const struct vg_inventory *inv, uint32_t pos, const void *key)
{
    return vg_ip_equal(&inv->addresses[pos].ip, key);
}

struct vg_inventory *vg_inventory_new(void)
{
    struct vg_inventory *inv = calloc(1, sizeof(*inv));
    if (inv)
        vg_arena_init(&inv->arena, 64 << 10, 0);
    return inv;
}

void vg_inventory_free(struct vg_inventory *inv)
{
    if (!inv)
        return;
    vg_arena_release(&inv->arena);
    free(inv->instances);
    free(inv->interfaces);
    free(inv->addresses);
    free(inv->links);
    index_release(&inv->by_instance);
    index_release(&inv->by_interface);
    index_release(&inv->by_address);
    free(inv);
}

/* ---- reading one file ---------------------------------------------------------------------- */

struct load {
    struct vg_inventory *inv;
    struct vg_diag *diag;
    const char *source;
    const char *buf;
    size_t len;
    struct vg_csv_lines lines;
    int rc;
};

/* What a message is about: "instance 'i-0123'", or a kind of record not yet identified. */
struct subject {
    const char *kind;
    struct vg_str id;
};

static void report(struct load *ld, const struct vg_json_value *at, const struct subject *about,
                   const char *fmt, ...) VG_PRINTF(4, 5);

/* Located at the value `at`: tape slots point into the input, except strings with escapes,
 * which were decoded elsewhere and locate at offset 0 (callers pass the enclosing object).
 * Lines are counted only for messages the sink will keep, so a file of a million bad records
 * costs a million counter increments, not a million line scans. */
static void report(struct load *ld, const struct vg_json_value *at, const struct subject *about,
                   const char *fmt, ...)
{
    uintptr_t p = at ? (uintptr_t)at->ptr : 0, b = (uintptr_t)ld->buf;
    struct vg_diag_loc loc = { ld->source, 0, p >= b && p - b < ld->len ? p - b : 0 };
    if (!ld->diag)
        return;
    if (ld->diag->total < ld->diag->keep)
        loc.line = vg_csv_line_at(&ld->lines, (size_t)loc.offset);
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (about->id.len)
        vg_diag_report(ld->diag, VG_DIAG_FIELD, &loc, "%s '%.*s': %s", about->kind,
                       (int)about->id.len, about->id.ptr, msg);
    else
        vg_diag_report(ld->diag, VG_DIAG_FIELD, &loc, "%s %s", about->kind, msg);
}

static void ignored(struct load *ld, const struct vg_json_value *at, const struct subject *about,
                    const char *key, const char *why)
{
    ld->inv->stats.ignored++;
    report(ld, at, about, "'%s' %s; ignored", key, why);
}

static char *keep(struct load *ld, struct vg_str s)
{
    char *p = vg_arena_strndup(&ld->inv->arena, s.ptr, s.len);
    if (!p)
        ld->rc = VG_ENOMEM;
    return p;
}

static void *keep_array(struct load *ld, size_t count, size_t size)
{
    void *p = count ? vg_arena_alloc(&ld->inv->arena, count * size) : NULL;
    if (count && !p)
        ld->rc = VG_ENOMEM;
    return p;
}

/* Why v cannot be a string field of at most cap bytes, or NULL with *out set.  An empty string
 * is fine here: callers treat it as "not said" (the CLI prints "PublicDnsName": "" for private
 * instances). */
static const char *string_problem(const struct vg_json_value *v, size_t cap, char why[48],
                                  struct vg_str *out)
{
    if (v->type != VG_JSON_STRING)
        return "is not a string";
    if (v->len > cap) {
        snprintf(why, 48, "is longer than %zu bytes", cap);
        return why;
    }
    if (v->len && memchr(v->ptr, '\0', v->len))
        return "contains a NUL byte";
    *out = (struct vg_str){ v->ptr, v->len };
    return NULL;
}

/* Member `key` of obj as a nonempty string of at most cap bytes.  A null, an empty string or no
 * member at all is "not said"; anything else that does not fit is reported. */
static bool string_member(struct load *ld, const struct vg_json_value *obj,
                          const struct subject *about, const char *key, size_t cap,
                          struct vg_str *out)
{
    const struct vg_json_value *v = vg_json_get(obj, key);
    char buf[48];
    const char *why;
    if (!v || v->type == VG_JSON_NULL)
        return false;
    if ((why = string_problem(v, cap, buf, out))) {
        ignored(ld, obj, about, key, why);
        return false;
    }
    return out->len > 0;
}

/* Copy member `key` into *dst unless a merged record already set it: the first value wins, and a
 * repeat is not even read. */
static void take_string(struct load *ld, const struct vg_json_value *obj,
                        const struct subject *about, const char *key, const char **dst)
{
    struct vg_str s;
    if (!*dst && string_member(ld, obj, about, key, VG_MAX_FIELD_BYTES, &s))
        *dst = keep(ld, s);
}

/* An address of the given family (4 or 6): an IPv6 address among the private IPv4 ones would be
 * declared to the flow-side resolver as the interface's IPv4 address. */
static bool address_member(struct load *ld, const struct vg_json_value *obj,
                           const struct subject *about, const char *key, uint8_t family,
                           struct vg_ip *out)
{
    struct vg_str s;
    if (!string_member(ld, obj, about, key, 64, &s))
        return false;
    if (!vg_ip_parse(s, out) || out->family != family) {
        ignored(ld, obj, about, key,
                family == 4 ? "is not an IPv4 address" : "is not an IPv6 address");
        return false;
    }
    return true;
}

/* Member `key` when it is of the wanted container type; present and of another type is
 * reported. */
static const struct vg_json_value *typed_member(struct load *ld, const struct vg_json_value *obj,
                                                const struct subject *about, const char *key,
                                                enum vg_json_type type)
{
    const struct vg_json_value *v = vg_json_get(obj, key);
    if (!v || v->type == VG_JSON_NULL)
        return NULL;
    if (v->type != type) {
        ignored(ld, obj, about, key,
                type == VG_JSON_ARRAY ? "is not an array" : "is not an object");
        return NULL;
    }
    return v;
}

/* The elements of array member `key` to read, at most cap of them (the excess is reported);
 * NULL when there is nothing to read. */
static const struct vg_json_value *list_member(struct load *ld, const struct vg_json_value *obj,
                                               const struct subject *about, const char *key,
                                               uint32_t cap, uint32_t *count_out)
{
    const struct vg_json_value *v = typed_member(ld, obj, about, key, VG_JSON_ARRAY);
    *count_out = 0;
    if (!v || v->len == 0)
        return NULL;
    *count_out = v->len < cap ? v->len : cap;
    if (v->len > cap) {
        char why[64];
        snprintf(why, sizeof(why), "has %" PRIu32 " entries; the first %" PRIu32 " are kept",
                 v->len, cap);
        ld->inv->stats.ignored++;
        report(ld, v, about, "'%s' %s", key, why);
    }
    return v;
}

/* A list of pairs: Tags [{Key, Value}], Groups [{GroupId, GroupName}], ProductCodes.  An entry
 * needs its first member; the second may be missing (a tag's value may be empty). */
static void take_pairs(struct load *ld, const struct vg_json_value *obj,
                       const struct subject *about, const char *key, const char *first,
                       const char *second, uint32_t cap, const struct vg_inventory_pair **dst,
                       uint32_t *count)
{
    uint32_t n;
    const struct vg_json_value *list = *count ? NULL : list_member(ld, obj, about, key, cap, &n);
    struct vg_inventory_pair *pairs = list ? keep_array(ld, n, sizeof(*pairs)) : NULL;
    if (!pairs)
        return;
    uint32_t kept = 0, seen = 0;
    for (const struct vg_json_value *e = vg_json_first(list); e && seen < n && ld->rc == VG_OK;
         e = vg_json_next(list, e), seen++) {
        if (e->type != VG_JSON_OBJECT) {
            ignored(ld, list, about, key, "has an entry that is not an object");
            continue;
        }
        struct vg_inventory_pair p = { NULL, NULL };
        take_string(ld, e, about, first, &p.first);
        take_string(ld, e, about, second, &p.second);
        if (!p.first) {
            char why[80];
            snprintf(why, sizeof(why), "has an entry without '%s'", first);
            ignored(ld, e, about, key, why);
            continue;
        }
        pairs[kept++] = p;
    }
    *dst = pairs;
    *count = kept;
}

/* ---- records ------------------------------------------------------------------------------- */

static int grow(void **array, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return VG_OK;
    size_t n = *cap ? *cap * 2 : 64, bytes;
    /* positions are 32-bit; a 2 GiB input cannot hold that many records anyway */
    if (n > UINT32_MAX - 1 || __builtin_mul_overflow(n, size, &bytes))
        return VG_ENOMEM;
    void *p = realloc(*array, bytes);
    if (!p)
        return VG_ENOMEM;
    *array = p;
    *cap = n;
    return VG_OK;
}

/* The record with this id, created if new (a repeat is counted as merged).  NULL when out of
 * memory (ld->rc set). */
static void *record_for(struct load *ld, bool interface, struct vg_str id)
{
    struct vg_inventory *inv = ld->inv;
    struct index *ix = interface ? &inv->by_interface : &inv->by_instance;
    same_fn same = interface ? same_interface : same_instance;
    uint64_t h = hash_str(id);
    uint32_t pos = index_find(ix, h, same, inv, &id);
    if (pos != UINT32_MAX) {
        inv->stats.merged++;
        return interface ? (void *)&inv->interfaces[pos] : (void *)&inv->instances[pos];
    }
    size_t count = interface ? inv->stats.interfaces : inv->stats.instances;
    int rc = interface ? grow((void **)&inv->interfaces, &inv->interface_cap, count,
                              sizeof(*inv->interfaces))
                       : grow((void **)&inv->instances, &inv->instance_cap, count,
                              sizeof(*inv->instances));
    if (rc == VG_OK)
        rc = index_reserve(ix);
    char *copy = rc == VG_OK ? keep(ld, id) : NULL;
    if (!copy) {
        ld->rc = VG_ENOMEM;
        return NULL;
    }
    size_t slot = index_probe(ix, h, same, inv, &id);
    ix->hashes[slot] = h;
    ix->values[slot] = (uint32_t)count + 1;
    ix->count++;
    if (interface) {
        inv->stats.interfaces++;
        struct vg_inventory_interface *r = &inv->interfaces[count];
        memset(r, 0, sizeof(*r));
        r->id = copy;
        return r;
    }
    inv->stats.instances++;
    struct vg_inventory_instance *r = &inv->instances[count];
    memset(r, 0, sizeof(*r));
    r->id = copy;
    return r;
}

/* The record's id member, or one report of why the record is skipped.  `kind` names it. */
static bool record_id(struct load *ld, const struct vg_json_value *obj, const char *kind,
                      const char *key, struct vg_str *out)
{
    struct subject about = { kind, VG_STR_NULL };
    const struct vg_json_value *v = obj->type == VG_JSON_OBJECT ? vg_json_get(obj, key) : NULL;
    char buf[48];
    const char *why = obj->type != VG_JSON_OBJECT ? NULL
                      : !v                        ? "is missing"
                                                  : string_problem(v, MAX_ID_BYTES, buf, out);
    if (!why && v && out->len)
        return true;
    ld->inv->stats.skipped++;
    if (obj->type != VG_JSON_OBJECT)
        report(ld, obj, &about, "entry is not an object; skipped");
    else
        report(ld, obj, &about, "'%s' %s; skipped", key, why ? why : "is empty");
    return false;
}

/* PrivateIpAddresses [{PrivateIpAddress, PrivateDnsName, Primary}] and PrivateIpAddress, the
 * primary one first whichever way the file says it. */
static void take_private_ips(struct load *ld, const struct vg_json_value *obj,
                             const struct subject *about, struct vg_inventory_interface *r)
{
    if (r->private_ip_count)
        return;
    uint32_t n;
    struct vg_ip primary = { 0 };
    bool has_primary = address_member(ld, obj, about, "PrivateIpAddress", 4, &primary);
    const struct vg_json_value *list =
        list_member(ld, obj, about, "PrivateIpAddresses", MAX_ADDRESSES, &n);
    struct vg_inventory_address *a = keep_array(ld, (size_t)n + has_primary, sizeof(*a));
    if (!a)
        return;
    uint32_t kept = 0, seen = 0;
    for (const struct vg_json_value *e = vg_json_first(list); e && seen < n && ld->rc == VG_OK;
         e = vg_json_next(list, e), seen++) {
        struct vg_inventory_address x = { { 0 }, NULL };
        if (e->type != VG_JSON_OBJECT) {
            ignored(ld, list, about, "PrivateIpAddresses", "has an entry that is not an object");
            continue;
        }
        if (!address_member(ld, e, about, "PrivateIpAddress", 4, &x.ip))
            continue;
        take_string(ld, e, about, "PrivateDnsName", &x.dns_name);
        bool first = false;
        vg_json_bool(vg_json_get(e, "Primary"), &first);
        first = first || (has_primary && vg_ip_equal(&x.ip, &primary));
        a[kept++] = x;
        if (first && kept > 1) { /* move it to the front */
            memmove(a + 1, a, (kept - 1) * sizeof(*a));
            a[0] = x;
        }
    }
    if (has_primary && (kept == 0 || !vg_ip_equal(&a[0].ip, &primary))) {
        memmove(a + 1, a, kept * sizeof(*a));
        a[0] = (struct vg_inventory_address){ primary, NULL };
        take_string(ld, obj, about, "PrivateDnsName", &a[0].dns_name);
        kept++;
    }
    r->private_ips = a;
    r->private_ip_count = kept < MAX_ADDRESSES ? kept : MAX_ADDRESSES; /* the primary stays */
}

/* Ipv6Addresses: [{Ipv6Address}] as the CLI prints it; bare strings are taken too. */
static void take_ipv6(struct load *ld, const struct vg_json_value *obj, const struct subject *about,
                      struct vg_inventory_interface *r)
{
    uint32_t n;
    const struct vg_json_value *list =
        r->ipv6_count ? NULL : list_member(ld, obj, about, "Ipv6Addresses", MAX_ADDRESSES, &n);
    struct vg_ip *ips = list ? keep_array(ld, n, sizeof(*ips)) : NULL;
    if (!ips)
        return;
    uint32_t kept = 0, seen = 0;
    for (const struct vg_json_value *e = vg_json_first(list); e && seen < n;
         e = vg_json_next(list, e), seen++) {
        struct vg_str text = vg_json_str(e);
        if (e->type == VG_JSON_OBJECT) {
            if (address_member(ld, e, about, "Ipv6Address", 6, &ips[kept]))
                kept++;
        } else if (text.len <= 64 && vg_ip_parse(text, &ips[kept]) && ips[kept].family == 6) {
            kept++;
        } else {
            ignored(ld, list, about, "Ipv6Addresses", "has an entry that is not an IPv6 address");
        }
    }
    r->ipv6 = ips;
    r->ipv6_count = kept;
}

/* One network interface, from an instance's NetworkInterfaces (owner is the instance's id) or
 * from describe-network-interfaces (owner NULL: Attachment.InstanceId says). */
static void load_interface(struct load *ld, const struct vg_json_value *obj, const char *owner)
{
    struct vg_str id;
    if (!record_id(ld, obj, "network interface", "NetworkInterfaceId", &id))
        return;
    struct vg_inventory_interface *r = record_for(ld, true, id);
    if (!r)
        return;
    struct subject about = { "network interface", id };
    if (!r->instance_id && owner)
        r->instance_id = owner;
    const struct vg_json_value *attachment =
        typed_member(ld, obj, &about, "Attachment", VG_JSON_OBJECT);
    if (!r->instance_id && attachment) {
        struct vg_str s;
        if (string_member(ld, attachment, &about, "InstanceId", MAX_ID_BYTES, &s))
            r->instance_id = keep(ld, s);
    }
    take_string(ld, obj, &about, "SubnetId", &r->subnet_id);
    take_string(ld, obj, &about, "VpcId", &r->vpc_id);
    take_string(ld, obj, &about, "PrivateDnsName", &r->private_dns_name);
    const struct vg_json_value *assoc =
        typed_member(ld, obj, &about, "Association", VG_JSON_OBJECT);
    if (assoc) {
        take_string(ld, assoc, &about, "PublicDnsName", &r->public_dns_name);
        if (!r->public_ip.family)
            address_member(ld, assoc, &about, "PublicIp", 4, &r->public_ip);
    }
    take_private_ips(ld, obj, &about, r);
    take_ipv6(ld, obj, &about, r);
    take_pairs(ld, obj, &about, "Groups", "GroupId", "GroupName", MAX_GROUPS, &r->groups,
               &r->group_count);
}

static void load_instance(struct load *ld, const struct vg_json_value *obj)
{
    struct vg_str id;
    if (!record_id(ld, obj, "instance", "InstanceId", &id))
        return;
    struct vg_inventory_instance *r = record_for(ld, false, id);
    if (!r)
        return;
    const char *owner = r->id; /* r may move when interfaces are added; the string does not */
    struct subject about = { "instance", id };
    take_string(ld, obj, &about, "InstanceType", &r->type);
    take_string(ld, obj, &about, "ImageId", &r->image_id);
    take_string(ld, obj, &about, "Platform", &r->platform);
    take_string(ld, obj, &about, "OutpostArn", &r->outpost_arn);
    struct vg_str s;
    int64_t ms;
    if (!r->launch_time && string_member(ld, obj, &about, "LaunchTime", 64, &s)) {
        char iso[40];
        if (vg_time_parse_iso(s, &ms)) {
            vg_time_format_iso(ms, iso, sizeof(iso));
            r->launch_time = keep(ld, vg_str_from(iso));
        } else {
            ignored(ld, obj, &about, "LaunchTime", "is not an ISO 8601 time");
        }
    }
    const struct vg_json_value *v = typed_member(ld, obj, &about, "Placement", VG_JSON_OBJECT);
    if (v)
        take_string(ld, v, &about, "AvailabilityZone", &r->availability_zone);
    if ((v = typed_member(ld, obj, &about, "State", VG_JSON_OBJECT)))
        take_string(ld, v, &about, "Name", &r->state);
    if ((v = typed_member(ld, obj, &about, "IamInstanceProfile", VG_JSON_OBJECT))) {
        take_string(ld, v, &about, "Arn", &r->profile_arn);
        take_string(ld, v, &about, "Id", &r->profile_id);
    }
    take_pairs(ld, obj, &about, "Tags", "Key", "Value", MAX_TAGS, &r->tags, &r->tag_count);
    take_pairs(ld, obj, &about, "ProductCodes", "ProductCodeId", "ProductCodeType",
               MAX_PRODUCT_CODES, &r->product_codes, &r->product_code_count);
    const struct vg_json_value *nics =
        typed_member(ld, obj, &about, "NetworkInterfaces", VG_JSON_ARRAY);
    for (const struct vg_json_value *e = vg_json_first(nics); e && ld->rc == VG_OK;
         e = vg_json_next(nics, e))
        load_interface(ld, e, owner);
}

static void load_reservation(struct load *ld, const struct vg_json_value *obj)
{
    struct subject about = { "reservation", VG_STR_NULL };
    if (obj->type != VG_JSON_OBJECT) {
        ld->inv->stats.skipped++;
        report(ld, obj, &about, "entry is not an object; skipped");
        return;
    }
    const struct vg_json_value *list = typed_member(ld, obj, &about, "Instances", VG_JSON_ARRAY);
    for (const struct vg_json_value *e = vg_json_first(list); e && ld->rc == VG_OK;
         e = vg_json_next(list, e))
        load_instance(ld, e);
}

/* An element of a bare array: a reservation, an instance or an interface, told apart by its id
 * member; `nested` allows one level of arrays (`--query 'Reservations[].Instances'`). */
static void load_entry(struct load *ld, const struct vg_json_value *e, bool nested)
{
    if (e->type == VG_JSON_ARRAY && nested) {
        for (const struct vg_json_value *x = vg_json_first(e); x && ld->rc == VG_OK;
             x = vg_json_next(e, x))
            load_entry(ld, x, false);
    } else if (e->type == VG_JSON_OBJECT && vg_json_get(e, "Instances")) {
        load_reservation(ld, e);
    } else if (e->type == VG_JSON_OBJECT && vg_json_get(e, "InstanceId")) {
        load_instance(ld, e);
    } else if (e->type == VG_JSON_OBJECT && vg_json_get(e, "NetworkInterfaceId")) {
        load_interface(ld, e, NULL);
    } else {
        struct subject about = { "entry", VG_STR_NULL };
        ld->inv->stats.skipped++;
        report(ld, e, &about,
               "is neither a reservation, an instance nor a network interface; skipped");
    }
}

static void load_document(struct load *ld, const struct vg_json_value *root)
{
    struct subject about = { "document", VG_STR_NULL };
    if (root->type == VG_JSON_ARRAY) {
        for (const struct vg_json_value *e = vg_json_first(root); e && ld->rc == VG_OK;
             e = vg_json_next(root, e))
            load_entry(ld, e, true);
        return;
    }
    const struct vg_json_value *reservations =
        root->type == VG_JSON_OBJECT ? vg_json_get(root, "Reservations") : NULL;
    const struct vg_json_value *nics =
        root->type == VG_JSON_OBJECT ? vg_json_get(root, "NetworkInterfaces") : NULL;
    if (!reservations && !nics) {
        ld->inv->stats.skipped++;
        report(ld, root, &about,
               "has neither 'Reservations' nor 'NetworkInterfaces' (not the output of aws ec2 "
               "describe-instances or describe-network-interfaces); skipped");
        return;
    }
    reservations = typed_member(ld, root, &about, "Reservations", VG_JSON_ARRAY);
    for (const struct vg_json_value *e = vg_json_first(reservations); e && ld->rc == VG_OK;
         e = vg_json_next(reservations, e))
        load_reservation(ld, e);
    nics = typed_member(ld, root, &about, "NetworkInterfaces", VG_JSON_ARRAY);
    for (const struct vg_json_value *e = vg_json_first(nics); e && ld->rc == VG_OK;
         e = vg_json_next(nics, e))
        load_interface(ld, e, NULL);
}

int vg_inventory_load_buffer(struct vg_inventory *inv, const char *source, const char *buf,
                             size_t len, struct vg_diag *diag)
{
    if (inv->frozen)
        VG_BUG("inventory loaded after vg_inventory_freeze()");
    struct vg_arena scratch;
    struct vg_json_parser parser;
    struct load ld = { inv, diag, source, buf, len, { 0 }, VG_OK };
    size_t pos = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

    inv->stats.files++;
    /* Decoded strings are never longer than their escaped form: the input bounds the scratch. */
    vg_arena_init(&scratch, 64 << 10, len + (64 << 10));
    vg_json_parser_init(&parser, &scratch, len + 1);
    vg_csv_lines_init(&ld.lines, buf, len);
    while (ld.rc == VG_OK && (pos = vg_json_skip_ws(buf, len, pos)) < len) {
        const struct vg_json_value *root;
        struct vg_json_error err;
        enum vg_json_errcode jrc = vg_json_parse(&parser, buf, len, &pos, &root, &err);
        if (jrc == VG_JSON_ENOMEM) {
            ld.rc = VG_ENOMEM;
            break;
        }
        if (jrc != VG_JSON_OK) {
            struct vg_diag_loc loc = { source, vg_csv_line_at(&ld.lines, err.offset), err.offset };
            inv->stats.skipped++;
            vg_diag_report(diag, jrc == VG_JSON_EDEPTH ? VG_DIAG_TOO_DEEP : VG_DIAG_JSON, &loc,
                           "inventory is not valid JSON: %s; rest of file skipped", err.what);
            break;
        }
        load_document(&ld, root);
        vg_arena_reset(&scratch);
    }
    vg_json_parser_release(&parser);
    vg_arena_release(&scratch);
    return ld.rc;
}

struct walk {
    struct vg_inventory *inv;
    struct vg_input input;
    struct vg_diag *diag;
    bool unreadable;
};

static int load_file(void *ctx, const char *path)
{
    struct walk *w = ctx;
    const char *data;
    size_t len;
    int rc = vg_input_read(&w->input, path, w->diag, &data, &len);
    if (rc == VG_EIO) {
        w->unreadable = true;
        return VG_OK; /* reported; the other files still load */
    }
    return rc ? rc : vg_inventory_load_buffer(w->inv, path, data, len, w->diag);
}

int vg_inventory_load(struct vg_inventory *inv, const char *path, struct vg_diag *diag)
{
    struct walk w = { .inv = inv, .diag = diag };
    int rc = vg_input_init(&w.input);
    uint64_t io_before = diag ? diag->counts[VG_DIAG_IO] : 0;
    if (rc == VG_OK)
        rc = vg_input_walk(path, diag, load_file, &w);
    vg_input_release(&w.input);
    if (rc == VG_OK && (w.unreadable || (diag && diag->counts[VG_DIAG_IO] > io_before)))
        rc = VG_EIO;
    return rc;
}

/* ---- freezing and lookups ------------------------------------------------------------------ */

static int index_address(struct vg_inventory *inv, size_t *cap, const struct vg_ip *ip,
                         uint32_t interface)
{
    uint64_t h = hash_ip(ip);
    uint32_t pos = index_find(&inv->by_address, h, same_address, inv, ip);
    if (pos != UINT32_MAX) {
        struct address *a = &inv->addresses[pos];
        if (a->interface != interface && a->interface != AMBIGUOUS) {
            a->interface = AMBIGUOUS;
            inv->stats.ambiguous++;
        }
        return VG_OK;
    }
    size_t count = inv->stats.addresses;
    int rc = grow((void **)&inv->addresses, cap, count, sizeof(*inv->addresses));
    if (rc == VG_OK)
        rc = index_reserve(&inv->by_address);
    if (rc != VG_OK)
        return VG_ENOMEM;
    inv->addresses[count] = (struct address){ *ip, interface };
    size_t slot = index_probe(&inv->by_address, h, same_address, inv, ip);
    inv->by_address.hashes[slot] = h;
    inv->by_address.values[slot] = (uint32_t)count + 1;
    inv->by_address.count++;
    inv->stats.addresses++;
    return VG_OK;
}

/* Each instance's interfaces, in the order the files listed them, as one array of pointers cut
 * into per-instance runs. */
static int link_interfaces(struct vg_inventory *inv)
{
    size_t ni = inv->stats.instances, nn = inv->stats.interfaces, total = 0;
    uint32_t *owner = calloc(nn ? nn : 1, sizeof(*owner));
    if (!owner)
        return VG_ENOMEM;
    for (size_t i = 0; i < nn; i++) {
        const struct vg_inventory_interface *r = &inv->interfaces[i];
        struct vg_str id = vg_str_from(r->instance_id);
        uint32_t pos = r->instance_id
                           ? index_find(&inv->by_instance, hash_str(id), same_instance, inv, &id)
                           : UINT32_MAX;
        owner[i] = pos;
        if (pos == UINT32_MAX)
            continue;
        if (inv->instances[pos].interface_count == MAX_INSTANCE_INTERFACES) {
            owner[i] = UINT32_MAX;
            inv->stats.ignored++;
            continue;
        }
        inv->instances[pos].interface_count++;
        total++;
    }
    inv->links = calloc(total ? total : 1, sizeof(*inv->links));
    if (!inv->links) {
        free(owner);
        return VG_ENOMEM;
    }
    size_t start = 0;
    for (size_t i = 0; i < ni; i++) {
        inv->instances[i].interfaces = inv->links + start;
        start += inv->instances[i].interface_count;
        inv->instances[i].interface_count = 0;
    }
    for (size_t i = 0; i < nn; i++) {
        if (owner[i] == UINT32_MAX)
            continue;
        struct vg_inventory_instance *in = &inv->instances[owner[i]];
        inv->links[in->interfaces - inv->links + in->interface_count++] = &inv->interfaces[i];
    }
    free(owner);
    return VG_OK;
}

int vg_inventory_freeze(struct vg_inventory *inv)
{
    if (inv->frozen)
        return VG_OK;
    inv->frozen = true;
    int rc = link_interfaces(inv);
    size_t cap = 0;
    for (size_t i = 0; i < inv->stats.interfaces && rc == VG_OK; i++) {
        const struct vg_inventory_interface *r = &inv->interfaces[i];
        for (uint32_t k = 0; k < r->private_ip_count && rc == VG_OK; k++)
            rc = index_address(inv, &cap, &r->private_ips[k].ip, (uint32_t)i);
        for (uint32_t k = 0; k < r->ipv6_count && rc == VG_OK; k++)
            rc = index_address(inv, &cap, &r->ipv6[k], (uint32_t)i);
    }
    return rc;
}

const struct vg_inventory_instance *vg_inventory_find_instance(const struct vg_inventory *inv,
                                                               struct vg_str id)
{
    uint32_t pos = index_find(&inv->by_instance, hash_str(id), same_instance, inv, &id);
    return pos == UINT32_MAX ? NULL : &inv->instances[pos];
}

const struct vg_inventory_interface *vg_inventory_find_interface(const struct vg_inventory *inv,
                                                                 struct vg_str id)
{
    uint32_t pos = index_find(&inv->by_interface, hash_str(id), same_interface, inv, &id);
    return pos == UINT32_MAX ? NULL : &inv->interfaces[pos];
}

const struct vg_inventory_interface *vg_inventory_find_address(const struct vg_inventory *inv,
                                                               const struct vg_ip *ip)
{
    if (!ip->family)
        return NULL;
    uint32_t pos = index_find(&inv->by_address, hash_ip(ip), same_address, inv, ip);
    if (pos == UINT32_MAX || inv->addresses[pos].interface == AMBIGUOUS)
        return NULL;
    return &inv->interfaces[inv->addresses[pos].interface];
}

void vg_inventory_annotate(const struct vg_inventory *inv, struct vg_event *ev)
{
    struct vg_flow *f = &ev->flow;
    if (f->instance_id.len || !f->interface_id.len)
        return;
    const struct vg_inventory_interface *nic = vg_inventory_find_interface(inv, f->interface_id);
    if (nic && nic->instance_id)
        f->instance_id = vg_str_from(nic->instance_id);
}

int vg_inventory_declare(const struct vg_inventory *inv, struct vg_flow_sides *sides)
{
    int rc = VG_OK;
    for (size_t i = 0; i < inv->stats.interfaces && rc == VG_OK; i++) {
        const struct vg_inventory_interface *r = &inv->interfaces[i];
        struct vg_str id = vg_str_from(r->id);
        for (uint32_t k = r->ipv6_count; k-- > 0 && rc == VG_OK;)
            rc = vg_flow_sides_know(sides, id, &r->ipv6[k]);
        for (uint32_t k = r->private_ip_count; k-- > 0 && rc == VG_OK;)
            rc = vg_flow_sides_know(sides, id, &r->private_ips[k].ip);
    }
    return rc;
}

const struct vg_inventory_stats *vg_inventory_stats(const struct vg_inventory *inv)
{
    return &inv->stats;
}
