/*
 * Passive DNS: which names an address was given as the answer for, learned from the answers in
 * Route 53 Resolver query logs, with first and last time seen in event time.
 *
 * A flow finding only knows "185.x.y.z"; an analyst wants "the instance asked for
 * update.evil-cdn.example and connected to what it was told".  GuardDuty's DNS feed does not
 * expose answers; Route 53 Resolver query logs do, so vigil builds the table itself.
 *
 * Bounded like all state (core/keyed.h): a fixed number of names per address (the least
 * recently answered one gives way, and the address counts how many did), and two tables whose
 * memory is fixed at creation.  What an answer says is the answering server's claim, which an
 * attacker who owns a zone controls: findings present these names as "resolved from", never as
 * the address's owner.
 */
#ifndef VG_ENRICH_PDNS_H
#define VG_ENRICH_PDNS_H

#include "core/compat.h"
#include "core/event.h"
#include "core/ip.h"

/* Names kept per address: round-robin pools and CDNs put a handful of names on one address;
 * more than this are counted in `names_displaced`. */
#define VG_PDNS_NAMES_PER_IP 4
/* Longest name kept whole; longer ones are cut (and marked) in the table. */
#define VG_PDNS_NAME_MAX 255

struct vg_pdns;

struct vg_pdns_name {
    char domain[VG_PDNS_NAME_MAX + 1]; /* normal form (lower case, no trailing dot) */
    bool cut;                          /* the name was longer than VG_PDNS_NAME_MAX */
    int64_t first_ms, last_ms;         /* event time of the first and last answer */
    uint32_t answers;                  /* answers that gave this address for the name */
};

/* What the table knows of one address, most recently answered name first. */
struct vg_pdns_entry {
    struct vg_ip ip;
    struct vg_pdns_name names[VG_PDNS_NAMES_PER_IP];
    unsigned count;
    uint64_t names_displaced; /* names that made way for newer ones on this address */
};

struct vg_pdns_stats {
    uint64_t answers;   /* A/AAAA answers learned */
    uint64_t evictions; /* addresses and names dropped at the memory cap */
};

/* NULL when out of memory.  budget_bytes bounds both tables together. */
struct vg_pdns *vg_pdns_new(size_t budget_bytes);
void vg_pdns_free(struct vg_pdns *p);

/* Learn the A/AAAA answers of a DNS event (other events and answer types are ignored). */
void vg_pdns_learn(struct vg_pdns *p, const struct vg_event *ev);

/* The names ip was an answer for by until_ms (event time: an answer given after a finding's
 * last activity did not lead to it).  False when there are none. */
bool vg_pdns_lookup(struct vg_pdns *p, const struct vg_ip *ip, int64_t until_ms,
                    struct vg_pdns_entry *out);

/* Every address whose names include `domain`, or with a leading "*." any name under it;
 * fn gets each matching address's entry (all its names). */
void vg_pdns_each_address_of(struct vg_pdns *p, struct vg_str domain,
                             void (*fn)(void *ctx, const struct vg_pdns_entry *e), void *ctx);

struct vg_pdns_stats vg_pdns_stats(const struct vg_pdns *p);

#endif
