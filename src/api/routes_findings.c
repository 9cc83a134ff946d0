/* The finding operations: ListFindings, GetFindings, Archive/Unarchive, UpdateFindingsFeedback,
 * GetFindingsStatistics, CreateSampleFindings, and GET /v1/events (the records behind one). */
#include "api/route.h"

#include "core/time.h"
#include "findings/catalog.h"
#include "findings/criteria.h"
#include "findings/render.h"
#include "findings/sample.h"
#include "ingest/input.h"

#define MAX_IDS 50

/* The findings a request is about: criteria-matched rows of the detector in scope. */
struct row {
    char id[33];
    struct vg_sort_key key;
    char group[160];   /* statistics: the group's value */
    char res_type[40]; /* statistics by RESOURCE: its resourceType and account */
    char account[16];
    double severity;
    int64_t updated_ms;
};

struct selection {
    struct vg_api_req *req;
    struct vg_criteria *criteria; /* "{}" when the request gives none */
    const char *group_by; /* statistics: NULL or ACCOUNT|DATE|FINDING_TYPE|RESOURCE|SEVERITY */
    /* the keys each matched finding yields, from the parse that matched it: the sort attribute
     * (keys[0]), or RESOURCE's resource_paths */
    const char *const *paths;
    size_t npaths;
    struct row *rows;
    size_t count, cap;
    int rc;
};

static void release_selection(struct selection *sel)
{
    vg_criteria_free(sel->criteria);
    free(sel->rows);
}

/* The findingCriteria member compiled ("{}", all findings, when there is none).  False after
 * failing the request. */
static bool read_criteria(struct vg_api_req *req, struct vg_criteria **out)
{
    *out = NULL;
    struct vg_buf text = VG_BUF_INIT;
    char why[256];
    bool ok = vg_json_get(req->body, "findingCriteria")
                  ? vg_api_member_text(req, "findingCriteria", &text)
                  : vg_buf_adds(&text, "{}") == VG_OK;
    int rc = ok ? vg_criteria_parse(text.data, text.len, out, why, sizeof(why)) : VG_ENOMEM;
    vg_buf_release(&text);
    if (rc == VG_EFORMAT)
        vg_api_bad(req, "findingCriteria: %s", why);
    else if (rc != VG_OK)
        vg_api_store_failed(req, rc);
    return rc == VG_OK;
}

/* sortCriteria: the attribute path (NULL for none) and the order.  False after failing. */
static bool read_sort(struct vg_api_req *req, char *path, size_t cap, bool *desc)
{
    const struct vg_json_value *sc = vg_json_get(req->body, "sortCriteria");
    path[0] = '\0';
    *desc = false;
    if (!sc)
        return true;
    struct vg_str attr = vg_json_str(vg_json_get(sc, "attributeName"));
    struct vg_str order = vg_json_str(vg_json_get(sc, "orderBy"));
    if (attr.len >= cap || (attr.len && (memcpy(path, attr.ptr, attr.len), path[attr.len] = '\0',
                                         !vg_criteria_path_valid(path)))) {
        vg_api_bad(req, "sortCriteria.attributeName is not a finding field path");
        return false;
    }
    if (order.len && !vg_str_eq_lit(order, "ASC") && !vg_str_eq_lit(order, "DESC")) {
        vg_api_bad(req, "sortCriteria.orderBy must be ASC or DESC");
        return false;
    }
    *desc = vg_str_eq_lit(order, "DESC");
    return true;
}

/* Copy, cut to fit: group keys and ids only need to order and print. */
static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    for (; src && n + 1 < cap && src[n]; n++)
        dst[n] = src[n];
    dst[n] = '\0';
}

/* What GetFindingsStatistics' RESOURCE groups by: the instance, the access key or the bucket,
 * then the resourceType reported beside it. */
static const char *const resource_paths[] = {
    "resource.instanceDetails.instanceId",
    "resource.accessKeyDetails.accessKeyId",
    "resource.s3BucketDetails.name",
    "resource.resourceType",
};

/* The group a finding falls in, for GetFindingsStatistics' groupBy; keys are those of
 * resource_paths for RESOURCE. */
