/*
 * Registrable domains from the Public Suffix List (libpsl), for
 * `dnsRequestAction.domainWithSuffix` and for counting DNS queries per zone.
 *
 * The zone of a name is the registrable domain the PSL gives: "a.b.example.co.uk" ->
 * "example.co.uk".  The list's private section counts as well as its ICANN section:
 * "abc.github.io" -> "abc.github.io", "bucket.s3.amazonaws.com" -> "bucket.s3.amazonaws.com".
 * Names under a private suffix belong to different owners (two GitHub Pages sites, two
 * buckets), so counting them as one zone would merge unrelated owners' subdomains and make
 * DNS-exfiltration counting fire on a busy shared namespace.  The finding shows the same zone
 * the detector counted, so domainWithSuffix uses the same rule (it is what libpsl's
 * psl_registrable_domain() gives).
 *
 * Every name gets a kind and, except for VG_PSL_INVALID, a non-empty zone that is a suffix of
 * the name; callers decide what each kind means to them (a per-zone counter skips IP,
 * SINGLE_LABEL, INTERNAL and REVERSE).  Where there is no registrable domain (a public suffix,
 * a single label, an IP literal) the zone is the name itself: it is what the query was for,
 * and domainWithSuffix should never be empty for a name that has one.
 *
 * The data is Debian's `publicsuffix` package, read once; nothing is downloaded.  See psl.c for
 * the order in which the files are tried and why.
 */
#ifndef VG_ENRICH_PSL_H
#define VG_ENRICH_PSL_H

#include "core/compat.h"
#include "core/err.h"
#include "core/str.h"

/* In the order the checks are made: the first that applies is the kind. */
enum vg_psl_kind {
    VG_PSL_INVALID,      /* no zone: empty, the root, an empty label next to the suffix
                          * ("a..co.uk", ".com"); *out is empty */
    VG_PSL_IP,           /* an IPv4 or IPv6 literal ("10.0.0.1", "fd00:ec2::254"): zone = name */
    VG_PSL_SINGLE_LABEL, /* one label that is not a listed TLD ("localhost", "ip-10-0-0-1",
                          * "instance-data"): a search-list host name; zone = name */
    VG_PSL_INTERNAL,     /* under a name that never resolves in the public DNS: AWS's
                          * "*.ec2.internal" and "*.<region>.compute.internal", .local,
                          * .localhost, .localdomain, .invalid, .home.arpa; zone = what the PSL
                          * gives ("compute.internal") */
    VG_PSL_REVERSE,      /* a PTR name under in-addr.arpa or ip6.arpa; zone = what the PSL gives
                          * ("10.in-addr.arpa"), one per first octet, not an owner */
    VG_PSL_SUFFIX,       /* the name is itself a public suffix ("com", "co.uk", "github.io",
                          * "ec2-54-1-2-3.compute-1.amazonaws.com"): zone = name */
    VG_PSL_REGISTRABLE,  /* zone = the registrable domain, shorter than or equal to the name */
};

/*
 * Load the list now (the first vg_psl_registrable() call does it otherwise).  Returns VG_OK, or
 * VG_ENOTFOUND when neither Debian's files nor libpsl's builtin copy could be loaded; lookups
 * then treat the last label of every name as its public suffix (the PSL's default "*" rule).
 * Thread-safe; the list is held for the life of the process.
 */
int vg_psl_init(void);

/* What vg_psl_init() loaded, for logs and the scan summary: a file path, "libpsl builtin
 * (...)", or "none (...)".  Static storage. */
const char *vg_psl_source(void);

/*
 * The zone of `name` into *out, and its kind.  *out is a slice of `name` (borrowed: valid as
 * long as name is), never a copy; nothing is allocated.
 *
 * `name` is expected in vigil's normal form (struct vg_dns_name in core/event.h: lowercase, no
 * trailing dot, "\." for a dot inside a label, other odd bytes as "\DDD"), but anything is
 * accepted: ASCII case is ignored (the slice keeps the input's case), one trailing dot is
 * dropped, an escaped dot does not split labels, a NUL byte is an ordinary byte.  Raw UTF-8 is
 * converted to punycode by libpsl (libidn2, which allocates); normal-form names are ASCII, so
 * DNS events never take that path.  Punycode labels ("xn--p1ai") match the list as they are.
 *
 * Any length is data: only the last labels can be part of a public suffix, so libpsl sees at
 * most the last 16 labels and 253 bytes, and the rest of the name costs one backwards scan.
 * Thread-safe after the list is loaded (and the first call loads it under pthread_once).
 */
enum vg_psl_kind vg_psl_registrable(struct vg_str name, struct vg_str *out);

/* "registrable", "suffix", ...: for messages and tests. */
const char *vg_psl_kind_name(enum vg_psl_kind kind);

#endif
