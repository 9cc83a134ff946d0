/*
 * CloudTrail records -> struct vg_event.
 *
 * Framing is decided by content, not file name: an object whose first key is "Records" is an S3
 * delivery object, and its elements are parsed one at a time (a bad element is reported, skipped
 * by bracket matching, and the rest of the file still parses).  Anything else is a sequence of
 * JSON values (JSON lines or pretty-printed events); a value that is an array holds events.
 *
 * Every record is validated before it becomes an event: eventTime must be a timestamp with a
 * zone, eventSource and eventName strings.  Records of other AWS formats that share the
 * Records[] shape (S3 event notifications, eventSource "aws:s3") are counted as foreign.
 */
#include "parse/cloudtrail.h"

#include "core/time.h"
#include "parse/json_records.h"

/* At buf[i] == '{': is the first key "Records" followed by ':' '['?  Sets *body to the '['. */
static bool delivery_framing(const char *buf, size_t len, size_t i, size_t *body)
{
    i = vg_json_skip_ws(buf, len, i + 1);
    if (len - i < 9 || memcmp(buf + i, "\"Records\"", 9) != 0)
        return false;
    i = vg_json_skip_ws(buf, len, i + 9);
    if (i >= len || buf[i] != ':')
        return false;
    i = vg_json_skip_ws(buf, len, i + 1);
    if (i >= len || buf[i] != '[')
        return false;
    *body = i;
    return true;
}

static bool sniff(const char *buf, size_t len)
{
    size_t i = vg_json_skip_bom_ws(buf, len, 0);
    size_t body;
    if (i >= len || (buf[i] != '{' && buf[i] != '['))
        return false;
    if (buf[i] == '{' && delivery_framing(buf, len, i, &body))
        return true;
    /* JSON lines or single events: look for CloudTrail's signature keys near the start. */
    size_t n = len < 4096 ? len : 4096;
    return memmem(buf, n, "\"eventSource\"", 13) || memmem(buf, n, "\"eventVersion\"", 14) ||
           memmem(buf, n, "\"digestStartTime\"", 17) || memmem(buf, n, "\"eventTime\"", 11);
}

/* Per-object reading state. */
struct line_counter {
    struct vg_line_counter at;
    uint64_t foreign_at_start; /* to report foreign records once per object, not per record */
};

static void report_json_error(struct vg_parse_ctx *ctx, const struct vg_diag_loc *loc,
                              const struct vg_json_error *err, size_t record_start)
{
    vg_diag_report(ctx->diag, vg_json_diag_code(err), loc,
                   "record is not valid JSON: %s (at byte %zu of the record)", err->what,
                   err->offset - record_start);
}

static enum vg_identity_type identity_type(struct vg_str t)
{
    static const struct {
        const char *name;
        enum vg_identity_type type;
    } map[] = {
        { "Root", VG_ID_ROOT },
        { "IAMUser", VG_ID_IAM_USER },
        { "AssumedRole", VG_ID_ASSUMED_ROLE },
        { "FederatedUser", VG_ID_FEDERATED_USER },
        { "AWSAccount", VG_ID_AWS_ACCOUNT },
        { "AWSService", VG_ID_AWS_SERVICE },
        { "IdentityCenterUser", VG_ID_IDENTITY_CENTER_USER },
        { "SAMLUser", VG_ID_SAML_USER },
        { "WebIdentityUser", VG_ID_WEB_IDENTITY_USER },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(map); i++)
        if (vg_str_eq_lit(t, map[i].name))
            return map[i].type;
    return VG_ID_UNKNOWN;
}

/* A string field: strings pass, null/absent give empty, anything else is reported and empty. */
static struct vg_str str_field(struct vg_parse_ctx *ctx, const struct vg_diag_loc *loc,
                               const struct vg_json_value *v, const char *name)
{
    if (!v || v->type == VG_JSON_NULL)
        return VG_STR_NULL;
    if (v->type == VG_JSON_STRING)
        return (struct vg_str){ v->ptr, v->len };
    if (v->type == VG_JSON_NUMBER) /* account ids are sometimes written unquoted */
        return (struct vg_str){ v->ptr, v->len };
    vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "field '%s' is not a string; ignored", name);
    return VG_STR_NULL;
}

