/*
 * What a route handler sees (server.c builds it) and the helpers handlers share.  Handlers
 * write a JSON body into req->out and leave req->status at 200, or call vg_api_fail.
 */
#ifndef VG_API_ROUTE_H
#define VG_API_ROUTE_H

#include "core/compat.h"
#include "api/api.h"
#include "core/arena.h"
#include "core/buf.h"
#include "parse/json.h"
#include "store/store.h"

struct vg_api_req {
    const struct vg_api_opts *opts;
    struct vg_store *store;
    const char *method;
    const char *params[2];            /* the {…} segments of the path, in order */
    const struct vg_json_value *body; /* the parsed body object; NULL for none */
    const char *(*query)(void *conn, const char *name); /* a query-string value or NULL */
    void *conn;
    const char *actor; /* the token's name, or "local" */
    int status;
    const char *content_type;
    struct vg_buf *out;
    /* the finding detector a request is scoped to, or NULL for every finding (the instance) */
    const char *detector_scope;
};

enum vg_api_scope { VG_API_PUBLIC, VG_API_READ, VG_API_ADMIN };

struct vg_api_route {
    const char *method;
    const char *path; /* segments; "{}" matches one segment and becomes a param */
    enum vg_api_scope scope;
    bool detector; /* the first param is a detector id, checked before the handler runs */
    void (*handle)(struct vg_api_req *req);
};

extern const struct vg_api_route vg_api_routes[];
extern const size_t vg_api_route_count;

/* Answer with GuardDuty's error shape: {"message": ..., "__type": type}. */
void vg_api_fail(struct vg_api_req *req, int status, const char *type, const char *fmt, ...)
    VG_PRINTF(4, 5);
/* 400 BadRequestException */
#define vg_api_bad(req, ...) vg_api_fail(req, 400, "BadRequestException", __VA_ARGS__)
/* 500 after a store error */
void vg_api_store_failed(struct vg_api_req *req, int rc);

/* A string member of the body as a NUL-terminated copy in `buf` (false when absent, not a
 * string or longer than cap - 1). */
bool vg_api_str(const struct vg_api_req *req, const char *key, char *buf, size_t cap);
/* The members' ids of a string array member (findingIds): up to max, each at most 64 bytes and
 * [A-Za-z0-9._-]; fails the request and returns false otherwise. */
bool vg_api_ids(struct vg_api_req *req, const char *key, size_t max, char (*ids)[65],
                size_t *count);
/* Append the raw JSON text of a body member (for findingCriteria kept as text). */
bool vg_api_member_text(const struct vg_api_req *req, const char *key, struct vg_buf *out);
/* The record at `offset` of a decompressed log object: the line for line formats, the balanced
 * JSON value for a document; VG_STR_NULL past the end.  Answers quote at most
 * VG_API_MAX_RECORD_BYTES of it. */
struct vg_str vg_api_record_at(const char *data, size_t len, uint64_t offset);
#define VG_API_MAX_RECORD_BYTES (64 * 1024)
/* The header line of a flow log object (its field names, in the order its records give them),
 * or VG_STR_NULL when the object has none: answers give it beside flow records, so a reader
 * can name the fields of any format. */
struct vg_str vg_api_flow_header(const char *data, size_t len);
/* Append a record's members to an answer's object: "fields" (the object's flow header, when
 * fields.ptr), "record" (at most VG_API_MAX_RECORD_BYTES of it) and "truncated" when cut. */
int vg_api_add_record(struct vg_buf *out, struct vg_str record, struct vg_str fields);
/* "2026-11-28T10:00:00.000Z" */
int vg_api_add_time(struct vg_buf *out, int64_t ms);
/* 32 random hex digits. */
bool vg_api_random_id(char out[33]);

/* the handlers, one file per resource */
void vg_api_list_detectors(struct vg_api_req *req);
void vg_api_get_detector(struct vg_api_req *req);
void vg_api_healthz(struct vg_api_req *req);
void vg_api_metrics(struct vg_api_req *req);
void vg_api_list_findings(struct vg_api_req *req);
void vg_api_get_findings(struct vg_api_req *req);
void vg_api_archive_findings(struct vg_api_req *req);
void vg_api_unarchive_findings(struct vg_api_req *req);
void vg_api_findings_feedback(struct vg_api_req *req);
void vg_api_findings_statistics(struct vg_api_req *req);
void vg_api_create_samples(struct vg_api_req *req);
void vg_api_events(struct vg_api_req *req);
void vg_api_activity(struct vg_api_req *req);
void vg_api_web_index(struct vg_api_req *req);
void vg_api_web_asset(struct vg_api_req *req);
void vg_api_create_filter(struct vg_api_req *req);
void vg_api_list_filters(struct vg_api_req *req);
void vg_api_get_filter(struct vg_api_req *req);
void vg_api_update_filter(struct vg_api_req *req);
void vg_api_delete_filter(struct vg_api_req *req);
void vg_api_create_threat_set(struct vg_api_req *req);
void vg_api_create_ip_set(struct vg_api_req *req);
void vg_api_list_threat_sets(struct vg_api_req *req);
void vg_api_list_ip_sets(struct vg_api_req *req);
void vg_api_get_threat_set(struct vg_api_req *req);
void vg_api_get_ip_set(struct vg_api_req *req);
void vg_api_update_threat_set(struct vg_api_req *req);
void vg_api_update_ip_set(struct vg_api_req *req);
void vg_api_delete_threat_set(struct vg_api_req *req);
void vg_api_delete_ip_set(struct vg_api_req *req);

#endif
