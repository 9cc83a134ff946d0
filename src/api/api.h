/*
 * vigild's HTTP API: GuardDuty's REST operations on the same paths with the same lowerCamel JSON
 * (../shared/reference/guardduty-notes.md §7), so a boto3 `guardduty` client pointed at vigild
 * with endpoint_url works, plus GET /v1/events (the log records behind a finding), /metrics and
 * /healthz.  Served by libmicrohttpd on one thread with its own store connection.
 *
 * Security: loopback by default; any other address needs a tokens file (lines "NAME read|admin
 * TOKEN", mode 0600).  With tokens, every request but /healthz carries one ("Authorization:
 * Bearer T" or "X-Vigil-Token: T"), compared in constant time; read tokens cannot change
 * anything (403).  SigV4 signatures are not verified: boto3 always signs its Authorization
 * header, so a boto3 client adds X-Vigil-Token with a "before-send" event hook
 * (tests/api/boto3_test.py shows it).  A body whose Content-Length is over max_body gets 413
 * from the headers, before it is read; a body without one is counted while it arrives.
 * Requests never reach SQL as text (the store prepares every statement), and finding text is
 * only ever copied, escaped, into JSON.
 */
#ifndef VG_API_API_H
#define VG_API_API_H

#include "core/compat.h"
#include "core/buf.h"

struct vg_api;

struct vg_api_opts {
    const char *listen;      /* "127.0.0.1:8470", "[::1]:8470"; port 0 picks a free one */
    const char *store_uri;   /* the API opens its own connection */
    const char *tokens_file; /* NULL or "": no tokens (then only loopback addresses) */
    size_t max_body;         /* 0: 1 MiB */
    const char *detector_id; /* the instance's detector */
    int64_t (*now_ms)(void); /* wall clock for createdAt/updatedAt and audit entries */
    /* appends the service's counters for GET /metrics; may be NULL */
    int (*metrics)(void *ctx, struct vg_buf *out);
    void *metrics_ctx;
    /* called after a threat intel set or IP set changed, so the service reloads lists */
    void (*lists_changed)(void *ctx);
    void *lists_ctx;
};

/* Start serving.  VG_OK; otherwise a message in why ("address in use", "a non-loopback address
 * needs a tokens file", "tokens file is readable by others") and VG_EUSAGE, VG_EIO or VG_EDB. */
int vg_api_start(const struct vg_api_opts *o, struct vg_api **out, char *why, size_t why_len);
/* The port it listens on (the chosen one when asked for port 0). */
uint16_t vg_api_port(const struct vg_api *a);
/* Stop and free; NULL is fine. */
void vg_api_stop(struct vg_api *a);

/* The vigil list loader for a GuardDuty list format (TXT, STIX, OTX_CSV, ALIEN_VAULT,
 * PROOF_POINT, FIRE_EYE): "txt", NULL for "detect" (STIX 1 or 2), ...; false when unknown. */
bool vg_api_list_loader(const char *format, const char **loader);

#endif
