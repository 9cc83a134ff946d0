/* The HTTP side of the API (api.h): listening, limits, tokens, routing, error shapes. */
#include "api/api.h"

#include <libdeflate.h>
#include <microhttpd.h>
#include <sys/socket.h>

#include "api/route.h"
#include "core/limits.h"
#include "core/time.h"

#define MAX_TOKENS 64
#define BIG_ANSWER_BYTES ((size_t)4 << 20)

struct token {
    char name[64];
    char secret[256];
    size_t secret_len;
    bool admin;
};

struct vg_api {
    struct vg_api_opts opts;
    struct MHD_Daemon *daemon;
    struct vg_store *store;
    struct token tokens[MAX_TOKENS];
    size_t token_count;
    uint16_t port;
    bool loopback; /* listening on a loopback address */
    /* one request at a time (a single polling thread): parser and buffers are reused */
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_buf out;
    /* gzip for clients that take it: finding JSON shrinks about six-fold, which is most of
     * what the workbench transfers */
    struct libdeflate_compressor *gzip;
    struct vg_buf gzipped;
    uint64_t requests[600]; /* answered, by status code */
};

/* A request from its headers on: the route and the token are settled before any body byte is
 * read, so a refused request costs no upload. */
struct upload {
    const struct vg_api_route *route;
    const char *params[2]; /* into scratch */
    char scratch[320];
    const char *actor;
    struct vg_buf body; /* capped at max_body */
    bool too_big;
};

void vg_api_fail(struct vg_api_req *req, int status, const char *type, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vg_buf_reset(req->out);
    vg_buf_adds(req->out, "{\"message\":");
    vg_buf_add_json_str(req->out, vg_str_from(msg));
    vg_buf_adds(req->out, ",\"__type\":");
    vg_buf_add_json_str(req->out, vg_str_from(type));
    vg_buf_adds(req->out, "}");
    req->status = status;
}

void vg_api_store_failed(struct vg_api_req *req, int rc)
{
    vg_api_fail(req, 500, "InternalServerErrorException", "the store failed: %s",
                rc == VG_EDB ? vg_store_error(req->store) : vg_strerror(rc));
}

bool vg_api_str(const struct vg_api_req *req, const char *key, char *buf, size_t cap)
{
    struct vg_str s = vg_json_str(vg_json_get(req->body, key));
    if (!s.ptr || s.len >= cap || memchr(s.ptr, '\0', s.len))
        return false;
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
    return true;
}

static bool id_ok(struct vg_str s)
{
    if (s.len == 0 || s.len > 64)
        return false;
    for (size_t i = 0; i < s.len; i++)
        if (!isalnum((unsigned char)s.ptr[i]) && !strchr("._-", s.ptr[i]))
            return false;
    return true;
}

bool vg_api_ids(struct vg_api_req *req, const char *key, size_t max, char (*ids)[65], size_t *count)
{
    const struct vg_json_value *arr = vg_json_get(req->body, key);
    *count = 0;
    if (!arr || arr->type != VG_JSON_ARRAY) {
        vg_api_bad(req, "%s must be an array of finding ids", key);
        return false;
    }
    if (arr->len > max) {
        vg_api_bad(req, "%s takes at most %zu ids", key, max);
        return false;
    }
    for (const struct vg_json_value *v = vg_json_first(arr); v; v = vg_json_next(arr, v)) {
        struct vg_str s = vg_json_str(v);
        if (!id_ok(s)) {
            vg_api_bad(req, "%s: each id is 1 to 64 letters, digits, '.', '_' or '-'", key);
            return false;
        }
        memcpy(ids[*count], s.ptr, s.len);
        ids[(*count)++][s.len] = '\0';
    }
    return true;
}