static void group_of(const char *by, const struct vg_stored_finding *f,
                     const struct vg_sort_key *keys, struct row *r)
{
    if (strcmp(by, "ACCOUNT") == 0) {
        copy_text(r->group, sizeof(r->group), f->account_id);
    } else if (strcmp(by, "FINDING_TYPE") == 0) {
        copy_text(r->group, sizeof(r->group), f->type);
    } else if (strcmp(by, "SEVERITY") == 0) {
        snprintf(r->group, sizeof(r->group), "%.1f", f->severity);
    } else if (strcmp(by, "DATE") == 0 || strcmp(by, "EVENT_DATE") == 0) {
        char iso[40];
        bool event_time = strcmp(by, "EVENT_DATE") == 0;
        vg_time_format_iso(event_time ? f->last_seen_ms : f->updated_ms, iso, sizeof(iso));
        snprintf(r->group, sizeof(r->group), "%.10s", iso);
    } else { /* RESOURCE */
        r->group[0] = '\0';
        for (size_t i = 0; i < 3 && !r->group[0]; i++)
            if (keys[i].present && !keys[i].is_number)
                copy_text(r->group, sizeof(r->group), keys[i].text);
        copy_text(r->res_type, sizeof(r->res_type), keys[3].present ? keys[3].text : "");
        copy_text(r->account, sizeof(r->account), f->account_id);
    }
}

static int select_row(void *ctx, const struct vg_stored_finding *f)
{
    struct selection *sel = ctx;
    struct vg_sort_key keys[VG_ARRAY_LEN(resource_paths)];
    if (!vg_criteria_match_keys(sel->criteria, f->json, strlen(f->json), sel->paths, sel->npaths,
                                keys))
        return 0;
    if (sel->count == sel->cap) {
        size_t cap = sel->cap ? sel->cap * 2 : 256;
        struct row *p = realloc(sel->rows, cap * sizeof(*p));
        if (!p) {
            sel->rc = VG_ENOMEM;
            return 1;
        }
        sel->rows = p;
        sel->cap = cap;
    }
    struct row *r = &sel->rows[sel->count++];
    memset(r, 0, sizeof(*r));
    copy_text(r->id, sizeof(r->id), f->id);
    r->severity = f->severity;
    r->updated_ms = f->updated_ms;
    if (sel->npaths == 1)
        r->key = keys[0];
    if (sel->group_by)
        group_of(sel->group_by, f, keys, r);
    return 0;
}

/* Fill sel from the store.  False after failing the request. */
static bool select_findings(struct vg_api_req *req, struct selection *sel)
{
    int rc = vg_store_findings_each(req->store, req->detector_scope, select_row, sel);
    if (rc == 1 || rc == VG_OK)
        rc = sel->rc;
    if (rc != VG_OK)
        vg_api_store_failed(req, rc);
    return rc == VG_OK;
}

static int cmp_rows(const void *a, const void *b, void *desc)
{
    const struct row *x = a, *y = b;
    int c = vg_sort_key_cmp(&x->key, &y->key);
    if (*(bool *)desc)
        c = -c;
    return c ? c : strcmp(x->id, y->id);
}

static void add_id_array(struct vg_buf *o, const struct row *rows, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (i > from)
            vg_buf_addc(o, ',');
        vg_buf_add_json_str(o, vg_str_from(rows[i].id));
    }
}

