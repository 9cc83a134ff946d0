/*
 * Event-time windows, distinct counters and state keys shared by the behavioural flow
 * detectors (flow_scan.c, flow_bruteforce.c, flow_dos.c).
 *
 * Windows.  A window of W ms is kept as two panes of W/2, aligned on multiples of W/2 since the
 * epoch: the current pane (the one holding the newest record of the key) and the previous one.
 * A count is what the two panes hold, so it covers between W/2 and W of event time:
 *   - activity that reaches the threshold within any span of W/2 always fires (the span lies
 *     in two consecutive panes, both still held when its last record arrives);
 *   - activity thinner than the threshold per W never fires (no two panes span more than W).
 * A tumbling window anchored at a key's first record has only the second property: a burst
 * that straddles its boundary is split in two halves that each stay below the threshold, and
 * where the boundary falls depends on whichever unrelated record of the key came first.  Panes
 * aligned on absolute event time depend only on each record's own time, so a replay of the same
 * logs gives the same findings, whatever else was read before.
 *
 *   previous pane   current pane
 *   |---- W/2 ----|---- W/2 ----|     a record older than the previous pane is late and
 *                          ^ newest   ignored.  A flow log file holds its records in no
 *                                     particular order, but those of one key (one scan, one
 *                                     flood) start within seconds of each other, and files
 *                                     are read in name (time) order.
 *
 * Firing.  A key fires once when its count reaches the threshold, then stays quiet until the
 * pane it fired in has left the window (two panes later); from then on the next pair of panes
 * may fire again.  So a finding's count (the table adds one per firing) is the number of
 * windows in which the threshold was crossed: a scan that keeps going for an hour under a
 * 10-minute window gives about 6, not one per record after the crossing.
 *
 * Distinct counting.  A bitmap per pane, one bit per item hash, and linear counting on the
 * union of the two panes (estimate = m ln(m / zero bits), m bits): fixed memory whatever the
 * threshold, one hash and one bit per record, the union of panes is an OR, and the estimate is
 * deterministic.  While (threshold - 1)^2 < 2m (the defaults: 25 ports in 512 bits, 50 hosts
 * in 1,984) it never fires before the threshold, and a hash collision delays it by an item or
 * two; beyond, its standard error stays under 5% up to the options' maxima.  Exact sets would
 * need room for a threshold's worth of items per key (thousands for a sweep), in tables whose
 * entries must stay small so a flood of keys evicts as little real state as possible.
 *
 * None of this allocates; every function is pure arithmetic on caller-owned state.
 */
#ifndef VG_DETECT_FLOW_WINDOW_H
#define VG_DETECT_FLOW_WINDOW_H

#include "core/compat.h"
#include "core/event.h"

struct vg_flow_window {
    int64_t pane_start_ms;  /* start of the current pane; 0 in a new entry */
    int64_t quiet_until_ms; /* no firing while the current pane starts before this */
};

/* Move w to the pane of time_ms.  panes points at two pane_size-byte records, the current
 * pane's first; they are shifted and zeroed as the window slides.  Returns 0 when the record
 * counts in the current pane, 1 in the previous one, -1 when it is late (older than both). */
int vg_flow_window_slide(struct vg_flow_window *w, void *panes, size_t pane_size, int64_t time_ms,
                         int64_t window_ms);
/* False while the pane of the last firing is still in the window. */
bool vg_flow_window_may_fire(const struct vg_flow_window *w);
void vg_flow_window_fired(struct vg_flow_window *w, int64_t window_ms);

/* "10 minutes", "1 hour", "90 seconds": the window in words for a finding's detail. */
const char *vg_flow_window_words(int64_t window_ms, char *out, size_t cap);

/* Set the bit of hash in a pane bitmap of `words` 64-bit words; true when it was clear. */
bool vg_flow_distinct_add(uint64_t *bits, size_t words, uint64_t hash);
/* Estimated distinct items in the union of two pane bitmaps (rounded down; a full bitmap
 * gives the largest value it can tell apart, m ln m). */
uint64_t vg_flow_distinct_count(const uint64_t *a, const uint64_t *b, size_t words);

/* A state key: the instance, a remote address (zero when the key is not about one) and two
 * small discriminators (protocol, port, service, direction: whatever the table needs).  Every
 * byte is set, so keys compare and hash as plain memory. */
struct vg_flow_key {
    uint64_t instance[2];
    uint8_t addr[16];
    uint8_t family;
    uint8_t kind;
    uint16_t port;
    uint32_t zero;
};

/* remote may be NULL for keys about no address. */
struct vg_flow_key vg_flow_key_make(const struct vg_event *ev, const struct vg_ip *remote,
                                    uint8_t kind, uint16_t port);

/* "tcp", "udp" or the protocol number, for counterparts and details. */
const char *vg_flow_protocol_text(uint8_t protocol, char *out, size_t cap);

#endif
