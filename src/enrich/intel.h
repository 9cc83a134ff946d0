/*
 * The intel store: threat lists and trusted lists of IPv4/IPv6 addresses, CIDR ranges, address
 * ranges, domains and wildcard domains, matched on every event.
 *
 * Life cycle: loaders (intel_<format>.c) feed indicators into a builder; vg_intel_freeze() turns
 * it into an immutable snapshot (sorted, non-overlapping address segments searched by binary
 * search; a hash set of domains).  A snapshot is never modified, so any number of readers use it
 * without locks; a reload builds a new one on the side and publishes it by swapping a pointer
 * (struct vg_intel_ref), the old one being freed when its last reader lets go.
 *
 * Validation lives here, not in the loaders: vg_intel_builder_add() parses the indicator text,
 * rejects private and reserved addresses (they would match internal traffic) and malformed
 * entries with a file:line message, and counts everything per list.
 *
 * Semantics follow GuardDuty: an address or domain that is also on a trusted list never
 * produces a list finding; domains match exactly, "*.example.org" matches every name below
 * example.org on a label boundary (not example.org itself).
 *
 * Categories: GuardDuty's curated EC2 types say what kind of bad address was contacted (a C2
 * server, a mining pool, a sinkhole, a drop point, a scanner, a Tor node).  A list declares its
 * category, or leaves it to each indicator's threat name ("Cobalt Strike C&C", "XMRig mining
 * pool", ProofPoint's "CnC" and "Bitcoin_Related"), which vg_intel_category_infer() reads once
 * per distinct (list, name) while building (~0.7 us a name: nothing for a TXT list, 0.7 s more
 * for a list of a million distinct names); a lookup only copies the answer into the hit.
 */
#ifndef VG_ENRICH_INTEL_H
#define VG_ENRICH_INTEL_H

#include "core/compat.h"
#include "core/diag.h"
#include "core/err.h"
#include "core/ip.h"
#include "core/str.h"

enum vg_intel_list_kind {
    VG_INTEL_THREAT,
    VG_INTEL_TRUSTED,
};

/* Which finding family a threat list feeds: the user's own lists give the ".Custom" types,
 * curated lists (shipped with vigil or marked curated) the plain types, Tor lists the Tor types.
 * A reputation list is low-confidence: its domains never fire a list finding, they add to a
 * domain's reputation score (detect/dns_reputation.c, the ".Reputation" types). */
enum vg_intel_feed {
    VG_INTEL_FEED_CUSTOM,
    VG_INTEL_FEED_CURATED,
    VG_INTEL_FEED_REPUTATION,
    VG_INTEL_FEED_TOR,
};

/* What kind of bad address an indicator is; for curated lists it picks the EC2 finding type
 * (detect/flow_intel.c, detect/dns_intel.c).  AUTO is for lists only: each indicator's category
 * then comes from its threat name, and OTHER is what neither the list nor the name says (a
 * generic bad address).  DGA, DRIVEBY and PHISHING are domain families with their own DNS
 * types.  ABUSED and SUSPICIOUS are low-confidence verdicts (a name in an abused namespace, a
 * name that merely looks bad): whatever the feed, such a hit only scores a domain's reputation. */
enum vg_intel_category {
    VG_INTEL_CAT_AUTO,
    VG_INTEL_CAT_OTHER,
    VG_INTEL_CAT_C2,
    VG_INTEL_CAT_CRYPTOCURRENCY,
    VG_INTEL_CAT_BLACKHOLE,
    VG_INTEL_CAT_DROPPOINT,
    VG_INTEL_CAT_SCANNER,
    VG_INTEL_CAT_TOR,
    VG_INTEL_CAT_DGA,
    VG_INTEL_CAT_DRIVEBY,
    VG_INTEL_CAT_PHISHING,
    VG_INTEL_CAT_ABUSED,
    VG_INTEL_CAT_SUSPICIOUS,
    VG_INTEL_CAT_COUNT
};

struct vg_intel_list {
    char *name;
    char *path;
    char *format;    /* the loader that read it */
    char sha256[65]; /* of the file as stored: evidence.threatIntelligenceDetails */
    enum vg_intel_list_kind kind;
    enum vg_intel_feed feed;
    enum vg_intel_category category; /* as declared; AUTO: each indicator's threat name says */
    uint64_t addresses;              /* single addresses added */
    uint64_t networks;               /* CIDRs and ranges added */
    uint64_t domains;                /* exact and wildcard */
    uint64_t rejected;               /* private/reserved addresses, refused with a warning */
    uint64_t bad_lines;              /* entries that were not an indicator */
    uint64_t skipped; /* entries of kinds vigil does not match (hashes, emails, ...) */
    uint64_t
        widest_public_prefix_v4; /* smallest prefix length of a public IPv4 network (32 if none) */
    struct vg_ip widest_public_v4[2]; /* that network's first and last address (family 0: none) */
};

#define VG_INTEL_MAX_HITS 8

struct vg_intel_hit {
    const struct vg_intel_list *list;
    struct vg_str threat_name;       /* may be empty */
    enum vg_intel_category category; /* the list's, else the threat name's; never AUTO */
};

struct vg_intel_match {
    unsigned count; /* threat-list hits, at most VG_INTEL_MAX_HITS */
    struct vg_intel_hit hits[VG_INTEL_MAX_HITS];
    const struct vg_intel_list *trusted; /* a trusted list covering the indicator, or NULL */
};