static void map_identity(struct vg_parse_ctx *ctx, const struct vg_diag_loc *loc,
                         const struct vg_json_value *uid, struct vg_identity *id)
{
    if (!uid || uid->type != VG_JSON_OBJECT) {
        if (uid && uid->type != VG_JSON_NULL)
            vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc,
                           "field 'userIdentity' is not an object; ignored");
        return;
    }
    for (const struct vg_json_value *v = vg_json_first(uid); v; v = vg_json_next(uid, v)) {
        struct vg_str k = { v[-1].ptr, v[-1].len };
        if (vg_str_eq_lit(k, "type"))
            id->type_name = str_field(ctx, loc, v, "userIdentity.type");
        else if (vg_str_eq_lit(k, "principalId"))
            id->principal_id = str_field(ctx, loc, v, "userIdentity.principalId");
        else if (vg_str_eq_lit(k, "arn"))
            id->arn = str_field(ctx, loc, v, "userIdentity.arn");
        else if (vg_str_eq_lit(k, "accountId"))
            id->account_id = str_field(ctx, loc, v, "userIdentity.accountId");
        else if (vg_str_eq_lit(k, "accessKeyId"))
            id->access_key_id = str_field(ctx, loc, v, "userIdentity.accessKeyId");
        else if (vg_str_eq_lit(k, "userName"))
            id->user_name = str_field(ctx, loc, v, "userIdentity.userName");
        else if (vg_str_eq_lit(k, "invokedBy"))
            id->invoked_by = str_field(ctx, loc, v, "userIdentity.invokedBy");
        else if (vg_str_eq_lit(k, "sessionContext") && v->type == VG_JSON_OBJECT) {
            const struct vg_json_value *issuer = vg_json_get(v, "sessionIssuer");
            id->issuer_type = vg_json_str(vg_json_get(issuer, "type"));
            id->issuer_arn = vg_json_str(vg_json_get(issuer, "arn"));
            id->issuer_user_name = vg_json_str(vg_json_get(issuer, "userName"));
            const struct vg_json_value *attrs = vg_json_get(v, "attributes");
            bool b;
            if (vg_json_bool(vg_json_get(attrs, "mfaAuthenticated"), &b))
                id->mfa_authenticated = b ? VG_TRUE : VG_FALSE;
            int64_t ms;
            if (vg_time_parse_iso(vg_json_str(vg_json_get(attrs, "creationDate")), &ms))
                id->session_created_ms = ms;
            id->ec2_role_delivery = vg_json_str(vg_json_get(v, "ec2RoleDelivery"));
            if (vg_json_bool(vg_json_get(v, "assumedRoot"), &b))
                id->assumed_root = b;
        }
    }
    id->type = identity_type(id->type_name);
}