void vg_api_list_findings(struct vg_api_req *req)
{
    struct selection sel = { .req = req };
    char path[256];
    bool desc;
    int64_t max = 50, offset = 0;
    const struct vg_json_value *mr = vg_json_get(req->body, "maxResults");
    if (mr && (!vg_json_i64(mr, &max) || max < 1 || max > 50)) {
        vg_api_bad(req, "maxResults must be 1 to 50");
        return;
    }
    char token[24] = "";
    if (vg_json_get(req->body, "nextToken") &&
        (!vg_api_str(req, "nextToken", token, sizeof(token)) ||
         (token[0] && (offset = strtoll(token, NULL, 10)) <= 0))) {
        vg_api_bad(req, "nextToken is not one this API gave");
        return;
    }
    if (!read_sort(req, path, sizeof(path), &desc) || !read_criteria(req, &sel.criteria))
        return;
    const char *sort_path = path;
    sel.paths = &sort_path;
    sel.npaths = path[0] ? 1 : 0;
    if (!select_findings(req, &sel)) {
        release_selection(&sel);
        return;
    }
    if (sel.count) /* no rows: no array at all, which qsort may not be given */
        qsort_r(sel.rows, sel.count, sizeof(*sel.rows), cmp_rows, &desc);
    size_t from = (size_t)offset < sel.count ? (size_t)offset : sel.count;
    size_t to = from + (size_t)max < sel.count ? from + (size_t)max : sel.count;
    vg_buf_adds(req->out, "{\"findingIds\":[");
    add_id_array(req->out, sel.rows, from, to);
    vg_buf_adds(req->out, "]");
    if (to < sel.count)
        vg_buf_printf(req->out, ",\"nextToken\":\"%zu\"", to);
    vg_buf_adds(req->out, "}");
    release_selection(&sel);
}

/* GetFindings: collect the JSON of each id, then order them. */
struct got {
    struct vg_api_req *req;
    const char *sort_path;
    struct vg_buf *json;
    size_t *offsets;
    struct row *rows;
    size_t count;
};

static int got_row(void *ctx, const struct vg_stored_finding *f)
{
    struct got *g = ctx;
    if (g->req->detector_scope && strcmp(f->detector_id, g->req->detector_scope) != 0)
        return 0;
    struct row *r = &g->rows[g->count];
    memset(r, 0, sizeof(*r));
    copy_text(r->id, sizeof(r->id), f->id);
    if (g->sort_path)
        vg_sort_key_get(f->json, strlen(f->json), g->sort_path, &r->key);
    g->offsets[g->count++] = g->json->len;
    /* the row's JSON, NUL-separated in one buffer */
    return vg_buf_add(g->json, f->json, strlen(f->json) + 1);
}

void vg_api_get_findings(struct vg_api_req *req)
{
    char ids[MAX_IDS][65], path[256];
    size_t n;
    bool desc;
    if (!vg_api_ids(req, "findingIds", MAX_IDS, ids, &n) ||
        !read_sort(req, path, sizeof(path), &desc))
        return;
    struct vg_buf json = VG_BUF_INIT;
    size_t offsets[MAX_IDS];
    struct row rows[MAX_IDS];
    struct got g = { req, path[0] ? path : NULL, &json, offsets, rows, 0 };
    for (size_t i = 0; i < n; i++) {
        int rc = vg_store_finding_get(req->store, ids[i], got_row, &g);
        if (rc != VG_OK && rc != VG_ENOTFOUND) { /* unknown ids are left out, as GuardDuty does */
            vg_api_store_failed(req, rc);
            vg_buf_release(&json);
            return;
        }
    }
    /* order the rows, carrying each one's offset by its original position */
    size_t order[MAX_IDS];
    for (size_t i = 0; i < g.count; i++)
        order[i] = i;
    for (size_t i = 1; i < g.count; i++) /* at most 50: insertion sort keeps it simple */
        for (size_t k = i;
             k > 0 && path[0] && cmp_rows(&rows[order[k]], &rows[order[k - 1]], &desc) < 0; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    vg_buf_adds(req->out, "{\"findings\":[");
    for (size_t i = 0; i < g.count; i++) {
        if (i)
            vg_buf_addc(req->out, ',');
        vg_buf_adds(req->out, json.data + offsets[order[i]]);
    }
    vg_buf_adds(req->out, "]}");
    vg_buf_release(&json);
}

/* The ids of a request, joined for the audit log (cut at a sane length). */
static void audit_ids(struct vg_api_req *req, const char *action, const char *const *ids, size_t n,
                      const char *detail)
{
    char joined[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof(joined) - 70; i++)
        used +=
            (size_t)snprintf(joined + used, sizeof(joined) - used, "%s%s", i ? "," : "", ids[i]);
    vg_store_audit(req->store, req->opts->now_ms(), req->actor, action, joined, detail);
}

static int same_detector(void *ctx, const struct vg_stored_finding *f)
{
    return strcmp(f->detector_id, ctx) == 0 ? 1 : 0;
}

/* The ids a change may touch: a finding detector's request only reaches its own findings. */
static int ids_in_scope(struct vg_api_req *req, char (*ids)[65], size_t n, const char **out,
                        size_t *count)
{
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = req->detector_scope ? vg_store_finding_get(req->store, ids[i], same_detector,
                                                            (void *)req->detector_scope)
                                     : 1;
        if (rc == 1)
            out[(*count)++] = ids[i];
        else if (rc != VG_OK && rc != VG_ENOTFOUND)
            return rc;
    }
    return VG_OK;
}

