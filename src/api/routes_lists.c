/* Threat intel sets and IP sets (trusted lists): GuardDuty's list operations over files on this
 * machine.  `location` is a path or a file:// URL (vigil reads no S3); the service reloads its
 * lists after every change, without a restart. */
#include "api/route.h"

/* The two kinds differ only in names. */
struct kind {
    const char *store_kind; /* THREAT, TRUSTED */
    const char *id_member;  /* threatIntelSetId, ipSetId */
    const char *ids_member; /* threatIntelSetIds, ipSetIds */
    const char *audit;      /* ThreatIntelSet, IPSet */
};
static const struct kind threat = { "THREAT", "threatIntelSetId", "threatIntelSetIds",
                                    "ThreatIntelSet" };
static const struct kind trusted = { "TRUSTED", "ipSetId", "ipSetIds", "IPSet" };

static const char *local_path(const char *location)
{
    return strncmp(location, "file://", 7) == 0 ? location + 7 : location;
}

static bool readable(const char *location)
{
    return access(local_path(location), R_OK) == 0;
}

static void changed(struct vg_api_req *req, const struct kind *k, const char *verb, const char *id,
                    const char *detail)
{
    char action[48];
    snprintf(action, sizeof(action), "%s%s", verb, k->audit);
    vg_store_audit(req->store, req->opts->now_ms(), req->actor, action, id, detail);
    if (req->opts->lists_changed)
        req->opts->lists_changed(req->opts->lists_ctx);
}

static void create(struct vg_api_req *req, const struct kind *k)
{
    char name[301], format[16], location[1025], id[33];
    const char *loader;
    bool activate;
    if (!vg_api_str(req, "name", name, sizeof(name)) || !name[0]) {
        vg_api_bad(req, "name must be a string of 1 to 300 bytes");
        return;
    }
    if (!vg_api_str(req, "format", format, sizeof(format)) ||
        !vg_api_list_loader(format, &loader)) {
        vg_api_bad(req, "format must be TXT, STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT or FIRE_EYE");
        return;
    }
    if (!vg_api_str(req, "location", location, sizeof(location)) || !readable(location)) {
        vg_api_bad(req, "location must name a readable file on the vigild machine (a path or "
                        "file:// URL)");
        return;
    }
    if (!vg_json_bool(vg_json_get(req->body, "activate"), &activate)) {
        vg_api_bad(req, "activate must be true or false");
        return;
    }
    if (!vg_api_random_id(id)) {
        vg_api_store_failed(req, VG_EIO);
        return;
    }
    int64_t now = req->opts->now_ms();
    struct vg_stored_list l = {
        id, k->store_kind, name, format, location, activate ? "ACTIVE" : "INACTIVE", now, now
    };
    int rc = vg_store_list_put(req->store, &l);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    changed(req, k, "Create", id, location);
    vg_buf_printf(req->out, "{\"%s\":\"%s\"}", k->id_member, id);
}

void vg_api_create_threat_set(struct vg_api_req *req)
{
    create(req, &threat);
}

void vg_api_create_ip_set(struct vg_api_req *req)
{
    create(req, &trusted);
}

struct list_ctx {
    struct vg_buf *out;
    size_t n;
    const struct kind *kind;
    struct vg_stored_list copy; /* for update: the row as read, strings in `text` */
    char text[4][1025];
    bool found;
};

static int add_list_id(void *ctx, const struct vg_stored_list *l)
{
    struct list_ctx *c = ctx;
    return vg_buf_adds(c->out, c->n++ ? "," : "") | vg_buf_add_json_str(c->out, vg_str_from(l->id));
}

static void list(struct vg_api_req *req, const struct kind *k)
{
    struct list_ctx c = { .out = req->out, .kind = k };
    vg_buf_printf(req->out, "{\"%s\":[", k->ids_member);
    int rc = vg_store_lists_each(req->store, k->store_kind, add_list_id, &c);
    if (rc != VG_OK)
        vg_api_store_failed(req, rc);
    else
        vg_buf_adds(req->out, "]}");
}

void vg_api_list_threat_sets(struct vg_api_req *req)
{
    list(req, &threat);
}

void vg_api_list_ip_sets(struct vg_api_req *req)
{
    list(req, &trusted);
}