bool vg_cloudtrail_map(struct vg_parse_ctx *ctx, const struct vg_json_value *rec,
                       const struct vg_diag_loc *loc, struct vg_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->source = VG_SOURCE_CLOUDTRAIL;
    ev->raw = rec;
    ev->ref.source = ctx->source;
    ev->ref.offset = loc->offset;
    ev->ref.line = loc->line;
    struct vg_cloudtrail *ct = &ev->ct;
    const struct vg_json_value *event_time = NULL, *uid = NULL;
    bool have_source = false, have_name = false;
    int management = -1;

    if (rec->type != VG_JSON_OBJECT) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "record is not a JSON object");
        return false;
    }
    for (const struct vg_json_value *v = vg_json_first(rec); v; v = vg_json_next(rec, v)) {
        struct vg_str k = { v[-1].ptr, v[-1].len };
        switch (k.len ? k.ptr[0] : 0) {
        case 'a':
            if (vg_str_eq_lit(k, "awsRegion"))
                ev->region = str_field(ctx, loc, v, "awsRegion");
            else if (vg_str_eq_lit(k, "additionalEventData"))
                ct->additional_event_data = v->type == VG_JSON_NULL ? NULL : v;
            break;
        case 'e':
            if (vg_str_eq_lit(k, "eventTime")) {
                event_time = v;
            } else if (vg_str_eq_lit(k, "eventSource")) {
                have_source = v->type == VG_JSON_STRING;
                ct->event_source = str_field(ctx, loc, v, "eventSource");
            } else if (vg_str_eq_lit(k, "eventName")) {
                have_name = v->type == VG_JSON_STRING;
                ct->event_name = str_field(ctx, loc, v, "eventName");
            } else if (vg_str_eq_lit(k, "eventID")) {
                ct->event_id = str_field(ctx, loc, v, "eventID");
            } else if (vg_str_eq_lit(k, "eventType")) {
                ct->event_type = str_field(ctx, loc, v, "eventType");
            } else if (vg_str_eq_lit(k, "eventCategory")) {
                ct->event_category = str_field(ctx, loc, v, "eventCategory");
            } else if (vg_str_eq_lit(k, "eventVersion")) {
                ct->event_version = str_field(ctx, loc, v, "eventVersion");
            } else if (vg_str_eq_lit(k, "errorCode")) {
                ct->error_code = str_field(ctx, loc, v, "errorCode");
            } else if (vg_str_eq_lit(k, "errorMessage")) {
                ct->error_message = str_field(ctx, loc, v, "errorMessage");
            }
            break;
        case 'm':
            if (vg_str_eq_lit(k, "managementEvent")) {
                bool b;
                if (vg_json_bool(v, &b))
                    management = b;
            }
            break;
        case 'r':
            if (vg_str_eq_lit(k, "requestParameters"))
                ct->request_parameters = v->type == VG_JSON_NULL ? NULL : v;
            else if (vg_str_eq_lit(k, "responseElements"))
                ct->response_elements = v->type == VG_JSON_NULL ? NULL : v;
            else if (vg_str_eq_lit(k, "readOnly")) {
                bool b;
                if (vg_json_bool(v, &b))
                    ct->read_only = b ? VG_TRUE : VG_FALSE;
            } else if (vg_str_eq_lit(k, "recipientAccountId"))
                ct->recipient_account_id = str_field(ctx, loc, v, "recipientAccountId");
            else if (vg_str_eq_lit(k, "resources"))
                ct->resources = v->type == VG_JSON_ARRAY ? v : NULL;
            break;
        case 's':
            if (vg_str_eq_lit(k, "sourceIPAddress"))
                ct->source_ip_text = str_field(ctx, loc, v, "sourceIPAddress");
            break;
        case 'u':
            if (vg_str_eq_lit(k, "userAgent"))
                ct->user_agent = str_field(ctx, loc, v, "userAgent");
            else if (vg_str_eq_lit(k, "userIdentity"))
                uid = v;
            break;
        case 'v':
            if (vg_str_eq_lit(k, "vpcEndpointId"))
                ct->vpc_endpoint_id = str_field(ctx, loc, v, "vpcEndpointId");
            break;
        default: break;
        }
    }

    if (!event_time) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "record has no 'eventTime'; skipped");
        return false;
    }
    if (!vg_time_parse_iso(vg_json_str(event_time), &ev->time_ms)) {
        struct vg_str t = vg_json_text(event_time);
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc,
                       "field 'eventTime' is not a timestamp with a time zone ('%.*s'); skipped",
                       (int)(t.len > 40 ? 40 : t.len), t.ptr ? t.ptr : "");
        return false;
    }
    /* Insights events carry the source and name of the API whose rate changed in insightDetails. */
    const struct vg_json_value *insight = vg_json_get(rec, "insightDetails");
    if (insight && (!have_source || !have_name)) {
        ct->event_source = vg_json_str(vg_json_get(insight, "eventSource"));
        ct->event_name = vg_json_str(vg_json_get(insight, "eventName"));
        have_source = ct->event_source.len > 0;
        have_name = ct->event_name.len > 0;
    }
    if (!have_source || !have_name) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "record has no string '%s'; skipped",
                       have_source ? "eventName" : "eventSource");
        return false;
    }
    map_identity(ctx, loc, uid, &ct->identity);
    /* Records before eventCategory existed (eventVersion < 1.07) are management events unless
     * managementEvent says otherwise. */
    ct->management_event = vg_str_empty(ct->event_category)
                               ? management != 0
                               : vg_str_eq_lit(ct->event_category, "Management");
    if (ct->source_ip_text.len)
        vg_ip_parse(ct->source_ip_text, &ct->source_ip);
    ev->account_id =
        ct->recipient_account_id.len ? ct->recipient_account_id : ct->identity.account_id;
    return true;
}

