/*
 * State of the counting DNS detectors (dns_dga.c, dns_exfil.c): one keyed table each
 * (core/keyed.h) holding a share of dns.state_memory, keyed by the querying instance and a hash
 * of what is counted, plus a buffer reused for each finding's additionalInfo.
 */
#ifndef VG_DETECT_DNS_STATE_H
#define VG_DETECT_DNS_STATE_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/keyed.h"
#include "detect/detect.h"

struct vg_dns_state {
    const struct vg_detect_env *env;
    struct vg_keyed *table;
    struct vg_buf additional;
};

/* Every byte set, so keys hash and compare as memory.  The instance is a hash of its id:
 * instance ids are unique, and a collision only merges two instances' counts. */
struct vg_dns_key {
    uint64_t instance;
    uint64_t item; /* a hash of the zone, or 0 when the key is the instance alone */
};

/* A detector's state_new: *out becomes a struct vg_dns_state whose table takes
 * dns.state_memory / share bytes.  VG_OK or VG_ENOMEM (nothing left allocated).  env is borrowed
 * and must outlive the state; free it with vg_dns_state_free(). */
int vg_dns_state_new(void **out, const struct vg_detect_env *env, size_t value_size,
                     unsigned share);
/* The descriptor's state_free (NULL does nothing) and state_evictions. */
void vg_dns_state_free(void *state);
uint64_t vg_dns_state_evictions(const void *state);

/* The key of an event's instance and item; false when the query names no instance (an inbound
 * Resolver endpoint: the findings are about an instance). */
bool vg_dns_key_make(const struct vg_event *ev, uint64_t item, struct vg_dns_key *out);

#endif
