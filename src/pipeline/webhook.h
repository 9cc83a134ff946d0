/*
 * The webhook output: findings POSTed to an HTTP receiver in EventBridge's envelope
 * ({"version":"0","id":...,"detail-type":"GuardDuty Finding","source":"aws.guardduty",
 * "account":...,"time":...,"region":...,"resources":[],"detail":<finding>}), so a consumer of
 * GuardDuty's EventBridge events reads vigil's unchanged.
 *
 * Durable: the service puts each finding version in the store's outbox (sink "webhook") in the
 * transaction that wrote it; a row leaves the outbox only after the receiver answered 2xx, so a
 * receiver that is down, or a vigild that is killed, loses nothing.  Failed sends are retried with
 * a growing pause (1 s doubling to 5 min).  Delivery is at least once: a receiver should treat
 * (detail.id, detail.updatedAt) as the key.
 *
 * Cadence, as GuardDuty's findingPublishingFrequency: a finding's first version goes out at
 * once; later versions are held and sent every `update_every_ms`, only the newest version of each
 * finding.  Suppressed (auto-archived) findings never reach the outbox.
 *
 * Plain http:// only: vigil links no TLS library.  Put a local TLS-terminating proxy in front
 * of an https receiver.
 */
#ifndef VG_PIPELINE_WEBHOOK_H
#define VG_PIPELINE_WEBHOOK_H

#include "core/compat.h"
#include "core/buf.h"

struct vg_webhook;

struct vg_webhook_opts {
    const char *url;       /* http://host[:port]/path */
    const char *store_uri; /* the sender opens its own connection */
    int64_t update_every_ms;
    int timeout_ms; /* connect, send and answer, each; 0: 5000 */
};

/* Check the URL and open the store; no thread yet.  VG_OK, or VG_EUSAGE/VG_EDB with why. */
int vg_webhook_new(const struct vg_webhook_opts *o, struct vg_webhook **out, char *why,
                   size_t why_len);
/* Send on a thread of its own until vg_webhook_free. */
int vg_webhook_start(struct vg_webhook *w);
/* New rows are waiting: send now rather than at the next tick. */
void vg_webhook_wake(struct vg_webhook *w);
/* Stop the thread and send what is due now (vigild's last act before it exits, so that --once
 * runs deliver their new findings); what cannot be sent stays in the outbox. */
void vg_webhook_finish(struct vg_webhook *w);
void vg_webhook_free(struct vg_webhook *w);

/* One round at wall time now_ms: send what is due, in outbox order, until a send fails.  *sent
 * and *failed count this round's posts.  VG_OK, or VG_EDB when the store failed.  The thread
 * calls this; tests call it directly (without vg_webhook_start). */
int vg_webhook_round(struct vg_webhook *w, int64_t now_ms, size_t *sent, size_t *failed);

/* Append the sender's counters in Prometheus text format. */
int vg_webhook_metrics(const struct vg_webhook *w, struct vg_buf *out);

#endif