static void set_archived(struct vg_api_req *req, bool archived)
{
    char ids[MAX_IDS][65];
    size_t n;
    if (!vg_api_ids(req, "findingIds", MAX_IDS, ids, &n))
        return;
    const char *ptrs[MAX_IDS];
    int rc = ids_in_scope(req, ids, n, ptrs, &n);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    rc = vg_store_findings_archive(req->store, ptrs, n, archived);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    audit_ids(req, archived ? "ArchiveFindings" : "UnarchiveFindings", ptrs, n, NULL);
    vg_buf_adds(req->out, "{}");
}

void vg_api_archive_findings(struct vg_api_req *req)
{
    set_archived(req, true);
}

void vg_api_unarchive_findings(struct vg_api_req *req)
{
    set_archived(req, false);
}

void vg_api_findings_feedback(struct vg_api_req *req)
{
    char ids[MAX_IDS][65], feedback[16], comments[2049] = "";
    size_t n;
    if (!vg_api_ids(req, "findingIds", MAX_IDS, ids, &n))
        return;
    if (!vg_api_str(req, "feedback", feedback, sizeof(feedback)) ||
        (strcmp(feedback, "USEFUL") != 0 && strcmp(feedback, "NOT_USEFUL") != 0)) {
        vg_api_bad(req, "feedback must be USEFUL or NOT_USEFUL");
        return;
    }
    if (vg_json_get(req->body, "comments") &&
        !vg_api_str(req, "comments", comments, sizeof(comments))) {
        vg_api_bad(req, "comments must be a string of at most 2048 bytes");
        return;
    }
    const char *ptrs[MAX_IDS];
    int rc = ids_in_scope(req, ids, n, ptrs, &n);
    if (rc == VG_OK)
        rc = vg_store_findings_feedback(req->store, ptrs, n, feedback,
                                        comments[0] ? comments : NULL);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    audit_ids(req, "UpdateFindingsFeedback", ptrs, n, feedback);
    vg_buf_adds(req->out, "{}");
}

static int cmp_groups(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    return strcmp(x->group, y->group);
}

/* One group of GetFindingsStatistics' groupBy. */
struct group {
    size_t first; /* index of its first row after sorting by group */
    uint64_t total;
    int64_t last_ms;
    double max_severity;
};

static int cmp_group_totals(const void *a, const void *b, void *desc)
{
    const struct group *x = a, *y = b;
    if (x->total != y->total)
        return (x->total < y->total) != *(bool *)desc ? -1 : 1;
    return x->first < y->first ? -1 : 1;
}

/* GetFindingsStatistics' groupBy values and the member and key of their answer. */
static const struct group_shape {
    const char *by, *member, *key;
} group_shapes[] = {
    { "ACCOUNT", "groupedByAccount", "accountId" },
    { "DATE", "groupedByDate", "date" },
    /* vigil's: the day of a finding's latest activity in event time, which is what a chart of
     * replayed logs should show (DATE is the day vigil last wrote it) */
    { "EVENT_DATE", "groupedByEventDate", "date" },
    { "FINDING_TYPE", "groupedByFindingType", "findingType" },
    { "RESOURCE", "groupedByResource", "resourceId" },
    { "SEVERITY", "groupedBySeverity", "severity" },
};

static const struct group_shape *group_shape(const char *by)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(group_shapes); i++)
        if (strcmp(group_shapes[i].by, by) == 0)
            return &group_shapes[i];
    return NULL;
}