/* Re-serialise a parsed value (the tape keeps no raw text). */
static int add_value(struct vg_buf *out, const struct vg_json_value *v)
{
    switch (v->type) {
    case VG_JSON_STRING: return vg_buf_add_json_str(out, vg_json_str(v));
    case VG_JSON_NUMBER: return vg_buf_add(out, v->ptr, v->len);
    case VG_JSON_ARRAY:
    case VG_JSON_OBJECT: {
        bool obj = v->type == VG_JSON_OBJECT;
        int rc = vg_buf_addc(out, obj ? '{' : '[');
        bool first = true;
        for (const struct vg_json_value *c = vg_json_first(v); c; c = vg_json_next(v, c)) {
            if (!first)
                rc |= vg_buf_addc(out, ',');
            first = false;
            if (obj) {
                rc |= vg_buf_add_json_str(out, vg_json_str(c - 1));
                rc |= vg_buf_addc(out, ':');
            }
            rc |= add_value(out, c);
        }
        return rc | vg_buf_addc(out, obj ? '}' : ']');
    }
    default: {
        struct vg_str t = vg_json_text(v);
        return vg_buf_add(out, t.ptr, t.len);
    }
    }
}

bool vg_api_member_text(const struct vg_api_req *req, const char *key, struct vg_buf *out)
{
    const struct vg_json_value *v = vg_json_get(req->body, key);
    return v && add_value(out, v) == VG_OK;
}

int vg_api_add_time(struct vg_buf *out, int64_t ms)
{
    char iso[40];
    vg_time_format_iso(ms, iso, sizeof(iso));
    return vg_buf_add_json_str(out, vg_str_from(iso));
}

bool vg_api_random_id(char out[33])
{
    unsigned char raw[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && read(fd, raw, sizeof(raw)) == (ssize_t)sizeof(raw);
    if (fd >= 0)
        close(fd);
    for (int i = 0; ok && i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return ok;
}

bool vg_api_list_loader(const char *format, const char **loader)
{
    static const struct {
        const char *guardduty, *vigil;
    } map[] = {
        { "TXT", "txt" },
        { "STIX", NULL },
        { "OTX_CSV", "otx-csv" },
        { "ALIEN_VAULT", "alienvault" },
        { "PROOF_POINT", "proofpoint" },
        { "FIRE_EYE", "fireeye" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(map); i++)
        if (strcmp(format, map[i].guardduty) == 0) {
            *loader = map[i].vigil;
            return true;
        }
    return false;
}

/* ---- tokens ---- */

/* Compare without an early exit, so the time taken says nothing about how much matched. */
static bool secret_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    unsigned char diff = alen != blen;
    for (size_t i = 0; i < blen; i++)
        diff |= (unsigned char)(a[i % (alen ? alen : 1)] ^ b[i]);
    return diff == 0 && alen;
}

static int load_tokens(struct vg_api *a, const char *path, char *why, size_t why_len)
{
    struct stat st;
    FILE *f = fopen(path, "r");
    if (!f || fstat(fileno(f), &st) != 0) {
        snprintf(why, why_len, "%s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return VG_EIO;
    }
    if (st.st_mode & 077) {
        snprintf(why, why_len, "%s: readable by others (chmod 600 it)", path);
        fclose(f);
        return VG_EUSAGE;
    }
    char line[512];
    unsigned lineno = 0;
    int rc = VG_OK;
    while (rc == VG_OK && fgets(line, sizeof(line), f)) {
        lineno++;
        char name[64], scope[16], secret[256], extra[2];
        char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || *p == '\0')
            continue;
        int n = sscanf(p, "%63s %15s %255s %1s", name, scope, secret, extra);
        bool admin = strcmp(scope, "admin") == 0;
        if (n != 3 || (!admin && strcmp(scope, "read") != 0) || strlen(secret) < 16 ||
            a->token_count == MAX_TOKENS) {
            snprintf(why, why_len,
                     "%s:%u: expected 'NAME read|admin TOKEN' with a token of 16 or more "
                     "characters (at most %d tokens)",
                     path, lineno, MAX_TOKENS);
            rc = VG_EUSAGE;
            break;
        }
        struct token *t = &a->tokens[a->token_count++];
        snprintf(t->name, sizeof(t->name), "%s", name);
        snprintf(t->secret, sizeof(t->secret), "%s", secret);
        t->secret_len = strlen(secret);
        t->admin = admin;
    }
    fclose(f);
    if (rc == VG_OK && a->token_count == 0) {
        snprintf(why, why_len, "%s: no tokens", path);
        rc = VG_EUSAGE;
    }
    return rc;
}

/* The token a request presents, or NULL. */
static const struct token *authenticate(struct vg_api *a, struct MHD_Connection *c)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vigil-Token");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!v && auth && strncasecmp(auth, "Bearer ", 7) == 0)
        v = auth + 7;
    if (!v)
        return NULL;
    size_t len = strlen(v);
    const struct token *found = NULL;
    for (size_t i = 0; i < a->token_count; i++) /* no early exit either */
        if (secret_equal(v, len, a->tokens[i].secret, a->tokens[i].secret_len))
            found = &a->tokens[i];
    return found;
}

/* ---- routing ---- */

/* Match `path` against a route pattern, filling params (pointers into `scratch`). */
static bool match(const char *pattern, const char *path, char *scratch, size_t cap,
                  const char **params)
{
    size_t used = 0, np = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/')
            return false;
        pattern++;
        path++;
        size_t plen = strcspn(pattern, "/"), slen = strcspn(path, "/");
        if (plen == 2 && memcmp(pattern, "{}", 2) == 0) {
            if (slen == 0 || slen > 128 || used + slen + 1 > cap || np == 2)
                return false;
            memcpy(scratch + used, path, slen);
            scratch[used + slen] = '\0';
            params[np++] = scratch + used;
            used += slen + 1;
        } else if (plen != slen || memcmp(pattern, path, plen) != 0) {
            return false;
        }
        pattern += plen;
        path += slen;
    }
    return *pattern == '\0' && (*path == '\0' || strcmp(path, "/") == 0);
}