static int read_row(void *ctx, const struct vg_stored_list *l)
{
    struct list_ctx *c = ctx;
    if (strcmp(l->kind, c->kind->store_kind) != 0)
        return 0; /* an IP set id asked for as a threat intel set: not found */
    c->found = true;
    const char *src[4] = { l->id, l->name, l->format, l->location };
    for (int i = 0; i < 4; i++)
        snprintf(c->text[i], sizeof(c->text[i]), "%s", src[i]);
    c->copy = *l; /* the row's strings live until the statement moves on: copied below */
    c->copy.kind = c->kind->store_kind;
    c->copy.id = c->text[0];
    c->copy.name = c->text[1];
    c->copy.format = c->text[2];
    c->copy.location = c->text[3];
    c->copy.status = strcmp(l->status, "ACTIVE") == 0 ? "ACTIVE" : "INACTIVE";
    return 0;
}

/* Read the list named by the path, failing the request when there is none. */
static bool find(struct vg_api_req *req, struct list_ctx *c)
{
    int rc = vg_store_list_get(req->store, req->params[1], read_row, c);
    if (rc != VG_OK && rc != VG_ENOTFOUND) {
        vg_api_store_failed(req, rc);
        return false;
    }
    if (!c->found)
        vg_api_bad(req, "no %s with id %.64s", c->kind->audit, req->params[1]);
    return c->found;
}

static void get(struct vg_api_req *req, const struct kind *k)
{
    struct list_ctx c = { .out = req->out, .kind = k };
    if (!find(req, &c))
        return;
    struct vg_buf *o = req->out;
    vg_buf_adds(o, "{\"name\":");
    vg_buf_add_json_str(o, vg_str_from(c.copy.name));
    vg_buf_adds(o, ",\"format\":");
    vg_buf_add_json_str(o, vg_str_from(c.copy.format));
    vg_buf_adds(o, ",\"location\":");
    vg_buf_add_json_str(o, vg_str_from(c.copy.location));
    vg_buf_printf(o, ",\"status\":\"%s\",\"tags\":{}}", c.copy.status);
}

void vg_api_get_threat_set(struct vg_api_req *req)
{
    get(req, &threat);
}

void vg_api_get_ip_set(struct vg_api_req *req)
{
    get(req, &trusted);
}

static void update(struct vg_api_req *req, const struct kind *k)
{
    struct list_ctx c = { .out = req->out, .kind = k };
    if (!find(req, &c))
        return;
    char name[301], location[1025];
    if (vg_json_get(req->body, "name")) {
        if (!vg_api_str(req, "name", name, sizeof(name)) || !name[0]) {
            vg_api_bad(req, "name must be a string of 1 to 300 bytes");
            return;
        }
        c.copy.name = name;
    }
    if (vg_json_get(req->body, "location")) {
        if (!vg_api_str(req, "location", location, sizeof(location)) || !readable(location)) {
            vg_api_bad(req, "location must name a readable file on the vigild machine");
            return;
        }
        c.copy.location = location;
    }
    bool activate;
    if (vg_json_get(req->body, "activate")) {
        if (!vg_json_bool(vg_json_get(req->body, "activate"), &activate)) {
            vg_api_bad(req, "activate must be true or false");
            return;
        }
        c.copy.status = activate ? "ACTIVE" : "INACTIVE";
    }
    c.copy.updated_ms = req->opts->now_ms();
    int rc = vg_store_list_put(req->store, &c.copy);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    changed(req, k, "Update", c.copy.id, c.copy.status);
    vg_buf_adds(req->out, "{}");
}

void vg_api_update_threat_set(struct vg_api_req *req)
{
    update(req, &threat);
}

void vg_api_update_ip_set(struct vg_api_req *req)
{
    update(req, &trusted);
}

static void delete (struct vg_api_req *req, const struct kind *k)
{
    struct list_ctx c = { .out = req->out, .kind = k };
    if (!find(req, &c))
        return;
    int rc = vg_store_list_delete(req->store, c.copy.id);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    changed(req, k, "Delete", c.copy.id, NULL);
    vg_buf_adds(req->out, "{}");
}

void vg_api_delete_threat_set(struct vg_api_req *req)
{
    delete (req, &threat);
}

void vg_api_delete_ip_set(struct vg_api_req *req)
{
    delete (req, &trusted);
}