static void add_groups(struct vg_api_req *req, struct selection *sel, bool desc, int64_t max)
{
    const struct group_shape *shape = group_shape(sel->group_by);
    if (sel->count)
        qsort(sel->rows, sel->count, sizeof(*sel->rows), cmp_groups);
    struct group *groups = calloc(sel->count ? sel->count : 1, sizeof(*groups));
    size_t ng = 0;
    for (size_t i = 0; groups && i < sel->count; i++) {
        if (i == 0 || strcmp(sel->rows[i].group, sel->rows[i - 1].group) != 0)
            groups[ng++] = (struct group){ .first = i };
        struct group *g = &groups[ng - 1];
        g->total++;
        if (sel->rows[i].updated_ms > g->last_ms)
            g->last_ms = sel->rows[i].updated_ms;
        if (sel->rows[i].severity > g->max_severity)
            g->max_severity = sel->rows[i].severity;
    }
    if (groups)
        qsort_r(groups, ng, sizeof(*groups), cmp_group_totals, &desc);
    struct vg_buf *o = req->out;
    vg_buf_printf(o, ",\"%s\":[", shape->member);
    for (size_t g = 0; g < ng && (int64_t)g < max; g++) {
        const struct row *r = &sel->rows[groups[g].first];
        vg_buf_adds(o, g ? ",{" : "{");
        vg_buf_printf(o, "\"%s\":", shape->key);
        if (strcmp(sel->group_by, "SEVERITY") == 0)
            vg_buf_adds(o, r->group);
        else
            vg_buf_add_json_str(o, vg_str_from(r->group));
        if (strcmp(sel->group_by, "RESOURCE") == 0) {
            vg_buf_adds(o, ",\"resourceType\":");
            vg_buf_add_json_str(o, vg_str_from(r->res_type));
            vg_buf_adds(o, ",\"accountId\":");
            vg_buf_add_json_str(o, vg_str_from(r->account));
        } else if (strcmp(sel->group_by, "DATE") == 0 || strcmp(sel->group_by, "EVENT_DATE") == 0) {
            vg_buf_printf(o, ",\"severity\":%.1f", groups[g].max_severity);
        }
        vg_buf_adds(o, ",\"lastGeneratedAt\":");
        vg_api_add_time(o, groups[g].last_ms);
        vg_buf_printf(o, ",\"totalFindings\":%" PRIu64 "}", groups[g].total);
    }
    vg_buf_adds(o, "]");
    free(groups);
}

void vg_api_findings_statistics(struct vg_api_req *req)
{
    struct selection sel = { .req = req };
    const struct vg_json_value *types = vg_json_get(req->body, "findingStatisticTypes");
    bool by_severity = false;
    for (const struct vg_json_value *t = vg_json_first(types); t; t = vg_json_next(types, t)) {
        if (!vg_str_eq_lit(vg_json_str(t), "COUNT_BY_SEVERITY")) {
            vg_api_bad(req, "findingStatisticTypes: only COUNT_BY_SEVERITY exists");
            return;
        }
        by_severity = true;
    }
    char by[16] = "", order[8] = "DESC";
    if (vg_json_get(req->body, "groupBy") &&
        (!vg_api_str(req, "groupBy", by, sizeof(by)) || !group_shape(by))) {
        vg_api_bad(req, "groupBy must be ACCOUNT, DATE, EVENT_DATE, FINDING_TYPE, RESOURCE or "
                        "SEVERITY");
        return;
    }
    if (vg_json_get(req->body, "orderBy") &&
        (!vg_api_str(req, "orderBy", order, sizeof(order)) ||
         (strcmp(order, "ASC") != 0 && strcmp(order, "DESC") != 0))) {
        vg_api_bad(req, "orderBy must be ASC or DESC");
        return;
    }
    int64_t max = 25;
    const struct vg_json_value *mr = vg_json_get(req->body, "maxResults");
    if (mr && (!vg_json_i64(mr, &max) || max < 1 || max > 100)) {
        vg_api_bad(req, "maxResults must be 1 to 100");
        return;
    }
    if (!by_severity && !by[0]) {
        vg_api_bad(req, "give findingStatisticTypes [\"COUNT_BY_SEVERITY\"] or groupBy");
        return;
    }
    if (!read_criteria(req, &sel.criteria))
        return;
    sel.group_by = by[0] ? by : NULL;
    if (strcmp(by, "RESOURCE") == 0) {
        sel.paths = resource_paths;
        sel.npaths = VG_ARRAY_LEN(resource_paths);
    }
    if (!select_findings(req, &sel)) {
        release_selection(&sel);
        return;
    }
    struct vg_buf *o = req->out;
    vg_buf_adds(o, "{\"findingStatistics\":{\"countBySeverity\":{");
    /* severities are few: count them by a linear pass over a small table */
    double sev[64];
    uint64_t counts[64];
    size_t ns = 0;
    for (size_t i = 0; i < sel.count; i++) {
        size_t k = 0;
        while (k < ns && sev[k] != sel.rows[i].severity)
            k++;
        if (k == ns && ns < VG_ARRAY_LEN(sev)) {
            sev[ns] = sel.rows[i].severity;
            counts[ns++] = 0;
        }
        if (k < ns)
            counts[k]++;
    }
    for (size_t k = 0; k < ns; k++)
        vg_buf_printf(o, "%s\"%.1f\":%" PRIu64, k ? "," : "", sev[k], counts[k]);
    vg_buf_adds(o, "}");
    if (sel.group_by)
        add_groups(req, &sel, strcmp(order, "DESC") == 0, max);
    vg_buf_adds(o, "}}");
    release_selection(&sel);
}