static int first_row(void *ctx, const struct vg_stored_finding *f)
{
    (void)ctx;
    (void)f;
    return 1;
}

/* The instance's id means every finding; a finding detector's id (one account and Region) means
 * its findings. */
static bool check_detector(struct vg_api_req *req, const char *id)
{
    if (strcmp(id, req->opts->detector_id) == 0) {
        req->detector_scope = NULL;
        return true;
    }
    if (id_ok(vg_str_from(id)) && vg_store_findings_each(req->store, id, first_row, NULL) == 1) {
        req->detector_scope = id;
        return true;
    }
    vg_api_bad(req, "The request is rejected because the input detectorId is not owned by the "
                    "current account.");
    return false;
}

static const char *query_value(void *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Split "host:port", "[v6]:port", a bare v6 address with its port ("::1:8470"), or, when the
 * port is optional, a bare "host" or "[v6]": the host into out without brackets and *port at
 * the port's digits (NULL without one).  False when the text is not of that shape. */
static bool split_host_port(const char *text, bool port_optional, char *out, size_t cap,
                            const char **port)
{
    const char *host = text, *end, *colon;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || (close[1] && close[1] != ':'))
            return false;
        host = text + 1;
        end = close;
        colon = close[1] ? close + 1 : NULL;
    } else {
        colon = strrchr(text, ':');
        end = colon ? colon : text + strlen(text);
    }
    if ((!colon && !port_optional) || (size_t)(end - host) >= cap)
        return false;
    if (colon && (colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1)))
        return false;
    memcpy(out, host, (size_t)(end - host));
    out[end - host] = '\0';
    *port = colon ? colon + 1 : NULL;
    return true;
}

/* "localhost", "127.0.0.1", "[::1]", with or without ":port". */
static bool loopback_host(const char *host_header)
{
    char name[64];
    const char *port;
    struct in_addr v4;
    struct in6_addr v6;
    if (!split_host_port(host_header, true, name, sizeof(name), &port))
        return false;
    return strcmp(name, "localhost") == 0 ||
           (inet_pton(AF_INET, name, &v4) == 1 && ntohl(v4.s_addr) >> 24 == 127) ||
           (host_header[0] == '[' && inet_pton(AF_INET6, name, &v6) == 1 &&
            IN6_IS_ADDR_LOOPBACK(&v6));
}

/* A browser sends Origin with every cross-site write and with script requests, and
 * Sec-Fetch-Site with every request, so a page of another site cannot drive this API through
 * the analyst's browser (CSRF); a name that
 * resolves to 127.0.0.1 (DNS rebinding) shows in Host, which a loopback server checks.
 * Clients that are not browsers (boto3, curl) send neither header and pass. */
static bool same_origin(const struct vg_api *a, struct MHD_Connection *c)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    /* Browsers send no Origin with an <img> or <script> GET, but they do send Sec-Fetch-Site:
     * without this, any page could make the analyst's browser run costly reads here */
    const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
        return false;
    if (a->loopback && host && !loopback_host(host))
        return false;
    if (!origin)
        return true;
    const char *o = strstr(origin, "://");
    return host && o && strcmp(o + 3, host) == 0;
}

