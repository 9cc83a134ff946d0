/* Saved filters (CreateFilter, GetFilter, UpdateFilter, DeleteFilter, ListFilters).  A filter
 * with action ARCHIVE is a suppression rule: vigild stores matching findings archived.  Beyond
 * GuardDuty, a filter may carry an owner, a reason and an expiry (expiresAt, epoch ms or ISO
 * time), and every change is in the audit log. */
#include "api/route.h"

#include "core/time.h"
#include "findings/criteria.h"

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n < 3 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
            return false;
    return true;
}

/* The filter a request describes, over `base` (an existing filter on update).  False after
 * failing the request.  Strings point into `text` and the fixed buffers. */
struct filter_in {
    char name[65], description[513], action[8], owner[129], reason[513];
    struct vg_buf criteria;
    struct vg_stored_filter f;
};

static bool read_filter(struct vg_api_req *req, struct filter_in *in, bool create)
{
    struct vg_stored_filter *f = &in->f;
    const struct vg_json_value *b = req->body;
    if (vg_json_get(b, "description") &&
        !vg_api_str(req, "description", in->description, sizeof(in->description))) {
        vg_api_bad(req, "description must be a string of at most 512 bytes");
        return false;
    }
    if (vg_json_get(b, "description"))
        f->description = in->description;
    if (vg_json_get(b, "action") || create) {
        if (!vg_json_get(b, "action"))
            snprintf(in->action, sizeof(in->action), "NOOP");
        else if (!vg_api_str(req, "action", in->action, sizeof(in->action)) ||
                 (strcmp(in->action, "NOOP") != 0 && strcmp(in->action, "ARCHIVE") != 0)) {
            vg_api_bad(req, "action must be NOOP or ARCHIVE");
            return false;
        }
        f->action = in->action;
    }
    const struct vg_json_value *rank = vg_json_get(b, "rank");
    int64_t r = f->rank ? f->rank : 1;
    if (rank && (!vg_json_i64(rank, &r) || r < 1 || r > 100)) {
        vg_api_bad(req, "rank must be 1 to 100");
        return false;
    }
    f->rank = (int)r;
    if (vg_json_get(b, "findingCriteria")) {
        struct vg_criteria *c;
        char why[256];
        vg_buf_reset(&in->criteria);
        if (!vg_api_member_text(req, "findingCriteria", &in->criteria)) {
            vg_api_store_failed(req, VG_ENOMEM);
            return false;
        }
        int rc = vg_criteria_parse(in->criteria.data, in->criteria.len, &c, why, sizeof(why));
        if (rc != VG_OK) {
            vg_api_bad(req, "findingCriteria: %s", rc == VG_EFORMAT ? why : vg_strerror(rc));
            return false;
        }
        vg_criteria_free(c);
        f->criteria = in->criteria.data;
    } else if (create) {
        vg_api_bad(req, "findingCriteria is required");
        return false;
    }
    if (vg_json_get(b, "owner") && !vg_api_str(req, "owner", in->owner, sizeof(in->owner))) {
        vg_api_bad(req, "owner must be a string of at most 128 bytes");
        return false;
    }
    if (vg_json_get(b, "owner"))
        f->owner = in->owner;
    if (vg_json_get(b, "reason") && !vg_api_str(req, "reason", in->reason, sizeof(in->reason))) {
        vg_api_bad(req, "reason must be a string of at most 512 bytes");
        return false;
    }
    if (vg_json_get(b, "reason"))
        f->reason = in->reason;
    const struct vg_json_value *exp = vg_json_get(b, "expiresAt");
    if (exp && !vg_json_i64(exp, &f->expires_ms) &&
        !vg_time_parse_iso(vg_json_str(exp), &f->expires_ms)) {
        vg_api_bad(req, "expiresAt must be epoch milliseconds or an ISO 8601 time");
        return false;
    }
    return true;
}

/* Copy a stored filter's strings into `in`, for an update. */
static int keep_existing(void *ctx, const struct vg_stored_filter *f)
{
    struct filter_in *in = ctx;
    snprintf(in->name, sizeof(in->name), "%s", f->name);
    snprintf(in->description, sizeof(in->description), "%s", f->description ? f->description : "");
    snprintf(in->action, sizeof(in->action), "%s", f->action);
    snprintf(in->owner, sizeof(in->owner), "%s", f->owner ? f->owner : "");
    snprintf(in->reason, sizeof(in->reason), "%s", f->reason ? f->reason : "");
    vg_buf_reset(&in->criteria);
    int rc = vg_buf_adds(&in->criteria, f->criteria);
    in->f = *f;
    in->f.name = in->name;
    in->f.description = in->description;
    in->f.action = in->action;
    in->f.owner = in->owner[0] ? in->owner : NULL;
    in->f.reason = in->reason[0] ? in->reason : NULL;
    in->f.criteria = in->criteria.data;
    return rc;
}

static void save(struct vg_api_req *req, struct filter_in *in, const char *action)
{
    int rc = vg_store_begin(req->store);
    if (rc == VG_OK)
        rc = vg_store_filter_put(req->store, &in->f);
    if (rc == VG_OK)
        rc = vg_store_audit(req->store, in->f.updated_ms, req->actor, action, in->name,
                            in->f.criteria);
    rc = rc == VG_OK ? vg_store_commit(req->store) : (vg_store_rollback(req->store), rc);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    vg_buf_adds(req->out, "{\"name\":");
    vg_buf_add_json_str(req->out, vg_str_from(in->name));
    vg_buf_adds(req->out, "}");
}