/* Where samples go: the account and Region of the detector in scope, as GuardDuty puts them in
 * the caller's; a placeholder account for the instance detector. */
struct sample_home {
    char account[16], region[32];
};

static int take_home(void *ctx, const struct vg_stored_finding *f)
{
    struct sample_home *h = ctx;
    copy_text(h->account, sizeof(h->account), f->account_id);
    copy_text(h->region, sizeof(h->region), f->region);
    return 1;
}

/* CreateSampleFindings: one finding per type asked (every type when none is), marked as
 * samples in the title and in additionalInfo.sample. */
void vg_api_create_samples(struct vg_api_req *req)
{
    struct sample_home home = { "000000000000", "us-east-1" };
    enum vg_finding_type wanted[VG_FT_COUNT];
    size_t n = 0;
    const struct vg_json_value *types = vg_json_get(req->body, "findingTypes");
    for (const struct vg_json_value *t = vg_json_first(types); t; t = vg_json_next(types, t)) {
        char name[128];
        struct vg_str s = vg_json_str(t);
        if (s.len >= sizeof(name) || n == VG_ARRAY_LEN(wanted)) {
            vg_api_bad(req, "findingTypes: too many or too long");
            return;
        }
        memcpy(name, s.ptr, s.len);
        name[s.len] = '\0';
        if ((wanted[n++] = vg_catalog_find(name)) == VG_FT_COUNT) {
            vg_api_bad(req, "findingTypes: vigil has no finding type '%.100s'", name);
            return;
        }
    }
    if (n == 0)
        for (int t = 0; t < VG_FT_COUNT; t++)
            wanted[n++] = (enum vg_finding_type)t;
    int rc = req->detector_scope
                 ? vg_store_findings_each(req->store, req->detector_scope, take_home, &home)
                 : VG_OK;
    if (rc != VG_OK && rc != 1) {
        vg_api_store_failed(req, rc);
        return;
    }
    int64_t now = req->opts->now_ms();
    struct vg_buf json = VG_BUF_INIT;
    rc = vg_store_begin(req->store);
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        struct vg_finding f;
        rc = vg_sample_finding(wanted[i], home.account, home.region, now, (uint64_t)now * 1000 + i,
                               &f);
        if (rc != VG_OK)
            break;
        struct vg_render_opts ro = { .now_ms = now, .sample = true };
        vg_buf_reset(&json);
        rc = vg_render_json(&json, &f, &ro);
        char detector[33];
        struct vg_stored_finding sf;
        vg_stored_finding_from(&sf, detector, &f, json.data, now, now);
        sf.sample = true;
        if (rc == VG_OK)
            rc = vg_store_finding_put(req->store, &sf, -1, NULL, NULL);
        vg_finding_release(&f);
    }
    if (rc == VG_OK)
        rc = vg_store_audit(req->store, now, req->actor, "CreateSampleFindings", "findings", NULL);
    rc = rc == VG_OK ? vg_store_commit(req->store) : (vg_store_rollback(req->store), rc);
    vg_buf_release(&json);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    vg_buf_adds(req->out, "{}");
}