/* Route and authenticate a request from its headers.  False after failing req. */
static bool admit(struct vg_api *a, struct MHD_Connection *c, const char *url, const char *method,
                  struct upload *up, struct vg_api_req *req)
{
    bool path_known = false;
    for (size_t i = 0; i < vg_api_route_count && !up->route; i++) {
        const char *params[2] = { NULL, NULL };
        if (!match(vg_api_routes[i].path, url, up->scratch, sizeof(up->scratch), params))
            continue;
        path_known = true;
        if (strcmp(vg_api_routes[i].method, method) == 0) {
            up->route = &vg_api_routes[i];
            up->params[0] = params[0];
            up->params[1] = params[1];
        }
    }
    if (!up->route) {
        vg_api_fail(req, path_known ? 405 : 404, "BadRequestException", "no %s %s here",
                    path_known ? method : "route", url);
        return false;
    }
    if (!same_origin(a, c)) {
        vg_api_fail(req, 403, "AccessDeniedException",
                    "cross-origin request refused (Origin or Host is not this server's)");
        return false;
    }
    up->actor = "local";
    if (up->route->scope != VG_API_PUBLIC && a->token_count) {
        const struct token *t = authenticate(a, c);
        if (!t) {
            vg_api_fail(req, 401, "UnauthorizedException",
                        "a token is required (Authorization: Bearer TOKEN or X-Vigil-Token)");
            return false;
        }
        if (up->route->scope == VG_API_ADMIN && !t->admin) {
            vg_api_fail(req, 403, "AccessDeniedException", "token '%s' is read-only", t->name);
            return false;
        }
        up->actor = t->name;
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > a->opts.max_body) {
        up->too_big = true;
        vg_api_fail(req, 413, "PayloadTooLargeException", "the body is over %zu bytes",
                    a->opts.max_body);
        return false;
    }
    return true;
}

/* Parse the body and run the handler. */
static void dispatch(struct vg_api *a, struct upload *up, struct vg_api_req *req)
{
    req->params[0] = up->params[0];
    req->params[1] = up->params[1];
    req->actor = up->actor;
    if (up->too_big) { /* no Content-Length, or a false one: counted while reading */
        vg_api_fail(req, 413, "PayloadTooLargeException", "the body is over %zu bytes",
                    a->opts.max_body);
        return;
    }
    if (up->body.len) {
        size_t pos = 0;
        struct vg_json_error err;
        const struct vg_json_value *root;
        vg_arena_reset(&a->arena);
        if (vg_json_parse(&a->json, up->body.data, up->body.len, &pos, &root, &err) != VG_JSON_OK) {
            vg_api_bad(req, "malformed JSON at byte %zu: %s", err.offset, err.what);
            return;
        }
        if (vg_json_skip_ws(up->body.data, up->body.len, pos) != up->body.len ||
            root->type != VG_JSON_OBJECT) {
            vg_api_bad(req, "the body must be one JSON object");
            return;
        }
        req->body = root;
    }
    if (up->route->detector && !check_detector(req, req->params[0]))
        return;
    up->route->handle(req);
}

/* The body compressed into a->gzipped when the client accepts gzip and it is worth it. */
static bool compress_body(struct vg_api *a, struct MHD_Connection *c, const struct vg_buf *out)
{
    const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    if (!a->gzip || out->len < 1024 || !accept || !strstr(accept, "gzip"))
        return false;
    size_t bound = libdeflate_gzip_compress_bound(a->gzip, out->len);
    vg_buf_reset(&a->gzipped);
    if (vg_buf_reserve(&a->gzipped, bound) != VG_OK)
        return false;
    a->gzipped.len = libdeflate_gzip_compress(a->gzip, out->data, out->len, a->gzipped.data, bound);
    return a->gzipped.len > 0;
}