struct vg_intel_builder;
struct vg_intel;

/* NULL when out of memory. */
struct vg_intel_builder *vg_intel_builder_new(void);
void vg_intel_builder_free(struct vg_intel_builder *b);
/* Declare a list; its id goes to the add calls.  The strings are copied. */
int vg_intel_builder_list(struct vg_intel_builder *b, const char *name, const char *path,
                          enum vg_intel_list_kind kind, enum vg_intel_feed feed, uint32_t *id_out);
/* Set a declared list's file hash and format name (copied). */
void vg_intel_builder_describe(struct vg_intel_builder *b, uint32_t id, const char *format,
                               const char sha256[65]);
/* Set a declared list's category (default AUTO); any time before freezing. */
void vg_intel_builder_categorize(struct vg_intel_builder *b, uint32_t id,
                                 enum vg_intel_category category);
/* Add one indicator as written in a list: an IPv4/IPv6 address, a CIDR, a range "a-b", a
 * domain or "*.domain" (a URL is reduced to its host).  Bad or private entries are reported to
 * diag at loc and counted; they are not errors.  VG_OK or VG_ENOMEM. */
int vg_intel_builder_add(struct vg_intel_builder *b, uint32_t list, struct vg_str indicator,
                         struct vg_str threat_name, struct vg_diag *diag,
                         const struct vg_diag_loc *loc);
/* Count an entry of a kind vigil does not match (file hashes, e-mail addresses, ...). */
void vg_intel_builder_skip(struct vg_intel_builder *b, uint32_t list);
/* Count an entry that is no indicator at all, after the loader reported it. */
void vg_intel_builder_bad(struct vg_intel_builder *b, uint32_t list);

/* Build the read-only snapshot and free the builder (also on failure).  NULL when out of
 * memory. */
struct vg_intel *vg_intel_freeze(struct vg_intel_builder *b);
void vg_intel_free(struct vg_intel *intel);

size_t vg_intel_list_count(const struct vg_intel *intel);
const struct vg_intel_list *vg_intel_list_at(const struct vg_intel *intel, size_t i);
/* Total indicators and the heap bytes the snapshot holds. */
uint64_t vg_intel_indicator_count(const struct vg_intel *intel);
size_t vg_intel_memory(const struct vg_intel *intel);

/* Look an address or domain up.  True when some threat list matches; out->trusted is set when a
 * trusted list covers it too (the caller then emits nothing).  Thread-safe: snapshots are
 * immutable.  Slices in out borrow from the snapshot. */
bool vg_intel_match_ip(const struct vg_intel *intel, const struct vg_ip *ip,
                       struct vg_intel_match *out);
bool vg_intel_match_domain(const struct vg_intel *intel, struct vg_str domain,
                           struct vg_intel_match *out);

/* A low-confidence hit (a reputation feed's, or one whose category is abused or suspicious):
 * it adds to a domain's reputation score (detect/dns_reputation.c) and fires no list finding
 * of its own, for domains or addresses. */
static inline bool vg_intel_hit_low_confidence(const struct vg_intel_hit *h)
{
    return h->list->feed == VG_INTEL_FEED_REPUTATION || h->category == VG_INTEL_CAT_ABUSED ||
           h->category == VG_INTEL_CAT_SUSPICIOUS;
}

/* The category a threat name suggests, VG_INTEL_CAT_OTHER when it suggests none.  Words are
 * matched whole or as distinctive parts, case-insensitively ("C2" but not "ABC2"; "SpywareCnC";
 * "CryptoLocker" is not mining); when a name says several things the most specific wins:
 * blackhole (a sinkholed C2 is a sinkhole now), c2, droppoint, cryptocurrency, scanner, tor,
 * dga, driveby ("drive-by", "exploit kit", "malvertising"), phishing, then the low-confidence
 * abused and suspicious.  Pure; thread-safe. */
enum vg_intel_category vg_intel_category_infer(struct vg_str threat_name);
/* "auto", "other", "c2", "cryptocurrency", "blackhole", "droppoint", "scanner", "tor", "dga",
 * "driveby", "phishing", "abused", "suspicious". */
const char *vg_intel_category_name(enum vg_intel_category category);
/* The category named s (one of the names above, case-sensitive); false if none. */
bool vg_intel_category_parse(struct vg_str s, enum vg_intel_category *out);

/* Publishing snapshots to concurrent readers (the long-running service reloads lists while
 * events flow).  A reader acquires the current snapshot once per batch, uses it without locks
 * and releases it; a reload builds a new snapshot on the side and publishes it; the old one is
 * freed when its last reader releases it.  Acquire and publish take a mutex for a few
 * instructions; lookups take none. */
struct vg_intel_ref;

/* Takes ownership of `initial` (may be NULL).  NULL when out of memory. */
struct vg_intel_ref *vg_intel_ref_new(struct vg_intel *initial);
/* Frees the ref and its current snapshot; every acquired snapshot must be released first. */
void vg_intel_ref_free(struct vg_intel_ref *r);
/* The current snapshot (NULL if none), valid until vg_intel_release.  Thread-safe. */
const struct vg_intel *vg_intel_acquire(struct vg_intel_ref *r);
void vg_intel_release(const struct vg_intel *intel);
/* Make `next` current (ownership passes to the ref).  Thread-safe. */
void vg_intel_publish(struct vg_intel_ref *r, struct vg_intel *next);

#endif