/* ---- GET /v1/events?findingId=ID ---- */

struct evidence_ctx {
    struct vg_buf json;
};

static int evidence_row(void *ctx, const struct vg_stored_finding *f)
{
    struct evidence_ctx *e = ctx;
    return vg_buf_adds(&e->json, f->json);
}

void vg_api_events(struct vg_api_req *req)
{
    const char *id = req->query(req->conn, "findingId");
    if (!id || strlen(id) > 64) {
        vg_api_bad(req, "give findingId=ID");
        return;
    }
    struct evidence_ctx e = { VG_BUF_INIT };
    int rc = vg_store_finding_get(req->store, id, evidence_row, &e);
    if (rc == VG_ENOTFOUND) {
        vg_api_fail(req, 404, "BadRequestException", "no finding %s", id);
        vg_buf_release(&e.json);
        return;
    }
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        vg_buf_release(&e.json);
        return;
    }
    struct vg_arena arena;
    struct vg_json_parser parser;
    vg_arena_init(&arena, 1 << 16, 0);
    vg_json_parser_init(&parser, &arena, e.json.len + 1);
    const struct vg_json_value *root, *records = NULL;
    struct vg_json_error err;
    size_t pos = 0;
    if (vg_json_parse(&parser, e.json.data, e.json.len, &pos, &root, &err) == VG_JSON_OK)
        records = vg_json_path(root, "service.evidence.logRecords");
    struct vg_input in;
    struct vg_diag diag;
    vg_diag_init(&diag, 0, NULL, NULL);
    vg_input_init(&in);
    struct vg_buf *o = req->out;
    vg_buf_adds(o, "{\"findingId\":");
    vg_buf_add_json_str(o, vg_str_from(id));
    vg_buf_adds(o, ",\"records\":[");
    char loaded[4096] = "";
    const char *data = NULL;
    size_t len = 0;
    struct vg_str fields = VG_STR_NULL; /* the loaded file's flow header */
    bool first = true;
    for (const struct vg_json_value *r = vg_json_first(records); r; r = vg_json_next(records, r)) {
        struct vg_str source = vg_json_str(vg_json_get(r, "source"));
        int64_t offset = -1, line = 0;
        vg_json_i64(vg_json_get(r, "offset"), &offset);
        vg_json_i64(vg_json_get(r, "line"), &line);
        vg_buf_adds(o, first ? "{\"source\":" : ",{\"source\":");
        first = false;
        vg_buf_add_json_str(o, source);
        vg_buf_printf(o, ",\"offset\":%" PRId64, offset);
        if (line)
            vg_buf_printf(o, ",\"line\":%" PRId64, line);
        if (source.len >= sizeof(loaded) || memchr(source.ptr, '\0', source.len)) {
            vg_buf_adds(o, ",\"error\":\"source path too long\"}");
            continue;
        }
        /* records of one finding usually share a file: read it once */
        if (strlen(loaded) != source.len || memcmp(loaded, source.ptr, source.len) != 0) {
            memcpy(loaded, source.ptr, source.len);
            loaded[source.len] = '\0';
            if (vg_input_read(&in, loaded, &diag, &data, &len) != VG_OK)
                data = NULL;
            fields = data ? vg_api_flow_header(data, len) : VG_STR_NULL;
        }
        struct vg_str rec = data ? vg_api_record_at(data, len, (uint64_t)offset) : VG_STR_NULL;
        if (!rec.ptr) {
            vg_buf_adds(o, ",\"error\":");
            vg_buf_add_json_str(o, vg_str_from(data ? "offset past the end of the file"
                                                    : "the file cannot be read"));
        } else {
            /* a JSON record is no flow line, whatever its file's first line says */
            vg_api_add_record(o, rec, rec.ptr[0] != '{' ? fields : VG_STR_NULL);
        }
        vg_buf_adds(o, "}");
    }
    vg_buf_adds(o, "]}");
    vg_input_release(&in);
    vg_json_parser_release(&parser);
    vg_arena_release(&arena);
    vg_buf_release(&e.json);
}