static enum MHD_Result respond(struct MHD_Connection *c, struct vg_api *a, int status,
                               const char *type, struct vg_buf *out, const char *error_type)
{
    bool gz = compress_body(a, c, out);
    const struct vg_buf *body = gz ? &a->gzipped : out;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        body->len, body->data ? body->data : "", MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    if (gz)
        MHD_add_response_header(r, "Content-Encoding", "gzip");
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* Everything the workbench shows was written by a log's author: no inline script, no
     * foreign origin, no framing, so injected markup could not run even if it reached the DOM. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; script-src 'self'; style-src 'self'; "
                            "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                            "form-action 'none'; frame-ancestors 'none'");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (error_type)
        MHD_add_response_header(r, "x-amzn-ErrorType", error_type);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    if (status >= 100 && status < 600)
        __atomic_fetch_add(&a->requests[status], 1, __ATOMIC_RELAXED);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct vg_api *a = cls;
    struct upload *up = *con_cls;
    struct vg_api_req req = {
        .opts = &a->opts,
        .store = a->store,
        .method = method,
        .query = query_value,
        .conn = c,
        .actor = "local",
        .status = 200,
        .content_type = "application/json",
        .out = &a->out,
    };
    vg_buf_reset(&a->out);
    if (!up) { /* the headers: route, token and declared size */
        up = calloc(1, sizeof(*up));
        if (!up)
            return MHD_NO;
        vg_buf_init(&up->body, a->opts.max_body);
        *con_cls = up;
        if (admit(a, c, url, method, up, &req))
            return MHD_YES;
        /* answered now: MHD closes the connection instead of reading the body */
    } else if (*upload_data_size) {
        if (!up->too_big && vg_buf_add(&up->body, upload_data, *upload_data_size) != VG_OK)
            up->too_big = true;
        *upload_data_size = 0;
        return MHD_YES;
    } else {
        dispatch(a, up, &req);
    }
    const char *error_type = NULL;
    char type[64];
    if (req.status >= 400) {
        /* botocore reads the error code from this header as well as the body */
        const char *t = strstr(a->out.data ? a->out.data : "", "\"__type\":\"");
        snprintf(type, sizeof(type), "%.*s", t ? (int)strcspn(t + 10, "\"") : 0, t ? t + 10 : "");
        error_type = type;
    }
    enum MHD_Result ok = respond(c, a, req.status, req.content_type, &a->out, error_type);
    /* an answer of many megabytes (an activity search) should not stay allocated for good */
    if (a->out.alloc > BIG_ANSWER_BYTES) {
        vg_buf_release(&a->out);
        vg_buf_init(&a->out, 0);
    }
    if (a->gzipped.alloc > BIG_ANSWER_BYTES) {
        vg_buf_release(&a->gzipped);
        vg_buf_init(&a->gzipped, 0);
    }
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct upload *up = *con_cls;
    if (up) {
        vg_buf_release(&up->body);
        free(up);
        *con_cls = NULL;
    }
}

/* "host:port" or "[v6]:port" into an address; loopback tells whether tokens may be skipped. */
static bool parse_listen(const char *listen, struct sockaddr_storage *ss, bool *loopback)
{
    char host[256];
    const char *digits;
    if (!split_host_port(listen, false, host, sizeof(host), &digits))
        return false;
    unsigned long port = strtoul(digits, NULL, 10);
    if (port > 65535)
        return false;
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
        return true;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
        return true;
    }
    if (strcmp(host, "localhost") == 0) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *loopback = true;
        return true;
    }
    return false;
}

int vg_api_start(const struct vg_api_opts *o, struct vg_api **out, char *why, size_t why_len)
{
    *out = NULL;
    struct sockaddr_storage ss;
    bool loopback = false;
    if (!parse_listen(o->listen, &ss, &loopback)) {
        snprintf(why, why_len, "not an ADDRESS:PORT (an IP address, [IPv6] or localhost)");
        return VG_EUSAGE;
    }
    bool tokens = o->tokens_file && *o->tokens_file;
    if (!loopback && !tokens) {
        snprintf(why, why_len,
                 "a non-loopback address needs a tokens file (service.tokens_file "
                 "or --tokens)");
        return VG_EUSAGE;
    }
    struct vg_api *a = calloc(1, sizeof(*a));
    if (!a)
        return VG_ENOMEM;
    a->opts = *o;
    a->loopback = loopback;
    if (!a->opts.max_body)
        a->opts.max_body = 1 << 20;
    vg_arena_init(&a->arena, 1 << 16, 0);
    vg_json_parser_init(&a->json, &a->arena, a->opts.max_body);
    vg_buf_init(&a->out, 0);
    vg_buf_init(&a->gzipped, 0);
    a->gzip = libdeflate_alloc_compressor(6); /* NULL: answers go uncompressed */
    int rc = tokens ? load_tokens(a, o->tokens_file, why, why_len) : VG_OK;
    const char *swhy;
    if (rc == VG_OK && (rc = vg_store_open(&a->store, o->store_uri, &swhy)) != VG_OK)
        snprintf(why, why_len, "%s", swhy);
    if (rc == VG_OK) {
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
        if (ss.ss_family == AF_INET6)
            flags |= MHD_USE_IPv6;
        /* on a shared network one host, with or without a token, must not hold every
         * connection; loopback clients are all one address, so there the total is the limit */
        unsigned per_client = loopback ? 0 : 16;
        a->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, a, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, a, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
            per_client, MHD_OPTION_END);
        if (!a->daemon) {
            snprintf(why, why_len, "cannot listen (address in use or not ours?)");
            rc = VG_EIO;
        }
    }
    if (rc != VG_OK) {
        vg_api_stop(a);
        return rc;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(a->daemon, MHD_DAEMON_INFO_BIND_PORT);
    a->port = info ? info->port : 0;
    *out = a;
    return VG_OK;
}