/* One record value at buf[start..end): unwrap, classify, map, deliver. */
static void handle_record(struct vg_parse_ctx *ctx, const struct vg_json_value *rec,
                          const struct vg_diag_loc *loc, const struct line_counter *lc)
{
    if (rec->type == VG_JSON_OBJECT) {
        /* One pass over the top-level keys: this runs for every record. */
        const struct vg_json_value *detail = NULL, *source = NULL;
        bool envelope = false, digest = false;
        for (const struct vg_json_value *v = vg_json_first(rec); v; v = vg_json_next(rec, v)) {
            struct vg_str k = { v[-1].ptr, v[-1].len };
            if (k.len == 11 && vg_str_eq_lit(k, "eventSource"))
                source = v;
            else if (k.len == 6 && vg_str_eq_lit(k, "detail"))
                detail = v;
            else if (k.len == 11 && vg_str_eq_lit(k, "detail-type"))
                envelope = true;
            else if (vg_str_eq_lit(k, "digestStartTime") ||
                     vg_str_eq_lit(k, "digestSignatureAlgorithm"))
                digest = true;
        }
        if (envelope && detail && detail->type == VG_JSON_OBJECT) {
            rec = detail; /* EventBridge envelope */
            digest = vg_json_get(rec, "digestStartTime") != NULL;
            source = vg_json_get(rec, "eventSource");
        }
        if (digest) {
            ctx->stats->digests++;
            return;
        }
        struct vg_str src = vg_json_str(source);
        if (vg_str_starts_with(src, "aws:")) {
            if (ctx->stats->foreign++ == lc->foreign_at_start)
                vg_diag_report(ctx->diag, VG_DIAG_NOT_LOG, loc,
                               "record is not a CloudTrail event (eventSource '%.*s', an AWS "
                               "event notification); it and any like it in this file are skipped",
                               (int)(src.len > 40 ? 40 : src.len), src.ptr);
            return;
        }
    }
    ctx->stats->records++;
    struct vg_event ev;
    if (!vg_cloudtrail_map(ctx, rec, loc, &ev)) {
        ctx->stats->bad_records++;
        return;
    }
    ctx->stats->events++;
    ctx->on_event(ctx->event_ctx, &ev);
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset of the ',' in the first "} , {" at or after `from` (white space allowed), or 0. */
static size_t next_record_boundary(const char *buf, size_t len, size_t from)
{
    for (size_t i = from; i < len; i++) {
        if (buf[i] != ',')
            continue;
        size_t a = i, z = i + 1;
        while (a > from && is_ws(buf[a - 1]))
            a--;
        while (z < len && is_ws(buf[z]))
            z++;
        if (a > from && buf[a - 1] == '}' && z < len && buf[z] == '{')
            return i;
    }
    return 0;
}

/* After a damaged record inside Records[] whose brackets cannot be trusted, return the offset
 * of the ',' before the next record, where the array loop expects to stand; 0 when there is
 * none.  A record that starts with CloudTrail's first key, eventVersion, is the surest sign;
 * failing that, the first "},{" (which may sit inside the damaged record: then it fails to parse
 * too and we come back here, further on). */
static size_t resync_to_next_record(const char *buf, size_t len, size_t from)
{
    for (size_t at = from; at < len;) {
        const char *hit = memmem(buf + at, len - at, "\"eventVersion\"", 14);
        if (!hit)
            break;
        size_t k = (size_t)(hit - buf);
        while (k > from && is_ws(buf[k - 1]))
            k--;
        if (k > from && buf[k - 1] == '{') {
            size_t c = k - 1;
            while (c > from && is_ws(buf[c - 1]))
                c--;
            if (c > from && buf[c - 1] == ',')
                return c - 1;
        }
        at = (size_t)(hit - buf) + 14;
    }
    return next_record_boundary(buf, len, from);
}

/* Parse the value at *pos as one record; on error report, count and resynchronise.  Returns
 * false when nothing more can be read. */
static bool next_record(struct vg_parse_ctx *ctx, const char *buf, size_t len, size_t *pos,
                        struct line_counter *lc, bool in_array)
{
    size_t start = vg_json_skip_ws(buf, len, *pos);
    const struct vg_json_value *rec;
    struct vg_json_error err;
    struct vg_diag_loc loc = { ctx->source, vg_line_at(&lc->at, start), start };
    enum vg_json_errcode rc = vg_json_parse(ctx->json, buf, len, pos, &rec, &err);
    if (rc == VG_JSON_OK) {
        if (rec->type == VG_JSON_ARRAY && !in_array) {
            for (const struct vg_json_value *e = vg_json_first(rec); e; e = vg_json_next(rec, e)) {
                /* decoded strings live in the arena, not the buffer */
                bool inside = e->ptr >= buf && e->ptr < buf + len;
                size_t at = inside ? (size_t)(e->ptr - buf) : start;
                struct vg_diag_loc eloc = { ctx->source, vg_line_at(&lc->at, at), at };
                handle_record(ctx, e, &eloc, lc);
            }
        } else {
            handle_record(ctx, rec, &loc, lc);
        }
        return true;
    }
    if (rc == VG_JSON_ENOMEM)
        return false;
    ctx->stats->records++;
    ctx->stats->bad_records++;
    report_json_error(ctx, &loc, &err, start);
    /* Resynchronise: inside Records[] skip the element by bracket matching; in JSON lines skip
     * to the next line.  Either way the following good records are still read. */
    size_t next = 0;
    if (in_array || err.code == VG_JSON_ETOO_BIG)
        next = vg_json_skip_value(buf, len, start);
    if (in_array) {
        size_t after = next ? vg_json_skip_ws(buf, len, next) : len;
        if (after >= len || (buf[after] != ',' && buf[after] != ']'))
            next = resync_to_next_record(buf, len, start + 1);
    }
    if (!in_array && (next == 0 || err.code != VG_JSON_ETOO_BIG)) {
        const char *nl = memchr(buf + start, '\n', len - start);
        next = nl ? (size_t)(nl - buf) + 1 : len;
    }
    if (next == 0 || next <= start)
        return false;
    *pos = next;
    return true;
}

static int parse(struct vg_parse_ctx *ctx, const char *buf, size_t len)
{
    struct line_counter lc = { { buf, 0, 1 }, ctx->stats->foreign };
    size_t i = vg_json_skip_bom_ws(buf, len, 0);
    size_t body;
    if (i < len && buf[i] == '{' && delivery_framing(buf, len, i, &body)) {
        size_t pos = vg_json_skip_ws(buf, len, body + 1);
        if (pos < len && buf[pos] == ']')
            return VG_OK;
        while (pos < len) {
            if (!next_record(ctx, buf, len, &pos, &lc, true))
                break;
            pos = vg_json_skip_ws(buf, len, pos);
            if (pos < len && buf[pos] == ',') {
                pos++;
                continue;
            }
            if (pos < len && buf[pos] == ']')
                return VG_OK;
            struct vg_diag_loc loc = { ctx->source, vg_line_at(&lc.at, pos), pos };
            vg_diag_report(ctx->diag, VG_DIAG_JSON, &loc,
                           pos < len ? "expected ',' or ']' between records; rest of file skipped"
                                     : "file ends inside the Records array (truncated?)");
            return VG_OK;
        }
        struct vg_diag_loc loc = { ctx->source, vg_line_at(&lc.at, len), len };
        vg_diag_report(ctx->diag, VG_DIAG_JSON, &loc,
                       "file ends inside the Records array (truncated?)");
        return VG_OK;
    }
    size_t pos = i;
    while (pos < len) {
        if (!next_record(ctx, buf, len, &pos, &lc, false))
            break;
        pos = vg_json_skip_bom_ws(buf, len, pos);
        if (pos < len && buf[pos] == ',')
            pos++; /* tolerate "},\n{" between pretty-printed events */
    }
    return VG_OK;
}

const struct vg_format vg_format_cloudtrail = {
    .name = "cloudtrail",
    .sniff = sniff,
    .parse = parse,
};