static int exists(void *ctx, const struct vg_stored_filter *f)
{
    (void)f;
    if (ctx)
        ++*(size_t *)ctx;
    return 0;
}

/* GuardDuty's quota, kept for the same reason: every ARCHIVE filter is evaluated against every
 * finding vigild writes, so their number bounds that cost. */
#define MAX_FILTERS 100

void vg_api_create_filter(struct vg_api_req *req)
{
    struct filter_in in = { .criteria = VG_BUF_INIT };
    if (!vg_api_str(req, "name", in.name, sizeof(in.name)) || !name_ok(in.name)) {
        vg_api_bad(req, "name must be 3 to 64 letters, digits, '.', '_' or '-'");
        return;
    }
    in.f.name = in.name;
    size_t filters = 0;
    int rc = read_filter(req, &in, true) ? vg_store_filters_each(req->store, exists, &filters)
                                         : VG_EUSAGE;
    if (rc != VG_OK && rc != VG_EUSAGE) {
        vg_api_store_failed(req, rc);
    } else if (rc == VG_OK) {
        if (vg_store_filter_get(req->store, in.name, exists, NULL) == VG_OK) {
            vg_api_bad(req, "a filter named %s exists", in.name);
        } else if (filters >= MAX_FILTERS) {
            vg_api_bad(req, "at most %d filters; delete one first", MAX_FILTERS);
        } else {
            in.f.created_ms = in.f.updated_ms = req->opts->now_ms();
            save(req, &in, "CreateFilter");
        }
    }
    vg_buf_release(&in.criteria);
}

void vg_api_update_filter(struct vg_api_req *req)
{
    struct filter_in in = { .criteria = VG_BUF_INIT };
    int rc = vg_store_filter_get(req->store, req->params[1], keep_existing, &in);
    if (rc == VG_ENOTFOUND)
        vg_api_bad(req, "no filter named %.64s", req->params[1]);
    else if (rc != VG_OK)
        vg_api_store_failed(req, rc);
    else if (read_filter(req, &in, false)) {
        in.f.updated_ms = req->opts->now_ms();
        save(req, &in, "UpdateFilter");
    }
    vg_buf_release(&in.criteria);
}

static int write_filter(void *ctx, const struct vg_stored_filter *f)
{
    struct vg_buf *o = ctx;
    int rc = vg_buf_adds(o, "{\"name\":") | vg_buf_add_json_str(o, vg_str_from(f->name));
    if (f->description) {
        rc |= vg_buf_adds(o, ",\"description\":");
        rc |= vg_buf_add_json_str(o, vg_str_from(f->description));
    }
    rc |= vg_buf_printf(o, ",\"action\":\"%s\",\"rank\":%d,\"findingCriteria\":%s", f->action,
                        f->rank, f->criteria);
    if (f->owner)
        rc |= vg_buf_adds(o, ",\"owner\":") | vg_buf_add_json_str(o, vg_str_from(f->owner));
    if (f->reason)
        rc |= vg_buf_adds(o, ",\"reason\":") | vg_buf_add_json_str(o, vg_str_from(f->reason));
    if (f->expires_ms) {
        rc |= vg_buf_adds(o, ",\"expiresAt\":");
        rc |= vg_api_add_time(o, f->expires_ms);
    }
    return rc | vg_buf_adds(o, ",\"tags\":{}}");
}

void vg_api_get_filter(struct vg_api_req *req)
{
    int rc = vg_store_filter_get(req->store, req->params[1], write_filter, req->out);
    if (rc == VG_ENOTFOUND)
        vg_api_bad(req, "no filter named %.64s", req->params[1]);
    else if (rc != VG_OK)
        vg_api_store_failed(req, rc);
}

void vg_api_delete_filter(struct vg_api_req *req)
{
    int rc = vg_store_filter_delete(req->store, req->params[1]);
    if (rc == VG_OK)
        rc = vg_store_audit(req->store, req->opts->now_ms(), req->actor, "DeleteFilter",
                            req->params[1], NULL);
    if (rc == VG_ENOTFOUND)
        vg_api_bad(req, "no filter named %.64s", req->params[1]);
    else if (rc != VG_OK)
        vg_api_store_failed(req, rc);
    else
        vg_buf_adds(req->out, "{}");
}

struct names {
    struct vg_buf *out;
    size_t n;
};

static int add_name(void *ctx, const struct vg_stored_filter *f)
{
    struct names *n = ctx;
    return vg_buf_adds(n->out, n->n++ ? "," : "") |
           vg_buf_add_json_str(n->out, vg_str_from(f->name));
}

void vg_api_list_filters(struct vg_api_req *req)
{
    struct names n = { req->out, 0 };
    vg_buf_adds(req->out, "{\"filterNames\":[");
    int rc = vg_store_filters_each(req->store, add_name, &n);
    if (rc != VG_OK)
        vg_api_store_failed(req, rc);
    else
        vg_buf_adds(req->out, "]}");
}