uint16_t vg_api_port(const struct vg_api *a)
{
    return a->port;
}

void vg_api_stop(struct vg_api *a)
{
    if (!a)
        return;
    if (a->daemon)
        MHD_stop_daemon(a->daemon);
    vg_store_close(a->store);
    vg_json_parser_release(&a->json);
    vg_arena_release(&a->arena);
    vg_buf_release(&a->out);
    vg_buf_release(&a->gzipped);
    if (a->gzip)
        libdeflate_free_compressor(a->gzip);
    free(a);
}

struct vg_str vg_api_record_at(const char *data, size_t len, uint64_t offset)
{
    if (offset >= len)
        return VG_STR_NULL;
    const char *p = data + offset;
    size_t rest = len - (size_t)offset, n;
    if (*p == '{' && (n = vg_json_skip_value(p, rest, 0)) > 0)
        return (struct vg_str){ p, n };
    const char *nl = memchr(p, '\n', rest);
    return (struct vg_str){ p, nl ? (size_t)(nl - p) : rest };
}

struct vg_str vg_api_flow_header(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    struct vg_str line = { data, nl ? (size_t)(nl - data) : len };
    /* every flow log header names the source address; no record holds that word */
    return line.len < 4096 && memmem(line.ptr, line.len, "srcaddr", 7) ? line : VG_STR_NULL;
}

int vg_api_add_record(struct vg_buf *out, struct vg_str record, struct vg_str fields)
{
    int rc = 0;
    if (fields.ptr) {
        rc |= vg_buf_adds(out, ",\"fields\":");
        rc |= vg_buf_add_json_str(out, fields);
    }
    bool cut = record.len > VG_API_MAX_RECORD_BYTES;
    record.len = cut ? VG_API_MAX_RECORD_BYTES : record.len;
    rc |= vg_buf_adds(out, ",\"record\":");
    rc |= vg_buf_add_json_str(out, record);
    return rc | (cut ? vg_buf_adds(out, ",\"truncated\":true") : 0);
}

/* ---- the routes that are about the server itself ---- */

void vg_api_healthz(struct vg_api_req *req)
{
    req->content_type = "text/plain";
    vg_buf_adds(req->out, "ok\n");
}

void vg_api_metrics(struct vg_api_req *req)
{
    struct vg_api *a = (struct vg_api *)((char *)req->opts - offsetof(struct vg_api, opts));
    req->content_type = "text/plain; version=0.0.4";
    int rc = req->opts->metrics ? req->opts->metrics(req->opts->metrics_ctx, req->out) : VG_OK;
    rc |= vg_buf_adds(req->out, "# HELP vigil_api_requests_total API requests answered, by "
                                "status\n# TYPE vigil_api_requests_total counter\n");
    for (int code = 100; code < 600; code++) {
        uint64_t n = __atomic_load_n(&a->requests[code], __ATOMIC_RELAXED);
        if (n)
            rc |= vg_buf_printf(req->out, "vigil_api_requests_total{code=\"%d\"} %" PRIu64 "\n",
                                code, n);
    }
    if (rc)
        vg_api_store_failed(req, VG_ENOMEM);
}
